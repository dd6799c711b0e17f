"""The beneficiary's home page: how the benefit is paid today and what comes next."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from blueprints.account import bp
from blueprints.account.context import acting_beneficiary_or_none
from domain.benefit_overview import overview


@bp.route("/")
def home():
    beneficiary = acting_beneficiary_or_none()
    return render_template(
        "account/home.html",
        person=current_user.person,
        beneficiary=beneficiary,
        overview=overview(beneficiary) if beneficiary is not None else None,
        payments_url_endpoint=(
            "payments.history" if "payments.history" in current_app.view_functions else None
        ),
    )
