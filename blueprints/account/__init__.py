"""The signed-in beneficiary's own pages."""

from flask import Blueprint

from blueprints.access import require_citizen

bp = Blueprint("account", __name__, url_prefix="/account")
bp.before_request(require_citizen)


@bp.before_request
def _helper_scope():
    from blueprints.account.context import enforce_scope

    return enforce_scope()


from blueprints.account import journey, lock, requests, vietqr, views  # noqa: E402,F401
