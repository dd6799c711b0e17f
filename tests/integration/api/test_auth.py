"""Who may call the partner API: a live key, sent as a Bearer token. Everything else is 401."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from domain import partners
from domain.actors import Actor
from domain.models import ApiKey, AuditEvent
from extensions import db
from tests.payment_factories import bearer, make_api_key

BODY = {"resolve_request": [{"reference_id": "1", "id": "087084000999"}]}


def _assert_401(response):
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "unauthorized", "message": (
        "Send a valid API key: Authorization: Bearer <key>.")}}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer asl_0123456789_" + "x" * 43},
    {"Authorization": "Bearer not-a-key"},
])
def test_no_key_or_a_wrong_key_gets_401(client, key, headers):
    _assert_401(client.post("/api/v1/mapper/resolve", json=BODY, headers=headers))


def test_a_revoked_key_gets_401_and_its_partner_other_key_still_works(client):
    old, new = make_api_key(), make_api_key()
    partners.revoke(old.api_key.prefix, Actor.system("test"))
    _assert_401(client.post("/api/v1/mapper/resolve", json=BODY, headers=bearer(old)))
    assert client.post("/api/v1/mapper/resolve", json=BODY, headers=bearer(new)).status_code \
        == 200


def test_refused_calls_are_audited_with_the_reason(client, key):
    client.post("/api/v1/mapper/resolve", json=BODY,
                headers={"Authorization": "Bearer asl_0123456789_" + "x" * 43})
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_kind) == ("api.call_refused", "anonymous")
    assert event.details == {"operation": "mapper/resolve", "outcome": "unauthorized",
                             "reason": "unknown"}


def test_every_operation_but_the_document_needs_a_key(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(rule.rule, method=method, json={})
            if rule.endpoint == "api.openapi":
                assert response.status_code == 200
            else:
                _assert_401(response)
                checked += 1
    assert checked == 3


def test_guessing_keys_from_one_address_is_slowed_down(app, client):
    app.config["API_AUTH_FAILURE_LIMIT"] = "3 per minute"
    try:
        wrong = {"Authorization": "Bearer nope"}
        codes = [client.post("/api/v1/mapper/resolve", json=BODY, headers=wrong).status_code
                 for _ in range(5)]
        assert codes == [401, 401, 401, 429, 429]
        assert client.post("/api/v1/mapper/resolve", json=BODY,
                           headers=wrong).get_json()["error"]["code"] == "rate_limited"
    finally:
        del app.config["API_AUTH_FAILURE_LIMIT"]


def test_a_key_marks_when_it_was_last_used(client, key, auth):
    assert db.session.get(ApiKey, key.api_key.id).last_used_at is None
    client.post("/api/v1/mapper/resolve", json=BODY, headers=auth)
    db.session.expire_all()
    assert db.session.get(ApiKey, key.api_key.id).last_used_at is not None


def test_the_api_needs_no_csrf_token_even_when_csrf_is_on(database_url, app):
    strict = create_app("test", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    with strict.app_context():
        created = make_api_key()
        with strict.test_client() as client:
            response = client.post("/api/v1/mapper/resolve", json=BODY, headers=bearer(created))
            assert response.status_code == 200


def test_each_key_has_its_own_limit(app, client):
    first, second = make_api_key(partner_code="vcb"), make_api_key(partner_code="vnpost")
    app.config["API_RATE_LIMIT_RESOLVE"] = "2 per minute"
    try:
        codes = [client.post("/api/v1/mapper/resolve", json=BODY,
                             headers=bearer(first)).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        limited = client.post("/api/v1/mapper/resolve", json=BODY, headers=bearer(first))
        assert limited.get_json()["error"]["code"] == "rate_limited"
        assert "Retry-After" in limited.headers
        assert client.post("/api/v1/mapper/resolve", json=BODY,
                           headers=bearer(second)).status_code == 200
    finally:
        del app.config["API_RATE_LIMIT_RESOLVE"]
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())
                               .where(AuditEvent.actor_label == "vcb")).first()
    assert event.details["outcome"] == "rate_limited"
