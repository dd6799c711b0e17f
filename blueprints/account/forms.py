"""Forms of the account pages: one question each."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length
from wtforms.validators import ValidationError as FormError

from blueprints.forms import EmptyForm, SmsCodeForm
from domain.providers import PROVIDER_KINDS, providers_of_kind

__all__ = ["EmptyForm"]  # shared with the views that import it from here

KIND_LABELS = {
    "bank": _l("A bank account"),
    "ewallet": _l("An e-wallet (MoMo, ZaloPay, ShopeePay, VNPAY)"),
    "mobile_money": _l("Mobile money (Viettel Money, VNPT Money, MobiFone Money)"),
}


class KindForm(FlaskForm):
    kind = RadioField(
        _l("Where do you want your benefit paid?"),
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in PROVIDER_KINDS],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose how you want to be paid")),
            AnyOf(PROVIDER_KINDS, message=_l("Choose how you want to be paid")),
        ],
    )


class BankForm(FlaskForm):
    provider = RadioField(
        _l("Choose your bank"),
        choices=[SelectChoice(bank.code, bank.short_name) for bank in providers_of_kind("bank")],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose your bank from the list")),
            AnyOf(
                [bank.code for bank in providers_of_kind("bank")],
                message=_l("Choose your bank from the list"),
            ),
        ],
    )


class ProviderForm(FlaskForm):
    """E-wallet or mobile-money provider; the view sets the choices for the kind."""

    provider = RadioField(
        _l("Choose the provider"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose the provider from the list"))],
    )

    def set_kind(self, kind: str) -> None:
        choices = providers_of_kind(kind)
        self.provider.choices = [SelectChoice(p.code, p.short_name) for p in choices]
        if kind == "ewallet":
            self.provider.label.text = _l("Which e-wallet?")
        else:
            self.provider.label.text = _l("Which mobile-money service?")
            self.provider.description = _l(
                "A mobile-money account works on the SIM of its own network: Viettel Money on "
                "Viettel, VNPT Money on VinaPhone, MobiFone Money on MobiFone."
            )

    def validate_provider(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise FormError(_l("Choose the provider from the list"))


class AccountNumberForm(FlaskForm):
    number = StringField(
        _l("Account number"),
        description=_l("Digits only, as printed on your bank card or in your banking app"),
        validators=[
            InputRequired(message=_l("Enter the account number")),
            Length(max=64, message=_l("Enter the account number using digits only")),
        ],
    )


class PhoneForm(FlaskForm):
    number = StringField(
        _l("Phone number of the account"),
        validators=[
            InputRequired(message=_l("Enter a mobile phone number: 10 digits starting with 0")),
            Length(max=32, message=_l("Enter a mobile phone number: 10 digits starting with 0")),
        ],
    )


class VietQRForm(FlaskForm):
    code = TextAreaField(
        _l("VietQR code text"),
        description=_l(
            "In your banking app, open your account's QR code, choose Share or Copy, "
            "and paste the text here. It starts with 000201"
        ),
        validators=[
            InputRequired(message=_l("Paste the code text from your banking app")),
            Length(
                max=2000,
                message=_l(
                    "This is not a VietQR code. Copy the code text from your banking app again"
                ),
            ),
        ],
    )


class SendCodeForm(FlaskForm):
    """The review page's button; carries a fingerprint of the content shown."""

    fingerprint = HiddenField()


class CodeForm(SmsCodeForm):
    fingerprint = HiddenField()

