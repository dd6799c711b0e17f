"""The signed-in beneficiary's own pages."""

from flask import Blueprint

from blueprints.access import require_citizen

bp = Blueprint("account", __name__, url_prefix="/account")
bp.before_request(require_citizen)

from blueprints.account import journey, lock, requests, vietqr, views  # noqa: E402,F401
