"""Staff sign-in through the pages: password, authenticator code, enrolment, set-up links."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from domain import staff_auth
from domain.actors import Actor
from domain.models import AuditEvent, AuthSession, StaffUser
from extensions import db
from tests.factories import make_beneficiary, make_commune
from tests.pages import error_messages, heading, page, sign_in, text, title
from tests.review_factories import (
    STAFF_PASSWORD,
    STAFF_SECRET,
    make_admin,
    make_officer,
    make_support,
    sign_in_staff,
    totp_code,
)

NOON = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


def _password(client, username, password=STAFF_PASSWORD, lang=""):
    return client.post(f"/staff/signin{lang}", data={"username": username, "password": password})


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_officer_signs_in_with_password_and_authenticator_code(client):
    officer = make_officer(display_name="Đỗ Thị Hạnh")
    soup = page(client.get("/staff/signin"))
    assert heading(soup) == "Đăng nhập dành cho cán bộ"
    assert soup.find("input", attrs={"name": "password"})["autocomplete"] == "current-password"
    response = _password(client, officer.username)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/signin/code")
    soup = page(client.get("/staff/signin/code"))
    code_box = soup.find("input", attrs={"name": "code"})
    assert code_box["autocomplete"] == "one-time-code" and code_box["inputmode"] == "numeric"
    assert soup.find("label", attrs={"for": code_box["id"]})
    # Between the two steps nothing of the staff side is open.
    assert client.get("/staff/review/").status_code == 302
    response = client.post("/staff/signin/code", data={"code": totp_code()})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/review/")
    soup = page(client.get("/staff/review/"))
    assert "Đỗ Thị Hạnh" in text(soup)
    assert soup.find("form", attrs={"action": "/signout"})
    assert _actions() == ["staff.password_accepted", "staff.signin_success"]


def test_a_code_that_was_used_already_does_not_sign_in_again(client, app):
    officer = make_officer()
    with time_machine.travel(NOON, tick=False):
        sign_in_staff(client, officer)
        client.post("/signout")
        other = app.test_client()
        assert _password(other, officer.username).status_code == 303
        soup = page(other.post("/staff/signin/code", data={"code": totp_code(at=NOON)}))
        assert title(soup).startswith("Lỗi:")
        assert error_messages(soup) == [
            "Mã không đúng hoặc đã được dùng. Hãy chờ mã tiếp theo trong ứng dụng rồi nhập."
        ]
        assert other.get("/staff/review/").status_code == 302
    reused = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.signin_failed")).all()
    assert reused[-1].details["reason"] == "reused"
    # Thirty seconds later the next code works.
    with time_machine.travel(NOON + timedelta(seconds=30), tick=False):
        response = other.post("/staff/signin/code",
                              data={"code": totp_code(at=NOON + timedelta(seconds=30))})
        assert response.status_code == 303


def test_wrong_password_and_unknown_username_look_the_same(client):
    officer = make_officer()
    wrong = page(_password(client, officer.username, "not my password"))
    unknown = page(_password(client, "nobody.at.all", "not my password"))
    assert error_messages(wrong) == error_messages(unknown) == [
        "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại rồi thử lần nữa."
    ]
    soup = page(_password(client, officer.username, "nope", lang="?lang=en"))
    assert title(soup).startswith("Error:")
    assert error_messages(soup) == [
        "The username or password is not right. Check them and try again."
    ]


def test_empty_fields_get_clear_messages(client):
    soup = page(client.post("/staff/signin?lang=en", data={"username": "", "password": ""}))
    assert error_messages(soup) == ["Enter your username", "Enter your password"]
    officer = make_officer()
    _password(client, officer.username)
    soup = page(client.post("/staff/signin/code?lang=en", data={"code": "12a"}))
    assert error_messages(soup) == ["Enter the 6-digit code from your authenticator app"]


def test_five_failures_pause_sign_in_for_the_username(client):
    officer = make_officer()
    for _ in range(4):
        page(_password(client, officer.username, "wrong password"))
    soup = page(_password(client, officer.username, "wrong password"))
    assert heading(soup) == "Tạm dừng đăng nhập với tên đăng nhập này"
    soup = page(_password(client, officer.username))  # even the right password now
    assert heading(soup) == "Tạm dừng đăng nhập với tên đăng nhập này"
    assert "staff.signin_lockout" in _actions()
    assert "staff.signin_refused_locked" in _actions()


def test_sign_in_attempts_are_rate_limited_per_username(client, app):
    officer = make_officer()
    statuses = []
    for number in range(11):
        other = app.test_client()
        response = other.post("/staff/signin", data={"username": officer.username,
                                                     "password": f"guess {number}"})
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    soup = page(client.post("/staff/signin?lang=en", data={"username": officer.username,
                                                           "password": "x"}), status=429)
    assert heading(soup) == "Too many attempts"
    # Another username from the same place is not held up by it.
    other = make_officer()
    assert _password(client, other.username).status_code == 303


def test_a_switched_off_account_is_told_so_after_the_right_password(client):
    officer = make_officer()
    staff_auth.disable(officer, Actor.system())
    soup = page(_password(client, officer.username, lang="?lang=en"))
    assert error_messages(soup) == ["This staff account is switched off. Ask an administrator."]


@time_machine.travel(NOON, tick=False)
def test_first_sign_in_enrols_the_authenticator_with_a_qr_code(client):
    officer = make_officer(totp_secret=None)
    response = _password(client, officer.username)
    assert response.headers["Location"].endswith("/staff/signin/enrol")
    soup = page(client.get("/staff/signin/enrol?lang=en"))
    assert heading(soup) == "Set up your authenticator app"
    qr = soup.find("img", class_="qr")
    assert qr["src"] == "/staff/signin/enrol/qr.svg" and qr["alt"]
    secret = soup.select_one("[data-secret]").get_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    svg = client.get(qr["src"])
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.headers["Cache-Control"] == "no-store"
    assert svg.data.startswith(b"<svg")
    # The code page sends an unenrolled person back to enrolment.
    assert client.get("/staff/signin/code").headers["Location"].endswith("/staff/signin/enrol")
    soup = page(client.post("/staff/signin/enrol?lang=en", data={"code": "123456"}))
    assert error_messages(soup)
    response = client.post("/staff/signin/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303
    assert db.session.get(StaffUser, officer.id).totp_enrolled_at is not None
    # Once enrolled, the QR code is gone for good.
    assert client.get("/staff/signin/enrol/qr.svg").status_code == 404


def test_the_qr_code_needs_a_pending_sign_in(client):
    assert client.get("/staff/signin/enrol/qr.svg").status_code == 404
    response = client.get("/staff/signin/enrol")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/staff/signin")


def test_staff_are_signed_out_after_30_minutes_without_activity(client):
    officer = make_officer()
    with time_machine.travel(NOON, tick=False):
        sign_in_staff(client, officer)
        assert client.get("/staff/review/").status_code == 200
    with time_machine.travel(NOON + timedelta(minutes=29), tick=False):
        assert client.get("/staff/review/").status_code == 200
    with time_machine.travel(NOON + timedelta(minutes=59, seconds=30), tick=False):
        response = client.get("/staff/review/")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/staff/signin")


def test_signing_out_ends_the_staff_session(client):
    officer = make_officer()
    sign_in_staff(client, officer)
    response = client.post("/signout")
    assert response.headers["Location"].endswith("/staff/signin")
    assert client.get("/staff/review/").status_code == 302
    row = db.session.scalar(select(AuthSession).where(AuthSession.stage == "full"))
    assert row.ended_at is not None


def test_a_staff_session_opens_no_citizen_page_and_the_other_way_round(client, app):
    officer = make_officer()
    sign_in_staff(client, officer)
    assert client.get("/account/").status_code == 302
    citizen = app.test_client()
    sign_in(citizen, make_beneficiary().person)
    response = citizen.get("/staff/review/")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/staff/signin")


def test_support_staff_land_on_their_account_page(client):
    support = make_support(display_name="Dương Quang Huy")
    sign_in_staff(client, support)
    soup = page(client.get("/staff/?lang=en"))
    assert heading(soup) == "My staff account"
    assert "Support staff" in text(soup)


def test_a_set_up_link_lets_the_new_person_choose_a_password_once(client):
    commune = make_commune()
    _staff, token = staff_auth.create_staff(username="officer.new", display_name="Lê Thị Na",
                                            role="officer", locality=commune.code,
                                            actor=Actor.system())
    response = client.get(f"/staff/setup/start?token={token}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/setup")
    assert token not in response.headers["Location"]
    soup = page(client.get("/staff/setup?lang=en"))
    assert heading(soup) == "Choose your password"
    assert "officer.new" in text(soup)
    soup = page(client.post("/staff/setup?lang=en", data={"password": "short",
                                                         "confirmation": "short"}))
    assert error_messages(soup) == ["Choose a password of at least 12 characters"]
    soup = page(client.post("/staff/setup?lang=en", data={"password": "tre xanh bong mat",
                                                         "confirmation": "tre xanh"}))
    assert error_messages(soup) == ["The two passwords are not the same. Type the same "
                                    "password twice"]
    response = client.post("/staff/setup", data={"password": "tre xanh bong mat",
                                                  "confirmation": "tre xanh bong mat"})
    assert response.headers["Location"].endswith("/staff/signin")
    # The link is spent.
    client.get(f"/staff/setup/start?token={token}")
    soup = page(client.get("/staff/setup?lang=en"), status=404)
    assert heading(soup) == "This set-up link does not work"
    response = _password(client, "officer.new", "tre xanh bong mat")
    assert response.headers["Location"].endswith("/staff/signin/enrol")


def test_a_made_up_set_up_link_does_not_work(client):
    client.get("/staff/setup/start?token=made-up")
    soup = page(client.get("/staff/setup?lang=en"), status=404)
    assert heading(soup) == "This set-up link does not work"
    response = client.post("/staff/setup", data={"password": "tre xanh bong mat",
                                                  "confirmation": "tre xanh bong mat"})
    assert response.status_code == 404


def test_staff_sign_in_keeps_the_secret_out_of_the_audit_log(client):
    officer = make_officer()
    _password(client, "my password typed here", "x")
    sign_in_staff(client, officer)
    for event in db.session.scalars(select(AuditEvent)):
        assert STAFF_PASSWORD not in str(event.details)
        assert "my password typed here" not in str(event.details)
        assert STAFF_SECRET not in str(event.details)


def test_admins_land_on_the_staff_list(client):
    admin = make_admin()
    response = client.post("/staff/signin", data={"username": admin.username,
                                                  "password": STAFF_PASSWORD})
    response = client.post("/staff/signin/code", data={"code": totp_code()})
    assert response.headers["Location"].endswith("/staff/admin/")
