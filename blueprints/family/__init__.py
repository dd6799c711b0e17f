"""Family helpers: the beneficiary's list of helpers and invitations, and the helper's side."""

from flask import Blueprint

from blueprints.access import require_citizen

bp = Blueprint("family", __name__, url_prefix="/family")
bp.before_request(require_citizen)

from blueprints.family import views  # noqa: E402,F401
