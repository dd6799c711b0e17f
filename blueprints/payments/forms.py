from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import AnyOf, Optional, Regexp

from domain.payments import PERIOD_PATTERN, STATUSES, Cursor, Filters, status_label
from domain.programmes import programme_name

MAX_ID = 2**31 - 1
BAD_CURSOR = _l("This link to older payments is not valid. Start again from the newest payments.")


class HistoryFilterForm(FlaskForm):
    """Filters and the page cursor, read from the query string (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), default="", validate_choice=False)
    programme = SelectField(_l("Programme"), default="", validate_choice=False)
    status = SelectField(_l("Status"), default="", validate_choice=False)
    before_period = StringField(validators=[Optional(), Regexp(f"^{PERIOD_PATTERN}$",
                                                               message=BAD_CURSOR)])
    before_id = StringField(validators=[Optional(), Regexp(r"^[1-9][0-9]{0,9}$",
                                                           message=BAD_CURSOR)])

    def __init__(self, years: list[int], programmes: list[str]) -> None:
        super().__init__(formdata=request.args)
        self.year.choices = [("", _("All years"))] + [(str(y), str(y)) for y in years]
        self.programme.choices = [("", _("All programmes"))] + [
            (code, _(programme_name(code))) for code in programmes
        ]
        self.status.choices = [("", _("All statuses"))] + [
            (code, _(status_label(code))) for code in STATUSES
        ]
        self.year.validators = [AnyOf(
            [value for value, _label in self.year.choices],
            message=_("Choose a year from the list"),
        )]
        self.programme.validators = [AnyOf(
            [value for value, _label in self.programme.choices],
            message=_("Choose a programme from the list"),
        )]
        self.status.validators = [AnyOf(
            [value for value, _label in self.status.choices],
            message=_("Choose a status from the list"),
        )]

    @property
    def cursor(self) -> Cursor | None:
        period, payment_id = self.before_period.data, self.before_id.data
        if not period or not payment_id or int(payment_id) > MAX_ID:
            return None
        return Cursor(period, int(payment_id))

    @property
    def filters(self) -> Filters:
        return Filters(
            year=int(self.year.data) if self.year.data else None,
            programme=self.programme.data or None,
            status=self.status.data or None,
        )

    @property
    def filter_args(self) -> dict[str, str]:
        """The filters as query arguments, for links that keep them."""
        return {name: getattr(self, name).data for name in ("year", "programme", "status")
                if getattr(self, name).data}
