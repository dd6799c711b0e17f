"""The demo staff seeded by `flask demo seed` sign in with the documented password and TOTP
secrets (README), and land where their role works."""

from __future__ import annotations

import pyotp
import pytest

from domain import demo
from tests.pages import heading, page


@pytest.mark.parametrize(
    ("username", "landing", "title"),
    [
        ("officer.caolanh", "/staff/review/", "Review queue"),
        ("supervisor.dongthap", "/staff/review/", "Review queue"),
        ("support.1", "/staff/", "My staff account"),
        ("admin", "/staff/admin/", "Staff accounts"),
    ],
)
def test_a_demo_staff_member_signs_in(client, username, landing, title):
    demo.seed()
    secret = next(row[5] for row in demo.DEMO_STAFF if row[0] == username)
    response = client.post("/staff/signin", data={"username": username,
                                                  "password": demo.DEMO_STAFF_PASSWORD})
    assert response.headers["Location"].endswith("/staff/signin/code")
    response = client.post("/staff/signin/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith(landing)
    assert heading(page(client.get(landing + "?lang=en"))) == title
