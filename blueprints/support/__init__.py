"""The support desk: find one beneficiary exactly, see a masked profile, repair their links.

Support staff and administrators use it. Officers and supervisors do not: they decide change
requests, and keeping the two apart keeps the maker-checker rule simple.
"""

from flask import Blueprint

from blueprints.access import require_staff
from domain.support import SUPPORT_ROLES

bp = Blueprint("support", __name__, url_prefix="/staff/support")
bp.before_request(require_staff(*SUPPORT_ROLES))

from blueprints.support import views  # noqa: E402,F401
