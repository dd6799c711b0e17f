"""The partner API's operations; each parses and checks its input against the published
schema, calls one domain service (which audits and commits), and answers JSON."""

from __future__ import annotations

import json

from flask import Response, current_app, g, jsonify, request, stream_with_context

from blueprints.api import bp, schema
from blueprints.api.auth import ApiError, api_key_identity
from domain import payment_results, resolve
from domain.payment_results import ResultItem
from domain.resolve import ResolveItem
from extensions import limiter

DEFAULT_LIMITS = {
    "API_RATE_LIMIT_RESOLVE": "60 per minute;2000 per day",
    "API_RATE_LIMIT_STATUS": "60 per minute;2000 per day",
    "API_RATE_LIMIT_PAYMENT_RUN": "10 per minute;100 per day",
}


def _limit(name: str):
    return lambda: current_app.config.get(name, DEFAULT_LIMITS[name])


def _json_body(schema_name: str) -> dict:
    """The request's JSON, checked against the schema; 4xx with a reason otherwise."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type",
                       "Send the body as JSON with Content-Type: application/json.")
    raw = request.get_data(cache=False)  # 413 beyond the body limit
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "The body is not valid JSON (UTF-8).") from None
    try:
        schema.validate(body, schema_name)
    except schema.SchemaError as error:
        raise ApiError(400, "invalid_request", f"{error.path} {error.message}") from None
    return body


@bp.get("/openapi.json")
def openapi():
    return jsonify(schema.document())


@bp.post("/mapper/resolve")
@limiter.limit(_limit("API_RATE_LIMIT_RESOLVE"), key_func=api_key_identity)
def mapper_resolve():
    body = _json_body("ResolveRequest")
    items = [ResolveItem(item["reference_id"], item["id"]) for item in body["resolve_request"]]
    results = resolve.resolve(items, g.api_actor)
    g.api_audited = True
    return jsonify(resolve_response=[result.as_json() for result in results])


@bp.post("/payments/status")
@limiter.limit(_limit("API_RATE_LIMIT_STATUS"), key_func=api_key_identity)
def payments_status():
    body = _json_body("StatusRequest")
    items = [
        ResultItem(item["partner_reference"], item["status"], item.get("paid_at"),
                   item.get("failure_reason"))
        for item in body["payment_status"]
    ]
    posted = payment_results.post_results(items, g.api_actor)
    g.api_audited = True
    return jsonify(
        payment_status_response=[outcome.as_json() for outcome in posted.outcomes],
        summary=posted.counts,
    )


@bp.get("/payment-run")
@limiter.limit(_limit("API_RATE_LIMIT_PAYMENT_RUN"), key_func=api_key_identity)
def payment_run():
    unknown = sorted(set(request.args) - {"period"})
    if unknown:
        raise ApiError(400, "invalid_request", f"Unknown query parameter {unknown[0][:40]!r}.")
    periods = request.args.getlist("period")
    if len(periods) != 1:
        raise ApiError(400, "invalid_request", "Give the period once: ?period=YYYY-MM.")
    try:
        schema.validate(periods[0], schema.PERIOD_PARAMETER, "period")
    except schema.SchemaError:
        raise ApiError(400, "invalid_request",
                       "period must be a month written YYYY-MM, e.g. 2026-03.") from None
    lines = resolve.record_roster_request(g.api_actor, periods[0])
    g.api_audited = True
    response = Response(
        stream_with_context(resolve.roster_json_lines(periods[0])),
        mimetype="application/x-ndjson",
    )
    response.headers["X-Roster-Lines"] = str(lines)
    return response
