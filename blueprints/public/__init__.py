"""Pages anyone may see: the start page and the health check."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from blueprints.access import public

bp = Blueprint("public", __name__)

@bp.route("/")
@public
def start():
    if current_user.is_authenticated:
        if current_user.kind == "staff":
            return redirect(url_for("staff.home")) if "staff" in _blueprints() else _start_page()
        return redirect(url_for("account.home"))
    return _start_page()


def _blueprints():
    from flask import current_app

    return current_app.blueprints


def _start_page():
    return render_template("public/start.html")


@bp.route("/healthz")
@public
def healthz():
    return jsonify(status="ok")
