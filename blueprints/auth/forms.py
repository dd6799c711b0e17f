from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Regexp

from blueprints.forms import CodeField, domain_validator
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


class CodeForm(FlaskForm):
    code = CodeField(
        _l("Code from the SMS"),
        description=_l("6 digits, sent to the phone number in the population registry"),
        validators=[
            InputRequired(message=_l("Enter the 6-digit code from the SMS")),
            Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code from the SMS")),
        ],
    )


class EmptyForm(FlaskForm):
    """A form with only its CSRF token: sign-out, resend, keep-alive."""
