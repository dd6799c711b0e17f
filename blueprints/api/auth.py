"""Bearer API keys: who is calling, and the errors every API response shares."""

from __future__ import annotations

import logging

from flask import current_app, g, jsonify, request
from limits import parse
from werkzeug.exceptions import HTTPException

from blueprints.api import bp
from domain import partners
from domain.actors import Actor
from extensions import client_address, db, limiter

log = logging.getLogger("ansinh.api")

PUBLIC_ENDPOINTS = {"api.openapi"}
OPERATIONS = {
    "api.mapper_resolve": "mapper/resolve",
    "api.payments_status": "payments/status",
    "api.payment_run": "payment-run",
}
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024  # 10,000 items of the largest kind fit
DEFAULT_AUTH_FAILURE_LIMIT = "30 per minute"
ERROR_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}
MESSAGES = {
    401: "Send a valid API key: Authorization: Bearer <key>.",
    404: "There is no such API operation. See /api/v1/openapi.json.",
    405: "This operation does not accept that method. See /api/v1/openapi.json.",
    413: "The body is too large. Split the batch into smaller calls.",
    415: "Send the body as JSON with Content-Type: application/json.",
    429: "Too many calls for this API key. Wait and try again (see Retry-After).",
}


class ApiError(HTTPException):
    """An error answered as {"error": {"code", "message"}}."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code


def operation() -> str:
    return OPERATIONS.get(request.endpoint or "", request.path)


def require_api_key():
    """before_request: a live key, or 401. Failures are audited and limited per address."""
    request.max_content_length = current_app.config.get(
        "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES
    )
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    presented = token.strip() if scheme.lower() == "bearer" else ""
    result = partners.authenticate(presented or None)
    if result.api_key is None:
        address = client_address()
        limit = parse(current_app.config.get("API_AUTH_FAILURE_LIMIT",
                                             DEFAULT_AUTH_FAILURE_LIMIT))
        if not limiter.limiter.hit(limit, "api-auth-failure", address):
            raise ApiError(429, "rate_limited", MESSAGES[429])
        log.warning("api key refused: %s from %s", result.failure, address)
        partners.record_call(
            Actor("anonymous", None, None, None, address),
            operation(),
            outcome="unauthorized",
            reason=result.failure,
        )
        raise ApiError(401, "unauthorized", MESSAGES[401])
    g.api_key = result.api_key
    g.api_actor = partners.partner_actor(result.api_key, client_address())
    return None


def api_key_identity() -> str:
    """The rate-limit key: the API key's id, so each key has its own allowance."""
    api_key = g.get("api_key")
    return f"api-key:{api_key.id}" if api_key is not None else f"api-address:{client_address()}"


@bp.errorhandler(HTTPException)
def _error(error: HTTPException):
    status = error.code or 500
    if isinstance(error, ApiError):
        code, message = error.error_code, error.description
    else:
        code = ERROR_CODES.get(status, "error")
        message = MESSAGES.get(status) or "The request could not be handled."
    actor = g.get("api_actor")
    if actor is not None and not g.get("api_audited"):
        db.session.rollback()
        partners.record_call(actor, operation(), outcome=code, status=status)
        g.api_audited = True
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    retry_after = dict(error.get_headers()).get("Retry-After") if status == 429 else None
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response
