from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp
from wtforms.validators import ValidationError as FormError
from wtforms.widgets import HiddenInput

from domain.errors import ValidationError
from domain.identifiers import normalize_id_number
from domain.review import (
    NOTE_MAX,
    REJECT_REASONS,
    REVEAL_NOTE_MAX,
    REVEAL_REASONS,
    RISK_FILTERS,
    STATUS_FILTERS,
)

STATUS_LABELS = {
    "open": _l("All open requests"),
    "waiting": _l("Waiting for an officer"),
    "mine": _l("Claimed by me"),
    "in_review": _l("Being reviewed"),
    "second_approval": _l("Waiting for a second approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled by the beneficiary"),
    "expired": _l("Expired"),
    "all": _l("All requests"),
}
RISK_LABELS = {
    "any": _l("Any risk"),
    "high": _l("High risk only"),
    "normal": _l("Normal risk only"),
}


class QueueFilterForm(FlaskForm):
    """Read from the query string: a GET form without a CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(code, STATUS_LABELS[code]) for code in STATUS_FILTERS],
        default="open",
        validate_choice=False,
        validators=[Optional(), AnyOf(STATUS_FILTERS, message=_l("Choose a status from the list"))],
    )
    risk = SelectField(
        _l("Risk"),
        choices=[SelectChoice(code, RISK_LABELS[code]) for code in RISK_FILTERS],
        default="any",
        validate_choice=False,
        validators=[Optional(), AnyOf(RISK_FILTERS, message=_l("Choose a risk from the list"))],
    )
    commune = SelectField(_l("Commune"), choices=[], default="", validate_choice=False)

    def validate_commune(self, field) -> None:
        allowed = {choice.value for choice in field.choices}
        if field.data and field.data not in allowed:
            raise FormError(_l("Choose a commune from the list"))


class VersionedForm(FlaskForm):
    """A decision carries the version of the request the reviewer saw."""

    version = StringField(
        widget=HiddenInput(),
        validators=[
            InputRequired(message=_l("Reload the page and try again")),
            Regexp(r"^\d{1,9}$", message=_l("Reload the page and try again")),
        ],
    )

    @property
    def seen_version(self) -> int:
        return int(self.version.data)


class RejectForm(VersionedForm):
    reason = RadioField(
        _l("Why is the request rejected?"),
        choices=[
            SelectChoice(code, _l(reason["label"])) for code, reason in REJECT_REASONS.items()
        ],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose why the request is rejected")),
            AnyOf(list(REJECT_REASONS), message=_l("Choose why the request is rejected")),
        ],
    )
    note = TextAreaField(
        _l("Note (optional unless you chose another reason)"),
        description=_l("What you checked and what the beneficiary should know. Do not write "
                       "full ID or account numbers."),
        validators=[
            Length(max=NOTE_MAX, message=_l("Write a note of at most %(max)d characters")),
        ],
    )


class RevealForm(FlaskForm):
    reason = RadioField(
        _l("Why do you need to see the full number?"),
        description=_l("Your name, the reason and the time are recorded."),
        choices=[SelectChoice(code, _l(label)) for code, label in REVEAL_REASONS.items()],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose why you need to see the full number")),
            AnyOf(list(REVEAL_REASONS), message=_l("Choose why you need to see the full number")),
        ],
    )
    note = StringField(
        _l("Note (optional unless you chose another reason)"),
        validators=[
            Length(max=REVEAL_NOTE_MAX,
                   message=_l("Write a note of at most %(max)d characters")),
        ],
    )


def _beneficiary_id_number(form, field) -> None:
    try:
        field.data = normalize_id_number(field.data or "")
    except ValidationError:
        raise FormError(_l("Enter the beneficiary's personal ID number: 12 digits")) from None


class AuditSearchForm(FlaskForm):
    id_number = StringField(
        _l("Beneficiary's personal ID number"),
        description=_l("12 digits. Looking up a person's log is itself recorded."),
        validators=[
            InputRequired(message=_l("Enter the beneficiary's personal ID number: 12 digits")),
            _beneficiary_id_number,
        ],
    )
