from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, Regexp

from blueprints.forms import CodeField


class SigninForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            InputRequired(message=_l("Enter your username")),
            Length(max=60, message=_l("Enter your username")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(message=_l("Enter your password")),
            Length(max=200, message=_l("Enter your password")),
        ],
    )


class TotpForm(FlaskForm):
    code = CodeField(
        _l("Code from your authenticator app"),
        description=_l("6 digits. A new code appears every 30 seconds."),
        validators=[
            InputRequired(message=_l("Enter the 6-digit code from your authenticator app")),
            Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code from your authenticator app")),
        ],
    )


class SetupForm(FlaskForm):
    password = PasswordField(
        _l("Choose a password"),
        description=_l("At least 12 characters. A few words you can remember work well."),
        validators=[InputRequired(message=_l("Choose a password of at least 12 characters"))],
    )
    confirmation = PasswordField(
        _l("Type the password again"),
        validators=[InputRequired(message=_l("Type the password again"))],
    )
