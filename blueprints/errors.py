"""Error pages in the site's layout (HTML), or JSON for the partner API."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from extensions import db

log = logging.getLogger("ansinh.errors")

PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
    413: "errors/400.html",
    429: "errors/429.html",
    500: "errors/500.html",
    503: "errors/503.html",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, *, message: str | None = None):
    if _wants_json():
        code = {404: "not_found", 405: "method_not_allowed", 429: "rate_limited"}.get(
            status, "error"
        )
        return jsonify(error={"code": code, "message": message or ""}), status
    template = PAGES.get(status, "errors/500.html")
    return render_template(template, status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(
            400,
            message=_("This form has expired. Go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError):
        log.error("database unavailable: %s", type(error.orig).__name__)
        g.database_down = True
        db.session.rollback()
        return render_error(ServiceUnavailable.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        db.session.rollback()
        return render_error(InternalServerError.code)
