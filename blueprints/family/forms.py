from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from blueprints.forms import EmptyForm, domain_validator, sms_code_field
from domain.delegations import SCOPES
from domain.identifiers import normalize_id_number

SCOPE_LABELS = {
    "view": _l("See my payments"),
    "view_and_request": _l("See my payments and ask for account changes for me"),
}

_scope_validators = [
    InputRequired(message=_l("Choose what your helper may do")),
    AnyOf(SCOPES, message=_l("Choose what your helper may do")),
]


class ScopeField(RadioField):
    def __init__(self, **kwargs):
        super().__init__(
            _l("What may your helper do?"),
            description=_l("Changes your helper asks for are confirmed by a code sent to your "
                           "phone, and checked by an officer."),
            choices=[SelectChoice(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
            validate_choice=False,
            validators=_scope_validators,
            **kwargs,
        )


class InviteForm(FlaskForm):
    helper_id_number = StringField(
        _l("Your helper's personal ID number"),
        description=_l("12 digits, from your helper's chip ID card"),
        validators=[
            InputRequired(message=_l("Enter your helper's personal ID number: 12 digits")),
            domain_validator(normalize_id_number),
        ],
    )
    scope = ScopeField()


class QrInviteForm(FlaskForm):
    scope = ScopeField()


class CodeForm(FlaskForm):
    code = sms_code_field(_l("6 digits, sent to your registered phone"))


__all__ = ["CodeForm", "EmptyForm", "InviteForm", "QrInviteForm", "SCOPE_LABELS"]
