"""CSRF on every state-changing route, generated from the URL map: without the token, a
POST is refused (400) and changes nothing — for a visitor, a citizen and a staff member."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import create_app
from domain.models import AuditEvent, Notification
from extensions import db
from tests.factories import make_beneficiary
from tests.review_factories import make_officer
from tests.security.sessions import signed_in_client


@pytest.fixture
def csrf_app(app, database_url):
    return create_app("test", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)


def state_changing_urls(app) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("api."):
            continue  # the partner API authenticates every call with a bearer key, no cookie
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            values = {name: 1 for name in rule.arguments}
            if "token" in rule.arguments:
                values["token"] = "x" * 32
            urls.append((method, rule.build(values, append_unknown=False)[1]))
    return urls


def _counts():
    return (
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
        db.session.scalar(select(func.count()).select_from(Notification)),
    )


def test_every_state_changing_route_needs_the_token(csrf_app):
    urls = state_changing_urls(csrf_app)
    assert len(urls) > 30
    with csrf_app.app_context():
        beneficiary = make_beneficiary()
        officer = make_officer()
        clients = {
            "visitor": csrf_app.test_client(),
            "citizen": signed_in_client(csrf_app, person=beneficiary.person),
            "staff": signed_in_client(csrf_app, staff=officer),
        }
        before = _counts()
        for who, client in clients.items():
            for method, url in urls:
                response = client.open(url, method=method, data={"anything": "1"})
                assert response.status_code == 400, (who, method, url, response.status_code)
        assert _counts() == before
