from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp

from blueprints.forms import CodeField
from domain.providers import all_providers
from domain.support import NOTE_MAX, REASONS

KIND_LABELS = {"bank": _l("Bank"), "ewallet": _l("E-wallet"), "mobile_money": _l("Mobile money")}


class SearchForm(FlaskForm):
    query = StringField(
        _l("Personal ID number or registered phone number"),
        description=_l("The exact number: 12 digits for an ID number, 10 digits for a phone. "
                       "Every search is recorded."),
        validators=[
            InputRequired(message=_l("Enter a personal ID number (12 digits) or a registered "
                                     "phone number (10 digits)")),
            Length(max=40, message=_l("Enter a personal ID number (12 digits) or a registered "
                                      "phone number (10 digits)")),
        ],
    )


class ActionForm(FlaskForm):
    reason = RadioField(
        _l("Why are you doing this?"),
        description=_l("Your name, the reason, the note and the time are recorded, and the "
                       "beneficiary is told by SMS."),
        choices=[SelectChoice(code, _l(label)) for code, label in REASONS.items()],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose the reason for this action")),
            AnyOf(list(REASONS), message=_l("Choose the reason for this action")),
        ],
    )
    note = TextAreaField(
        _l("Note"),
        description=_l("What the beneficiary told you and what you checked. Do not write full "
                       "ID or account numbers."),
        validators=[
            InputRequired(message=_l("Write a note: what the beneficiary told you and what you "
                                     "checked")),
            Length(max=NOTE_MAX, message=_l("Write a note of at most %(max)d characters")),
        ],
    )


class NotMeForm(ActionForm):
    report_code = StringField(
        _l("Code in the message (if the person has it)"),
        description=_l("8 letters and digits, at the end of the message they did not expect."),
        validators=[Optional(), Length(max=20, message=_l(
            "A message code has 8 letters and digits, as in the message. Leave it empty if the "
            "person does not have one"))],
    )


def _provider_choices() -> list[SelectChoice]:
    choices = [SelectChoice("", _l("Choose…"))]
    for provider in all_providers():
        if provider.accepting_payments:
            label = f"{provider.short_name} ({KIND_LABELS[provider.kind]})"
            choices.append(SelectChoice(provider.code, label))
    return choices


class AssistedForm(ActionForm):
    provider = SelectField(
        _l("Bank or provider"),
        choices=_provider_choices,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose the bank or provider from the list"))],
    )
    number = StringField(
        _l("Account number, or the phone number of the wallet"),
        validators=[InputRequired(message=_l("Enter the account number"))],
    )


class CodeForm(FlaskForm):
    code = CodeField(
        _l("The code the beneficiary reads out"),
        description=_l("6 digits, in the SMS just sent to the beneficiary's registered phone. "
                       "Ask the beneficiary to read it; never ask them to forward it."),
        validators=[
            InputRequired(message=_l("Enter the 6-digit code")),
            Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code")),
        ],
    )
