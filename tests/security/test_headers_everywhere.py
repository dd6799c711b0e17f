"""Security headers and the content security policy on every page a visitor, a citizen or a
staff member can open (every GET route without parameters)."""

from __future__ import annotations

from tests.factories import make_beneficiary
from tests.review_factories import make_admin
from tests.security.sessions import signed_in_client


def _get_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            urls.append(rule.rule)
    return sorted(urls)


def test_headers_on_every_page(app):
    beneficiary = make_beneficiary(account=("bank", "970436", "0011001234567"))
    clients = {
        "visitor": app.test_client(),
        "citizen": signed_in_client(app, person=beneficiary.person),
        "admin": signed_in_client(app, staff=make_admin()),
    }
    checked = 0
    for who, client in clients.items():
        for url in _get_urls(app):
            response = client.get(url, headers={"Authorization": "Bearer nope"})
            assert response.status_code < 500, (who, url, response.status_code)
            headers = response.headers
            csp = headers.get("Content-Security-Policy", "")
            assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, (who, url)
            assert "frame-ancestors 'none'" in csp, (who, url)
            assert headers.get("X-Content-Type-Options") == "nosniff", (who, url)
            assert headers.get("Referrer-Policy") == "same-origin", (who, url)
            assert headers.get("Cache-Control") == "no-store", (who, url)
            checked += 1
    assert checked > 40
