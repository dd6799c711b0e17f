"""Pages anyone may see: the start page and the health check."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("public", __name__)

# Endpoints that need no sign-in; the route-permission test checks every other one.
PUBLIC_ENDPOINTS = {"public.start", "public.healthz", "static"}


@bp.route("/")
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
def healthz():
    return jsonify(status="ok")
