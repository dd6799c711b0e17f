"""Whose payments a page shows: the one place that decides it.

The signed-in beneficiary, or the beneficiary a family helper acts for (every scope includes
seeing payments), so every page (list, detail, receipt, CSV) follows the same rule.
"""

from __future__ import annotations

from flask import current_app, url_for

from domain.models import Beneficiary


def viewed_beneficiary() -> Beneficiary:
    """The beneficiary whose payments are shown, or 404 (never another person's)."""
    from blueprints.account.context import acting_beneficiary

    return acting_beneficiary()


def change_journey_url() -> str:
    """Where a person goes to change the account their benefit is paid into."""
    if "account.change_start" in current_app.view_functions:
        return url_for("account.change_start")
    return url_for("account.home")
