"""Administrators: staff accounts (create, switch off, reset the authenticator, set-up links)."""

from flask import Blueprint

from blueprints.access import require_staff
from blueprints.review.labels import labels_context

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
bp.before_request(require_staff("admin"))
bp.context_processor(labels_context)

from blueprints.admin import views  # noqa: E402,F401
