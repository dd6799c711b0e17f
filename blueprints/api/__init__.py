"""The partner API under /api/v1/: JSON only, Bearer API keys, limits per key, every call
audited. Cookies and CSRF play no part here."""

from flask import Blueprint

from extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from blueprints.api import auth, views  # noqa: E402,F401

bp.before_request(auth.require_api_key)
