from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length

from domain.staff_auth import ROLE_LABELS, ROLES


class CreateStaffForm(FlaskForm):
    display_name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(message=_l("Enter the person's full name")),
            Length(max=120, message=_l("Enter a name of at most 120 characters")),
        ],
    )
    username = StringField(
        _l("Username"),
        description=_l("3 to 60 characters: lower-case letters, digits, dots, dashes or _. "
                       "For example officer.caolanh2"),
        validators=[InputRequired(message=_l("Enter a username"))],
    )
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(role, _l(ROLE_LABELS[role])) for role in ROLES],
        validate_choice=False,
        validators=[
            InputRequired(message=_l("Choose a role")),
            AnyOf(ROLES, message=_l("Choose a role")),
        ],
    )
    locality = SelectField(
        _l("Where they work"),
        description=_l("An officer works in one commune, a supervisor in one province."),
        choices=[],
        validate_choice=False,
    )
    id_number = StringField(
        _l("Their own personal ID number (optional)"),
        description=_l("12 digits. Then they can never decide a request about themselves or "
                       "one they made as a family helper."),
    )
