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


API_ERRORS = {
    400: ("bad_request", "The request could not be understood."),
    404: ("not_found", "There is no such resource."),
    405: ("method_not_allowed", "This method is not allowed on this resource."),
    413: ("too_large", "The request body is too large."),
    429: ("rate_limited", "Too many requests: slow down and retry later."),
    500: ("error", "An unexpected error occurred; nothing was changed."),
    503: ("unavailable", "The service is briefly unavailable; retry later."),
}


def render_error(status: int, *, message: str | None = None):
    if _wants_json():
        code, default = API_ERRORS.get(status, ("error", "The request failed."))
        return jsonify(error={"code": code, "message": message or default}), status
    template = PAGES.get(status, "errors/500.html")
    return render_template(template, status=status, message=message), status


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def refuse_nul_characters():
    """No form field or query parameter takes a NUL character (PostgreSQL cannot store one):
    refuse it up front with the 400 page, before anything reads it."""
    is_form = request.mimetype in FORM_TYPES
    if _has_nul(request.args.values()) or (is_form and _has_nul(request.form.values())):
        return render_error(400, message=_("The form contains a character that is not allowed. "
                                           "Check what you typed and try again."))
    return None  # the partner API's schema refuses control characters in JSON itself


def register_error_handlers(app: Flask) -> None:
    app.before_request(refuse_nul_characters)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(
            400,
            message=_("This form has expired. Go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        response, status = render_error(error.code or 500)
        if getattr(error, "valid_methods", None):  # a 405 says which methods are allowed
            response = app.make_response((response, status))
            response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return response, status

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
