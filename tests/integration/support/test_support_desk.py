"""The support desk through its pages: who may use it, exact search, the masked profile, each
action's effect, notices and audit events, and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from flask import url_for
from sqlalchemy import select

from domain import addresses, resolve
from domain.models import AuditEvent, ChangeRequest, Delegation, NotMeReport, SigninLockout
from domain.security import id_number_index
from extensions import db
from tests.factories import make_beneficiary, make_person
from tests.pages import error_messages, heading, page, sign_in, text
from tests.review_factories import (
    make_admin,
    make_change_request,
    make_officer,
    make_supervisor,
    make_support,
    sign_in_staff,
)
from tests.support_factories import (
    bank_knows,
    code_sent_to,
    make_delegation,
    make_lockout,
    messages_to,
)

TUESDAY_10_MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
ACCOUNT = ("bank", "970405", "1506205123456")
NOTE = "Bà Lan gọi tổng đài, đã trả lời câu hỏi bảo mật"


def support_routes(app) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("support."):
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _open_case(client, beneficiary, query: str | None = None) -> str:
    response = client.post("/staff/support/", data={"query": query or
                                                    beneficiary.person.id_number})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert location.endswith(f"/staff/support/{beneficiary.id}")
    return location


def _agent(client, **fields):
    agent = make_support(**fields)
    sign_in_staff(client, agent)
    return agent


# --- Who may use it ---


def test_every_support_url_refuses_anonymous_visitors(client, app):
    routes = support_routes(app)
    assert len(routes) >= 20
    for endpoint, method, url in routes:
        response = client.open(url, method=method, data={})
        assert response.status_code in (302, 303), (endpoint, method)
        assert response.headers["Location"].endswith("/staff/signin"), endpoint


def test_every_support_url_refuses_a_signed_in_citizen(client, app):
    sign_in(client, make_beneficiary().person)
    for endpoint, method, url in support_routes(app):
        response = client.open(url, method=method, data={})
        assert response.status_code in (302, 303), (endpoint, method)
        assert response.headers["Location"].endswith("/staff/signin"), endpoint


@pytest.mark.parametrize("maker", [make_officer, make_supervisor])
def test_every_support_url_refuses_officers_and_supervisors(client, app, maker):
    beneficiary = make_beneficiary(account=ACCOUNT)
    sign_in_staff(client, maker())
    for endpoint, method, url in support_routes(app):
        response = client.open(url.replace("/1", f"/{beneficiary.id}", 1), method=method,
                               data={})
        assert response.status_code == 403, (endpoint, method, response.status_code)
    assert addresses.active_address(beneficiary.id).kind == "bank"


def test_support_and_admin_reach_the_desk_from_the_staff_pages(client):
    sign_in_staff(client, make_admin())
    soup = page(client.get("/staff/"))
    assert soup.find("a", href="/staff/support/") is not None
    assert client.get("/staff/support/").status_code == 200


def test_support_staff_land_with_a_link_to_the_desk(client):
    _agent(client)
    soup = page(client.get("/staff/"))
    assert soup.find("a", href="/staff/support/") is not None


# --- Search ---


def test_search_by_exact_id_number_opens_a_masked_profile(client):
    beneficiary = make_beneficiary(account=ACCOUNT, phone="0912345678")
    _agent(client)
    location = _open_case(client, beneficiary)
    soup = page(client.get(location))
    assert heading(soup) == "Nguyễn Thị Lan"
    body = text(soup)
    assert beneficiary.person.id_number not in body
    assert "1506205123456" not in body and "0912345678" not in body
    assert "3456" in body
    assert "support.searched" in _actions()


def test_search_by_registered_phone_in_any_form(client):
    beneficiary = make_beneficiary(phone="0912345678")
    _agent(client)
    _open_case(client, beneficiary, "+84 912 345 678")


@pytest.mark.parametrize("query", ["Nguyễn Thị Lan", "0912", "091234567", "abc"])
def test_search_refuses_names_and_partial_numbers(client, query):
    make_beneficiary(phone="0912345678")
    _agent(client)
    soup = page(client.post("/staff/support/", data={"query": query}))
    assert error_messages(soup) == [
        "Nhập số định danh cá nhân (12 chữ số) hoặc số điện thoại đã đăng ký (10 chữ số)"]


def test_a_number_nobody_has_says_so(client):
    make_beneficiary()
    _agent(client)
    soup = page(client.post("/staff/support/", data={"query": "087144000999"}))
    assert "Không có người hưởng nào có đúng số này" in text(soup)


def test_a_profile_not_found_by_search_in_this_session_is_not_found(client):
    found = make_beneficiary()
    other = make_beneficiary(full_name="Phạm Văn Bình")
    _agent(client)
    _open_case(client, found)
    assert client.get(f"/staff/support/{other.id}").status_code == 404
    assert client.get(f"/staff/support/{other.id}/reset-cash").status_code == 404


# --- Refusals: own record ---


def test_an_agent_is_refused_their_own_id_number(client):
    me = make_beneficiary(account=ACCOUNT, full_name="Dương Quang Huy", sex="male",
                          birth_date=datetime(1985, 6, 1).date())
    agent = make_support()
    agent.id_number_index = id_number_index(me.person.id_number)
    db.session.commit()
    sign_in_staff(client, agent)
    location = _open_case(client, me)
    response = client.get(location)
    assert response.status_code == 403
    assert "hồ sơ của chính bạn" in text(page(response, 403))
    response = client.post(f"/staff/support/{me.id}/reset-cash",
                           data={"reason": "lost_phone", "note": NOTE})
    assert response.status_code == 403
    assert addresses.active_address(me.id).kind == "bank"
    assert _actions().count("support.refused") == 2


def test_an_agent_is_refused_a_relative_they_help(client):
    mother = make_beneficiary(account=ACCOUNT)
    me = make_person(full_name="Trần Văn Hùng", sex="male", birth_date=datetime(1980, 1,
                                                                                  1).date())
    make_delegation(beneficiary=mother, helper=me, status="expired")
    agent = make_support()
    agent.id_number_index = id_number_index(me.id_number)
    db.session.commit()
    sign_in_staff(client, agent)
    location = _open_case(client, mother)
    assert client.get(location).status_code == 403


# --- Actions ---


def test_an_action_without_a_reason_or_note_changes_nothing(client):
    beneficiary = make_beneficiary(account=ACCOUNT)
    _agent(client)
    _open_case(client, beneficiary)
    soup = page(client.post(f"/staff/support/{beneficiary.id}/reset-cash", data={}))
    assert error_messages(soup) == [
        "Chọn lý do cho việc này",
        "Viết ghi chú: người hưởng đã nói gì và bạn đã kiểm tra gì",
    ]
    assert addresses.active_address(beneficiary.id).kind == "bank"
    assert "support.reset_to_cash" not in _actions()


def test_unlock_through_the_pages(client):
    beneficiary = make_beneficiary()
    lockout = make_lockout(person=beneficiary.person)
    _agent(client)
    _open_case(client, beneficiary)
    assert "Mở khóa đăng nhập" in text(page(client.get(f"/staff/support/{beneficiary.id}")))
    response = client.post(f"/staff/support/{beneficiary.id}/unlock",
                           data={"reason": "caller_verified", "note": NOTE})
    assert response.status_code == 303
    assert "Đã mở khóa đăng nhập" in text(page(client.get(response.headers["Location"])))
    db.session.expire_all()
    assert db.session.get(SigninLockout, lockout.id).lifted_at is not None
    assert messages_to(beneficiary.person.phone)[0].kind == "support_unlocked"
    assert "support.lockout_lifted" in _actions()


def test_reset_to_cash_through_the_pages_stops_the_roster_naming_the_account(client):
    with time_machine.travel(TUESDAY_10_MARCH, tick=False):
        beneficiary = make_beneficiary(account=ACCOUNT)
        request = make_change_request(beneficiary=beneficiary)
        _agent(client)
        _open_case(client, beneficiary)
        soup = page(client.get(f"/staff/support/{beneficiary.id}/reset-cash"))
        assert heading(soup) == "Chuyển về nhận tiền mặt"
        response = client.post(f"/staff/support/{beneficiary.id}/reset-cash",
                               data={"reason": "suspected_fraud", "note": NOTE})
        assert response.status_code == 303
        soup = page(client.get(response.headers["Location"]))
        assert "Tiền mặt tại UBND xã" in text(soup)
        assert "Tổng đài hỗ trợ đã tạm dừng" in text(soup)
        for period in ("2026-03", "2026-04"):
            assert [line["fa"] for line in resolve.roster(period)] == [None]
        db.session.expire_all()
        assert db.session.get(ChangeRequest, request.id).on_hold is True
        assert messages_to(beneficiary.person.phone)[0].kind == "support_reset_cash"


def test_revoke_a_helper_through_the_pages(client):
    beneficiary = make_beneficiary()
    helper = make_person(full_name="Trần Thị Mai", birth_date=datetime(1975, 5, 5).date())
    delegation = make_delegation(beneficiary=beneficiary, helper=helper)
    _agent(client)
    _open_case(client, beneficiary)
    assert "Trần Thị Mai" in text(page(client.get(f"/staff/support/{beneficiary.id}")))
    url = f"/staff/support/{beneficiary.id}/helpers/{delegation.id}/stop"
    assert client.post(url, data={"reason": "helper_misuse", "note": NOTE}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Delegation, delegation.id).ended_by == "support"
    assert {"support.delegation_revoked", "delegation.ended"} <= set(_actions())
    other = make_delegation(beneficiary=make_beneficiary(full_name="Phạm Văn Bình"),
                            helper=helper)
    assert client.get(f"/staff/support/{beneficiary.id}/helpers/{other.id}/stop"
                      ).status_code == 404


def test_resend_through_the_pages(client):
    beneficiary = make_beneficiary()
    make_change_request(beneficiary=beneficiary)
    from domain import notifications
    notifications.enqueue(beneficiary.person.phone, "An Sinh Link: thong bao / notice",
                          kind="change_submitted", person_id=beneficiary.person_id)
    db.session.commit()
    _agent(client)
    _open_case(client, beneficiary)
    response = client.post(f"/staff/support/{beneficiary.id}/resend",
                           data={"reason": "lost_phone", "note": NOTE})
    assert response.status_code == 303
    latest = messages_to(beneficiary.person.phone)[0]
    assert (latest.kind, latest.text) == ("resend", "An Sinh Link: thong bao / notice")


def test_not_me_through_the_pages_holds_the_request_for_the_officer(client):
    beneficiary = make_beneficiary(account=ACCOUNT)
    request = make_change_request(beneficiary=beneficiary)
    from domain import notifications
    message = notifications.enqueue(beneficiary.person.phone, "An Sinh Link: yeu cau",
                                    kind="change_submitted", change_request_id=request.id,
                                    person_id=beneficiary.person_id,
                                    report_code=notifications.new_report_code())
    db.session.commit()
    _agent(client)
    _open_case(client, beneficiary)
    soup = page(client.post(f"/staff/support/{beneficiary.id}/not-me",
                            data={"report_code": "WRONG123", "reason": "suspected_fraud",
                                  "note": NOTE}))
    assert error_messages(soup) == [
        "Không có tin nhắn nào gửi người hưởng này có mã đó. Hãy kiểm tra lại với người báo"]
    response = client.post(f"/staff/support/{beneficiary.id}/not-me",
                           data={"report_code": message.report_code, "reason": "suspected_fraud",
                                 "note": NOTE})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ChangeRequest, request.id).on_hold is True
    assert db.session.scalar(select(NotMeReport.change_request_id)) == request.id
    # The officer sees the hold, and cannot approve.
    officer = make_officer(commune=beneficiary.person.commune)
    with client.session_transaction() as session:
        session.clear()
    sign_in_staff(client, officer)
    assert "Tổng đài hỗ trợ đã tạm dừng" in text(page(client.get("/staff/review/")))
    client.post(f"/staff/review/{request.id}/claim")
    assert "Không thể duyệt" in text(page(client.get(f"/staff/review/{request.id}")))
    version = db.session.get(ChangeRequest, request.id).version
    response = client.post(f"/staff/review/{request.id}/approve", data={"version": version})
    assert response.status_code == 303
    assert "Tổng đài hỗ trợ đã tạm dừng yêu cầu này" in text(
        page(client.get(response.headers["Location"])))
    db.session.expire_all()
    assert db.session.get(ChangeRequest, request.id).status != "approved"
    assert "review.approved" not in _actions()


def test_an_assisted_change_request_through_the_pages(client):
    beneficiary = make_beneficiary(account=ACCOUNT)
    bank_knows("970436", "0011002223334", "NGUYEN THI LAN")
    agent = _agent(client)
    _open_case(client, beneficiary)
    base = f"/staff/support/{beneficiary.id}/assisted"
    soup = page(client.post(base, data={"provider": "", "number": "",
                                         "reason": "at_the_desk", "note": NOTE}))
    assert len(error_messages(soup)) == 2
    response = client.post(base, data={"provider": "970436", "number": "0011 0022 23334",
                                       "reason": "at_the_desk", "note": NOTE})
    assert response.status_code == 303 and response.headers["Location"].endswith("/review")
    soup = page(client.get(base + "/review"))
    assert "NGUYEN THI LAN" in text(soup) and "0011002223334" not in text(soup)
    assert client.post(base + "/review", data={}).status_code == 303
    code = code_sent_to(beneficiary.person.phone)
    soup = page(client.post(base + "/code", data={"code": "12345"}))
    assert error_messages(soup) == ["Nhập mã gồm 6 chữ số"]
    soup = page(client.post(base + "/code", data={"code": code}))
    assert heading(soup) == "Đã gửi yêu cầu cho cán bộ"
    request = db.session.scalar(select(ChangeRequest))
    assert (request.opened_by_kind, request.opened_by_staff_id) == ("support", agent.id)
    assert {"support.assisted_started", "change_request.code_sent",
            "change_request.submitted"} <= set(_actions())
    # Support cannot reach the review pages, let alone approve.
    assert client.post(f"/staff/review/{request.id}/approve",
                       data={"version": request.version}).status_code == 403


def test_reveal_needs_a_reason_and_is_audited(client):
    beneficiary = make_beneficiary(account=ACCOUNT)
    _agent(client)
    _open_case(client, beneficiary)
    address = addresses.active_address(beneficiary.id)
    url = f"/staff/support/{beneficiary.id}/reveal/{address.id}"
    soup = page(client.post(url, data={}))
    assert "1506205123456" not in text(soup)
    soup = page(client.post(url, data={"reason": "call_provider", "note": ""}))
    assert "1506205123456" in text(soup)
    assert "support.number_revealed" in _actions()
    other = make_beneficiary(account=ACCOUNT, full_name="Phạm Văn Bình")
    other_address = addresses.active_address(other.id)
    assert client.get(f"/staff/support/{beneficiary.id}/reveal/{other_address.id}"
                      ).status_code == 404
