"""Administrators manage staff accounts; they never see or choose anyone's secret."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from domain.models import AuditEvent, AuthSession, StaffUser
from extensions import db
from tests.factories import make_commune
from tests.pages import error_messages, heading, page, text, title
from tests.review_factories import make_admin, make_officer, sign_in_staff


def _admin_client(client):
    admin = make_admin(display_name="Quản trị viên")
    sign_in_staff(client, admin)
    return admin


def _link(soup) -> str:
    return soup.select_one("[data-setup-link]").get_text(strip=True)


def test_the_staff_list_shows_every_account_and_its_state(client):
    make_officer(username="officer.caolanh", display_name="Đỗ Thị Hạnh")
    make_officer(username="officer.new", display_name="Lê Na", totp_secret=None)
    _admin_client(client)
    soup = page(client.get("/staff/admin/?lang=en"))
    assert heading(soup) == "Staff accounts"
    row = soup.select_one('[data-staff="officer.caolanh"]')
    assert "Đỗ Thị Hạnh" in row.get_text() and "Commune officer" in row.get_text()
    assert "Phường Cao Lãnh" in row.get_text() and "Active" in row.get_text()
    assert "Waiting to set up the authenticator" in soup.select_one(
        '[data-staff="officer.new"]').get_text()


def test_an_admin_creates_a_staff_member_who_then_sets_up_their_own_account(client, app):
    commune = make_commune()
    _admin_client(client)
    soup = page(client.get("/staff/admin/new?lang=en"))
    assert heading(soup) == "Add a staff member"
    assert soup.find("form", attrs={"action": "/staff/admin/new"}).has_attr("novalidate")
    response = client.post("/staff/admin/new?lang=en", data={
        "display_name": "Lê Thị Na", "username": "Officer.Na", "role": "officer",
        "locality": commune.code, "id_number": "",
    })
    soup = page(response)
    assert heading(soup) == "Account created for Lê Thị Na"
    link = _link(soup)
    assert re.fullmatch(r"http://localhost/staff/setup/start\?token=[\w-]{40,}", link)
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == "officer.na"))
    assert staff.password_hash is None and staff.totp_secret_encrypted is None
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.created"))
    assert created.details["username"] == "officer.na"
    assert link.split("token=")[1] not in str(created.details)

    newcomer = app.test_client()
    newcomer.get(link.replace("http://localhost", ""))
    response = newcomer.post("/staff/setup", data={"password": "lua chin vang dong",
                                                   "confirmation": "lua chin vang dong"})
    assert response.status_code == 303
    response = newcomer.post("/staff/signin", data={"username": "officer.na",
                                                    "password": "lua chin vang dong"})
    assert response.headers["Location"].endswith("/staff/signin/enrol")
    soup = page(newcomer.get("/staff/signin/enrol"))
    secret = soup.select_one("[data-secret]").get_text().replace(" ", "")
    response = newcomer.post("/staff/signin/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/staff/review/")


def test_creating_staff_with_bad_input_says_what_to_fix(client):
    make_commune()
    make_officer(username="officer.taken")
    _admin_client(client)
    soup = page(client.post("/staff/admin/new?lang=en", data={}))
    assert title(soup).startswith("Error:")
    assert error_messages(soup) == ["Enter the person's full name", "Enter a username",
                                    "Choose a role"]
    soup = page(client.post("/staff/admin/new?lang=en", data={
        "display_name": "X", "username": "officer.taken", "role": "officer",
        "locality": "08701"}))
    assert error_messages(soup) == ["The username officer.taken is taken. Choose another"]
    soup = page(client.post("/staff/admin/new?lang=en", data={
        "display_name": "X", "username": "officer.x", "role": "officer", "locality": ""}))
    assert error_messages(soup) == [
        "An officer works in one commune: choose or enter its commune"]
    soup = page(client.post("/staff/admin/new?lang=en", data={
        "display_name": "X", "username": "officer.x", "role": "officer", "locality": "08701",
        "id_number": "123"}))
    assert error_messages(soup) == ["Enter their personal ID number: 12 digits, or leave it empty"]
    soup = page(client.post("/staff/admin/new?lang=en", data={
        "display_name": "X", "username": "officer.x", "role": "king", "locality": ""}))
    assert error_messages(soup) == ["Choose a role"]
    assert db.session.scalar(select(StaffUser).where(StaffUser.username == "officer.x")) is None


def test_switching_an_account_off_signs_that_person_out_at_once(client, app):
    officer = make_officer()
    officer_client = app.test_client()
    sign_in_staff(officer_client, officer)
    assert officer_client.get("/staff/review/").status_code == 200
    _admin_client(client)
    soup = page(client.get(f"/staff/admin/{officer.id}/disable?lang=en"))
    assert "Switch off" in heading(soup)
    response = client.post(f"/staff/admin/{officer.id}/disable")
    assert response.headers["Location"].endswith(f"/staff/admin/{officer.id}")
    assert officer_client.get("/staff/review/").status_code == 302
    assert db.session.get(StaffUser, officer.id).disabled_at is not None
    sessions = db.session.scalars(select(AuthSession).where(
        AuthSession.staff_id == officer.id)).all()
    assert all(row.ended_at is not None for row in sessions)
    soup = page(client.get(f"/staff/admin/{officer.id}?lang=en"))
    assert "Switched off" in text(soup)
    client.post(f"/staff/admin/{officer.id}/enable")
    assert db.session.get(StaffUser, officer.id).disabled_at is None


def test_resetting_the_authenticator_clears_it_so_the_person_enrols_again(client, app):
    officer = make_officer()
    _admin_client(client)
    soup = page(client.get(f"/staff/admin/{officer.id}/reset-authenticator?lang=en"))
    assert "Reset" in heading(soup)
    assert not soup.find("input", attrs={"name": re.compile("secret|code")})
    client.post(f"/staff/admin/{officer.id}/reset-authenticator")
    staff = db.session.get(StaffUser, officer.id)
    assert staff.totp_secret_encrypted is None and staff.totp_enrolled_at is None
    other = app.test_client()
    response = other.post("/staff/signin", data={"username": officer.username,
                                                 "password": "correct horse battery staple"})
    assert response.headers["Location"].endswith("/staff/signin/enrol")
    assert "staff.totp_reset" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_new_set_up_link_replaces_a_forgotten_password(client, app):
    officer = make_officer()
    _admin_client(client)
    soup = page(client.post(f"/staff/admin/{officer.id}/setup-link?lang=en"))
    assert heading(soup) == f"New set-up link for {officer.display_name}"
    link = _link(soup)
    other = app.test_client()
    response = other.post("/staff/signin", data={"username": officer.username,
                                                 "password": "correct horse battery staple"})
    assert response.status_code == 200  # the old password no longer works
    other.get(link.replace("http://localhost", ""))
    assert other.post("/staff/setup", data={"password": "mua xuan den roi",
                                            "confirmation": "mua xuan den roi"}).status_code == 303


def test_an_admin_cannot_switch_off_or_reset_their_own_account(client):
    admin = _admin_client(client)
    soup = page(client.get(f"/staff/admin/{admin.id}?lang=en"))
    assert "This is your own account" in text(soup)
    response = client.post(f"/staff/admin/{admin.id}/disable?lang=en")
    soup = page(client.get(response.headers["Location"]))
    assert "You cannot do this to your own account" in text(soup)
    assert db.session.get(StaffUser, admin.id).disabled_at is None
    client.post(f"/staff/admin/{admin.id}/reset-authenticator")
    assert db.session.get(StaffUser, admin.id).totp_secret_encrypted is not None


def test_a_paused_sign_in_can_be_lifted_by_an_admin(client, app):
    officer = make_officer()
    other = app.test_client()
    for _ in range(5):
        other.post("/staff/signin", data={"username": officer.username, "password": "nope"})
    _admin_client(client)
    soup = page(client.get(f"/staff/admin/{officer.id}?lang=en"))
    assert "Sign-in paused until" in text(soup)
    client.post(f"/staff/admin/{officer.id}/lift-lockout")
    response = other.post("/staff/signin", data={"username": officer.username,
                                                 "password": "correct horse battery staple"})
    assert response.status_code == 303


def test_an_unknown_staff_id_is_not_found(client):
    _admin_client(client)
    assert client.get("/staff/admin/9999").status_code == 404
    assert client.post("/staff/admin/9999/disable").status_code == 404


def test_the_detail_page_shows_the_persons_recent_activity(client, app):
    officer = make_officer()
    sign_in_staff(app.test_client(), officer)
    _admin_client(client)
    soup = page(client.get(f"/staff/admin/{officer.id}?lang=en"))
    assert "Staff signed in" in text(soup)
