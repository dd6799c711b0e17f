"""A beneficiary's payment history: list by year, one payment, a printable receipt, a year as
CSV. Whose history is shown is decided in one place, `context.viewed_beneficiary()`."""

from flask import Blueprint

from blueprints.access import require_citizen

bp = Blueprint("payments", __name__, url_prefix="/account/payments")
bp.before_request(require_citizen)

from blueprints.payments import views  # noqa: E402,F401
