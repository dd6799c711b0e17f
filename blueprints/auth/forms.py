from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired

from blueprints.forms import EmptyForm, SmsCodeForm, domain_validator

__all__ = ["CodeForm", "EmptyForm", "IdNumberForm"]
from domain.identifiers import normalize_id_number


class IdNumberForm(FlaskForm):
    id_number = StringField(
        _l("Personal ID number"),
        description=_l("12 digits, printed on your chip ID card (CCCD)"),
        validators=[
            InputRequired(message=_l("Enter your personal ID number: 12 digits")),
            domain_validator(normalize_id_number),
        ],
    )


CodeForm = SmsCodeForm
