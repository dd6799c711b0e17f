"""Locking and unlocking online changes, each with a code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from domain.models import AuditEvent, Notification
from extensions import db
from tests.factories import make_beneficiary
from tests.pages import error_messages, heading, latest_code, page, sign_in, text

PHONE = "0903123456"


def _signed_in(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An", phone=PHONE)
    sign_in(client, beneficiary.person)
    return beneficiary


def _lock(client):
    response = client.post("/account/lock")
    assert response.headers["Location"].endswith("/account/lock/code")
    assert "khoa thay doi" in client.get("/sim/outbox.json").get_json()[0]["text"]
    return client.post("/account/lock/code", data={"code": latest_code(client, PHONE)})


def test_lock_with_a_code(client):
    beneficiary = _signed_in(client)
    soup = page(client.get("/account/lock"))
    assert heading(soup) == "Khóa thay đổi trực tuyến"
    assert soup.select_one("[data-lock-state=off]")
    response = _lock(client)
    assert response.headers["Location"].endswith("/account/lock")
    soup = page(client.get("/account/lock"))
    assert soup.select_one("[data-lock-state=on]")
    assert "Đã khóa thay đổi trực tuyến" in text(soup)
    db.session.refresh(beneficiary)
    assert beneficiary.online_changes_locked
    soup = page(client.get("/account/change"))
    assert soup.select_one("[data-refusal=locked]")
    soup = page(client.get("/account/"))
    assert not soup.find("a", class_="button", href="/account/change")


def test_unlock_waits_24_hours_and_sends_a_notice(client):
    beneficiary = _signed_in(client)
    _lock(client)
    client.post("/account/lock")
    response = client.post("/account/lock/code", data={"code": latest_code(client, PHONE)})
    assert response.headers["Location"].endswith("/account/lock")
    db.session.refresh(beneficiary)
    assert not beneficiary.online_changes_locked
    wait = beneficiary.changes_allowed_from - datetime.now(UTC)
    assert timedelta(hours=23, minutes=59) < wait <= timedelta(hours=24)
    notice = db.session.scalar(select(Notification).where(Notification.kind == "lock_off"))
    assert notice.phone == PHONE and notice.report_code in notice.text
    soup = page(client.get("/account/change"))
    assert soup.select_one("[data-refusal=cooling_off]")
    soup = page(client.get("/account/lock"))
    assert "có thể bắt đầu thay đổi từ" in text(soup)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "change_lock.on" in actions and "change_lock.off" in actions


def test_a_wrong_lock_code(client):
    beneficiary = _signed_in(client)
    client.post("/account/lock")
    code = latest_code(client, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    soup = page(client.post("/account/lock/code", data={"code": wrong}))
    assert error_messages(soup) == [
        "Mã chưa đúng. Hãy xem lại tin nhắn và thử lại: còn 4 lần thử."]
    soup = page(client.post("/account/lock/code", data={"code": "abc"}))
    assert error_messages(soup) == ["Nhập mã 6 chữ số trong tin nhắn SMS"]
    db.session.refresh(beneficiary)
    assert not beneficiary.online_changes_locked


def test_an_expired_lock_code(client):
    beneficiary = _signed_in(client)
    client.post("/account/lock")
    code = latest_code(client, PHONE)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6)):
        response = client.post("/account/lock/code", data={"code": code})
        assert response.headers["Location"].endswith("/account/lock")
    db.session.refresh(beneficiary)
    assert not beneficiary.online_changes_locked


def test_the_code_page_needs_a_code_first(client):
    _signed_in(client)
    response = client.get("/account/lock/code")
    assert response.headers["Location"].endswith("/account/lock")
    with client.session_transaction() as session:
        session["change_lock"] = {"challenge": "made-up", "turn_on": "yes"}
    assert client.get("/account/lock/code").headers["Location"].endswith("/account/lock")
    assert client.post("/account/lock/resend").headers["Location"].endswith("/account/lock")
