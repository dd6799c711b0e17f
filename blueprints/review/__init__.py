"""Officers and supervisors: the review queue, decisions, the dashboard and the audit log."""

from flask import Blueprint

from blueprints.access import require_staff
from blueprints.review.labels import labels_context
from domain.review import REVIEWER_ROLES

bp = Blueprint("review", __name__, url_prefix="/staff/review")
bp.before_request(require_staff(*REVIEWER_ROLES))
bp.context_processor(labels_context)

from blueprints.review import views  # noqa: E402,F401
