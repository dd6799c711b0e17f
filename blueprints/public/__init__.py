"""Pages anyone may see: the start page and the health check."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from blueprints.access import public

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def start():
    """Signed-in people go to their own home page; everyone else sees the start page."""
    if current_user.is_authenticated:
        home = "staff_auth.home" if current_user.kind == "staff" else "account.home"
        return redirect(url_for(home))
    return render_template("public/start.html")


@bp.route("/healthz")
@public
def healthz():
    return jsonify(status="ok")
