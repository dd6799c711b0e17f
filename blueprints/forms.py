"""Form pieces shared by the blueprints: domain validators as WTForms validators."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import InputRequired, Regexp
from wtforms.validators import ValidationError as FormError

from domain.errors import ValidationError


def translated(error: ValidationError) -> str:
    return gettext(error.message, **error.params)


def domain_validator(normalise: Callable[[str], str]):
    """Run a domain normaliser; keep its clean value on the field, or show its message."""

    def validate(form, field: Field) -> None:
        try:
            field.data = normalise(field.data or "")
        except ValidationError as error:
            raise FormError(translated(error)) from None

    return validate


class CodeField(StringField):
    """A one-time code: digits only once spaces are removed."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = "".join(self.data.split())


def sms_code_field(description=None) -> CodeField:
    """The 6-digit code from an SMS, with the one message every code page uses."""
    message = _l("Enter the 6-digit code from the SMS")
    return CodeField(
        _l("Code from the SMS"),
        description=description
        or _l("6 digits, sent to the phone number in the population registry"),
        validators=[InputRequired(message=message), Regexp(r"^\d{6}$", message=message)],
    )


class SmsCodeForm(FlaskForm):
    code = sms_code_field()


class EmptyForm(FlaskForm):
    """A form with only its CSRF token: a button that posts."""
