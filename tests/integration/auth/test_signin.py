"""Citizen sign-in through the HTTP layer: ID number, SMS code, session."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from domain.models import AuditEvent, AuthSession, OtpChallenge
from extensions import db
from tests.factories import make_beneficiary, make_person
from tests.pages import error_messages, heading, latest_code, page, sign_in, text, title


def _start(client, id_number: str):
    return client.post("/signin", data={"id_number": id_number})


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_beneficiary_signs_in_and_is_greeted_by_name(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Thị Lan")
    person = beneficiary.person
    soup = page(client.get("/signin"))
    assert heading(soup) == "Đăng nhập bằng định danh điện tử"
    field = soup.find("input", attrs={"name": "id_number"})
    assert soup.find("label", attrs={"for": field["id"]})
    assert field["inputmode"] == "numeric"

    response = _start(client, person.id_number)
    assert response.status_code == 303 and response.headers["Location"].endswith("/signin/code")
    soup = page(client.get("/signin/code"))
    code_input = soup.find("input", attrs={"name": "code"})
    assert code_input["autocomplete"] == "one-time-code"
    assert code_input["inputmode"] == "numeric"
    assert not code_input.has_attr("onpaste")

    response = client.post("/signin/code", data={"code": latest_code(client, person.phone)})
    assert response.status_code == 303
    soup = page(client.get(response.headers["Location"]))
    assert "Nguyễn Thị Lan" in heading(soup)
    assert soup.find("form", attrs={"action": "/signout"})
    assert "signin.code_requested" in _audit_actions()
    assert "signin.success" in _audit_actions()


def test_a_code_with_spaces_is_accepted(client):
    person = make_person()
    _start(client, person.id_number)
    code = latest_code(client, person.phone)
    response = client.post("/signin/code", data={"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 303


def test_malformed_id_numbers_get_a_clear_message_in_both_languages(client):
    soup = page(_start(client, "12345"))
    assert title(soup).startswith("Lỗi:")
    assert error_messages(soup) == ["Nhập số định danh cá nhân gồm 12 chữ số"]
    soup = page(_start(client, "999084000999"))
    assert "mã tỉnh" in error_messages(soup)[0]
    soup = page(client.post("/signin?lang=en", data={"id_number": "abc"}))
    assert title(soup).startswith("Error:")
    assert error_messages(soup) == ["Enter your personal ID number: 12 digits"]
    assert db.session.scalar(select(func.count()).select_from(OtpChallenge)) == 0


def test_id_number_with_spaces_and_dots_is_accepted(client):
    person = make_person()
    spaced = f"{person.id_number[:3]} {person.id_number[3:6]}.{person.id_number[6:]}"
    assert _start(client, spaced).status_code == 303


def _visible(response) -> str:
    """Page text without the times that differ from one second to the next."""
    body = text(page(response))
    return re.sub(r"\d{1,2}:\d{2}(:\d{2})?", "HH:MM", body)


def test_registered_and_unregistered_numbers_cannot_be_told_apart(client, app):
    person = make_person()
    deceased = make_person(full_name="Võ Văn Tư", status="deceased")
    unknown = "087084123456"
    results = []
    for id_number in (person.id_number, unknown, deceased.id_number):
        with app.test_client() as fresh:
            response = _start(fresh, id_number)
            location = response.headers["Location"]
            followed = fresh.get(location)
            wrong = fresh.post("/signin/code", data={"code": "000000"})
            results.append(
                (response.status_code, location, followed.status_code, _visible(followed),
                 wrong.status_code, _visible(wrong))
            )
    assert results[0] == results[1] == results[2]
    assert person.phone[-4:] not in results[0][3]


def test_five_wrong_codes_end_the_challenge(client):
    person = make_person()
    _start(client, person.id_number)
    good = latest_code(client, person.phone)
    wrong = "000000" if good != "000000" else "111111"
    for left in (4, 3, 2, 1):
        soup = page(client.post("/signin/code", data={"code": wrong}))
        assert f"{left} lần" in error_messages(soup)[0]
    soup = page(client.post("/signin/code", data={"code": wrong}))
    assert heading(soup) == "Nhập sai mã quá nhiều lần"
    # The right code no longer works: the challenge is over.
    response = client.post("/signin/code", data={"code": good})
    assert response.status_code == 302 and response.headers["Location"].endswith("/signin")
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0


def test_a_new_code_does_not_reset_the_failure_count(client):
    person = make_person()
    _start(client, person.id_number)
    for _ in range(3):
        client.post("/signin/code", data={"code": "000000"})
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61)):
        assert client.post("/signin/resend").status_code == 303
        new_code = latest_code(client, person.phone)
        wrong = "000000" if new_code != "000000" else "111111"
        soup = page(client.post("/signin/code", data={"code": wrong}))
        assert "1 lần" in error_messages(soup)[0]
        soup = page(client.post("/signin/code", data={"code": wrong}))
        assert heading(soup) == "Nhập sai mã quá nhiều lần"


def _fail_challenge(client, id_number: str):
    _start(client, id_number)
    response = None
    for _ in range(5):
        response = client.post("/signin/code", data={"code": "000000"})
    return response


def test_three_failed_challenges_lock_sign_in_for_15_minutes(client, app):
    person = make_person()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        _fail_challenge(client, person.id_number)
        _fail_challenge(client, person.id_number)
        soup = page(_fail_challenge(client, person.id_number))
        assert heading(soup) == "Tạm dừng đăng nhập bằng số định danh này"
        # Even a fresh browser gets the pause, and no code is sent.
        sent_before = len(client.get("/sim/outbox.json").get_json())
        with app.test_client() as other:
            soup = page(_start(other, person.id_number))
            assert heading(soup) == "Tạm dừng đăng nhập bằng số định danh này"
        assert len(client.get("/sim/outbox.json").get_json()) == sent_before
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        soup = page(_start(client, person.id_number))
        assert heading(soup) == "Tạm dừng đăng nhập bằng số định danh này"
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        response = _start(client, person.id_number)
        assert response.status_code == 303
        code = latest_code(client, person.phone)
        assert client.post("/signin/code", data={"code": code}).status_code == 303
    assert "signin.lockout" in _audit_actions()


def test_an_unregistered_number_locks_the_same_way(client):
    unknown = "087084123456"
    for _ in range(2):
        _fail_challenge(client, unknown)
    soup = page(_fail_challenge(client, unknown))
    assert heading(soup) == "Tạm dừng đăng nhập bằng số định danh này"


def test_a_code_is_single_use(client, app):
    person = make_person()
    _start(client, person.id_number)
    code = latest_code(client, person.phone)
    assert client.post("/signin/code", data={"code": code}).status_code == 303
    # Replaying the same code from another browser that saw the same challenge fails.
    challenge = db.session.scalar(select(OtpChallenge))
    with app.test_client() as other:
        with other.session_transaction() as s:
            s["signin_challenge"] = challenge.public_id
        response = other.post("/signin/code", data={"code": code})
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/signin")
        assert other.get("/account/").status_code == 302


def test_a_code_expires_after_5_minutes(client):
    person = make_person()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        _start(client, person.id_number)
        code = latest_code(client, person.phone)
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        soup = page(client.post("/signin/code", data={"code": code}))
        assert heading(soup) == "Mã đã hết hạn"
        assert client.get("/account/").status_code == 302


def test_resend_is_refused_before_60_seconds(client):
    person = make_person()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        _start(client, person.id_number)
        first = latest_code(client, person.phone)
        soup = page(client.get("/signin/code"))
        assert "60 giây" in text(soup)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        response = client.post("/signin/resend")
        soup = page(client.get(response.headers["Location"]))
        assert "30 giây" in text(soup.find(class_="notice--error"))
        assert latest_code(client, person.phone) == first
        assert len(client.get("/sim/outbox.json").get_json()) == 1
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.post("/signin/resend")
        assert len(client.get("/sim/outbox.json").get_json()) == 2
        second = latest_code(client, person.phone)
        if first != second:
            soup = page(client.post("/signin/code", data={"code": first}))
            assert error_messages(soup)
        assert client.post("/signin/code", data={"code": second}).status_code == 303


def test_sign_in_starts_a_new_session_without_fixation(client):
    person = make_person()
    with client.session_transaction() as s:
        s["planted"] = "attacker"
        s["_user_id"] = "attacker-chosen-token"
    _start(client, person.id_number)
    client.post("/signin/code", data={"code": latest_code(client, person.phone)})
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s["_user_id"] != "attacker-chosen-token"
        assert len(s["_user_id"]) >= 40


def test_sign_out_ends_the_session_on_the_server(client, app):
    person = make_person()
    sign_in(client, person)
    with client.session_transaction() as s:
        stolen = dict(s)
    response = client.post("/signout")
    assert response.status_code == 303
    assert client.get("/account/").status_code == 302
    with app.test_client() as replay:
        with replay.session_transaction() as s:
            s.update(stolen)
        assert replay.get("/account/").status_code == 302


def test_the_session_ends_after_15_minutes_idle_and_can_be_kept_alive(client):
    person = make_person()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, person)
        soup = page(client.get("/account/"))
        assert soup.find("dialog", id="timeout-dialog")
        assert "15 phút" in text(soup.find("footer"))
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.post("/session/keep-alive").status_code == 303
    with time_machine.travel(start + timedelta(minutes=28), tick=False):
        assert client.get("/account/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=44), tick=False):
        response = client.get("/account/")
        assert response.status_code == 302
        soup = page(client.get(response.headers["Location"]))
        assert "không hoạt động" in text(soup.find(class_="notice"))


def test_a_deceased_person_cannot_sign_in(client):
    person = make_person(status="deceased")
    assert _start(client, person.id_number).status_code == 303
    assert client.get("/sim/outbox.json").get_json() == []


def test_per_id_rate_limit_answers_429(client):
    person = make_person()
    statuses = [_start(client, person.id_number).status_code for _ in range(11)]
    assert statuses[:10] == [303] * 10
    soup = page(_start(client, person.id_number), status=429)
    assert heading(soup) == "Bạn đã thử quá nhiều lần"


def test_logs_never_hold_a_full_id_number_or_phone(client, caplog):
    person = make_person()
    with caplog.at_level(logging.DEBUG):
        sign_in(client, person)
        client.get("/account/")
    assert person.id_number not in caplog.text
    assert person.phone not in caplog.text


def test_next_is_followed_only_within_the_site(client):
    person = make_person()
    client.get("/signin?next=https://evil.example/steal")
    sign_in(client, person)  # lands on /account/, not the other site
    client.post("/signout")
    client.get("/signin?next=//evil.example")
    sign_in(client, person)
