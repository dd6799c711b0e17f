"""Whose payments a page shows: the one place that decides it.

Today that is the signed-in beneficiary; a family helper with view rights will be let in here,
and nowhere else, so every page (list, detail, receipt, CSV) follows the same rule.
"""

from __future__ import annotations

from flask import abort, current_app, url_for
from flask_login import current_user

from domain.models import Beneficiary


def viewed_beneficiary() -> Beneficiary:
    """The beneficiary whose payments are shown, or 404 (never another person's)."""
    beneficiary = current_user.beneficiary
    if beneficiary is None:
        abort(404)
    return beneficiary


def change_journey_url() -> str:
    """Where a person goes to change the account their benefit is paid into."""
    if "account.change_start" in current_app.view_functions:
        return url_for("account.change_start")
    return url_for("account.home")
