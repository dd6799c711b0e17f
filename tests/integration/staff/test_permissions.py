"""Every URL of the staff blueprints refuses whoever should not use it.

The URLs are read from the app's url_map, so a route added later is checked without
anyone remembering to list it here.
"""

from __future__ import annotations

import pytest
from flask import url_for

from blueprints.staff_auth import OPEN_ENDPOINTS
from tests.factories import make_beneficiary
from tests.pages import sign_in
from tests.review_factories import (
    make_admin,
    make_officer,
    make_supervisor,
    make_support,
    sign_in_staff,
)

STAFF_BLUEPRINTS = ("staff_auth", "review", "admin", "support")
# Who may use each blueprint; an endpoint listed here narrows its blueprint's rule.
ALLOWED_ROLES = {
    "staff_auth": {"officer", "supervisor", "support", "admin"},
    "review": {"officer", "supervisor"},
    "admin": {"admin"},
    "support": {"support", "admin"},
}
ALLOWED_FOR_ENDPOINT = {"review.dashboard": {"supervisor"}}
# The sign-in pages are open by design; those after the password need a pending sign-in.
PUBLIC = {"staff_auth.signin", "staff_auth.setup_start", "staff_auth.setup"}
NEED_PENDING_SIGNIN = OPEN_ENDPOINTS - PUBLIC
MAKERS = {"officer": make_officer, "supervisor": make_supervisor, "support": make_support,
          "admin": make_admin}


def staff_routes(app) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in STAFF_BLUEPRINTS:
            continue
        values = dict.fromkeys(rule.arguments, 1)
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def allowed_roles(endpoint: str) -> set[str]:
    return ALLOWED_FOR_ENDPOINT.get(endpoint, ALLOWED_ROLES[endpoint.split(".")[0]])


def _call(client, method: str, url: str):
    return client.open(url, method=method, data={})


def _refused_as_signed_out(response) -> bool:
    return response.status_code in (302, 303) and response.headers["Location"].endswith(
        "/staff/signin"
    )


def test_the_walk_sees_every_staff_blueprint(app):
    endpoints = {endpoint for endpoint, _method, _url in staff_routes(app)}
    for blueprint in STAFF_BLUEPRINTS:
        assert any(e.startswith(blueprint + ".") for e in endpoints), blueprint
    marked_public = {e for e in endpoints if getattr(app.view_functions[e], "is_public", False)}
    assert marked_public == OPEN_ENDPOINTS
    assert {"review.show", "review.approve", "admin.disable"} <= endpoints


def test_anonymous_visitors_are_refused_everywhere_but_the_sign_in_pages(client, app):
    for endpoint, method, url in staff_routes(app):
        if endpoint in PUBLIC:
            continue
        response = _call(client, method, url)
        if endpoint in NEED_PENDING_SIGNIN:
            assert response.status_code in (303, 404), (endpoint, method)
            if response.status_code == 303:
                assert response.headers["Location"].endswith("/staff/signin"), endpoint
            continue
        assert _refused_as_signed_out(response), (endpoint, method, response.status_code)


def test_a_signed_in_beneficiary_is_refused_everywhere(client, app):
    sign_in(client, make_beneficiary().person)
    for endpoint, method, url in staff_routes(app):
        if endpoint in PUBLIC or endpoint in NEED_PENDING_SIGNIN:
            continue
        response = _call(client, method, url)
        assert _refused_as_signed_out(response), (endpoint, method, response.status_code)
    # The citizen is still signed in as a citizen: nothing was taken over.
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize("role", ["officer", "supervisor", "support", "admin"])
def test_staff_of_the_wrong_role_get_403(client, app, role):
    staff = MAKERS[role]()
    sign_in_staff(client, staff)
    checked = 0
    for endpoint, method, url in staff_routes(app):
        if endpoint in OPEN_ENDPOINTS:
            continue
        response = _call(client, method, url)
        if role in allowed_roles(endpoint):
            if method == "GET":
                assert response.status_code not in (302, 403), (endpoint, response.status_code)
            continue
        assert response.status_code == 403, (role, endpoint, method, response.status_code)
        checked += 1
    assert checked > 0
    # And still signed in afterwards.
    assert client.get("/staff/").status_code == 200


def test_staff_forms_need_the_csrf_token(client, app):
    officer = make_officer()
    sign_in_staff(client, officer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/staff/review/next").status_code == 400
        assert client.post("/staff/review/1/claim").status_code == 400
        response = client.post("/staff/signin", data={"username": "x", "password": "y"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
