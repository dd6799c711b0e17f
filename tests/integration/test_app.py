"""The application as a whole: configuration, headers, language, error pages, access rules."""

from __future__ import annotations

import pytest

from app import create_app
from tests.factories import make_person
from tests.pages import heading, page, sign_in, text, title

# Views open to anyone, marked with blueprints.access.public; nothing else may be.
EXPECTED_PUBLIC = {
    "public.start", "public.healthz", "auth.signin", "auth.code", "auth.resend",
    "auth.signout", "auth.keep_alive", "sim.phone", "sim.outbox_json",
}


def test_healthz_answers_without_a_session_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/", "/signin", "/healthz", "/does-not-exist"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # only in production


def test_pages_have_no_inline_script_or_style(client):
    for path in ("/", "/signin"):
        soup = page(client.get(path))
        assert all(script.get("src") for script in soup.find_all("script"))
        assert not soup.find_all("style")
        assert not soup.select("[style]")
        handlers = [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
        assert not handlers


def test_signed_in_pages_are_not_stored(client):
    sign_in(client, make_person())
    assert client.get("/account/").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client):
    response = client.post("/signin", data={"id_number": make_person().id_number})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_csrf_is_enforced_when_on(database_url):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    with app.test_client() as client:
        response = client.post("/signin", data={"id_number": "087144000123"})
        assert response.status_code == 400
        soup = page(response, status=400)
        assert "hết hạn" in text(soup)
        # With the token from the form, the same post goes through the form's own checks.
        form_page = page(client.get("/signin"))
        token = form_page.find("input", attrs={"name": "csrf_token"})["value"]
        response = client.post("/signin", data={"id_number": "12", "csrf_token": token})
        assert response.status_code == 200


def _production_env(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "production-secret-for-test")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", "l3Dd9m5a6zQq8T2x8b1qgQ0y8o7t0nE1m2Yx3c4V5b0=")
    monkeypatch.setenv("BLIND_INDEX_KEY", "production-index-key")
    monkeypatch.delenv("SIMULATION", raising=False)


def test_production_refuses_to_start_without_secret_key(monkeypatch, database_url):
    _production_env(monkeypatch, database_url)
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_turns_simulation_off_and_hardens_cookies(monkeypatch, database_url):
    _production_env(monkeypatch, database_url)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.test_client() as client:
        assert client.get("/sim/phone").status_code == 404
        assert client.get("/sim/outbox.json").status_code == 404
        response = client.get("/healthz")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_language_switch_is_remembered(client):
    soup = page(client.get("/?lang=en"))
    assert soup.html["lang"] == "en"
    assert heading(soup) == "Choose where your benefit is paid"
    soup = page(client.get("/signin"))
    assert heading(soup) == "Sign in with your e-ID"
    soup = page(client.get("/signin?lang=vi"))
    assert heading(soup) == "Đăng nhập bằng định danh điện tử"


def test_accept_language_is_used_without_a_choice(app):
    with app.test_client() as client:
        soup = page(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}))
        assert soup.html["lang"] == "en"
    with app.test_client() as client:
        soup = page(client.get("/", headers={"Accept-Language": "fr"}))
        assert soup.html["lang"] == "vi"


def test_error_pages_use_the_layout(client):
    soup = page(client.get("/no-such-page"), status=404)
    assert heading(soup) == "Không tìm thấy trang"
    assert soup.find("header", class_="header")
    soup = page(client.get("/no-such-page?lang=en"), status=404)
    assert heading(soup) == "Page not found"


def test_unexpected_errors_get_the_500_page(database_url):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)

    @app.route("/_boom_for_test")
    def _boom():
        raise RuntimeError("boom")

    with app.test_client() as client:
        soup = page(client.get("/_boom_for_test"), status=500)
        assert heading(soup) == "Xin lỗi, hệ thống gặp sự cố"
        assert title(soup).startswith("Xin lỗi")


def test_every_route_outside_the_public_list_needs_a_sign_in(app, client):
    """Walks the URL map: an anonymous visitor is sent to sign in, never shown a page."""
    marked = {name for name, view in app.view_functions.items() if getattr(view, "is_public", 0)}
    assert EXPECTED_PUBLIC <= marked
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in marked or rule.endpoint in ("static", "api.openapi"):
            continue
        if rule.endpoint.startswith("api."):
            continue  # bearer-key API: tests/integration/api proves every call needs a key
        values = {name: 1 for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (302, 303, 401, 404), (rule.rule, method)
            if response.status_code in (302, 303):
                assert "/signin" in response.headers["Location"], (rule.rule, method)
            checked += 1
    assert checked >= 1


def test_a_nul_character_anywhere_is_refused_with_a_clear_page(client):
    soup = page(client.post("/signin", data={"id_number": "087\x00144000123"}), status=400)
    assert "ký tự không được phép" in text(soup)
    soup = page(client.get("/sim/phone", query_string={"phone": "09\x0012"}), status=400)


def test_the_start_page_sends_signed_in_people_home(app):
    from tests.review_factories import make_officer
    from tests.security.sessions import signed_in_client

    citizen = signed_in_client(app, person=make_person())
    assert citizen.get("/").headers["Location"].endswith("/account/")
    staff = signed_in_client(app, staff=make_officer())
    assert staff.get("/").headers["Location"].endswith("/staff/")
