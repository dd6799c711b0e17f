"""Staff sign-in (username, password, authenticator code), enrolment and set-up links.

The sign-in pages are open to anyone; everything else here needs a signed-in staff member.
"""

from flask import Blueprint, current_app, request

from blueprints.access import require_staff

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")

# The views marked @public: the sign-in steps and the set-up link (tests check the two agree).
OPEN_ENDPOINTS = frozenset(
    {
        "staff_auth.signin",
        "staff_auth.code",
        "staff_auth.enrol",
        "staff_auth.enrol_qr",
        "staff_auth.setup_start",
        "staff_auth.setup",
    }
)
_signed_in_staff = require_staff()


@bp.before_request
def _access_rule():
    if getattr(current_app.view_functions.get(request.endpoint), "is_public", False):
        return None
    return _signed_in_staff()


from blueprints.staff_auth import views  # noqa: E402,F401
