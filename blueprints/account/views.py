from __future__ import annotations

from flask import render_template
from flask_login import current_user

from blueprints.account import bp


@bp.route("/")
def home():
    return render_template(
        "account/home.html",
        person=current_user.person,
        beneficiary=current_user.beneficiary,
    )
