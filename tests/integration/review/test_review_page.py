"""The review page: who, what changes, what the bank says, every check, the history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from domain import review
from domain.models import AuditEvent
from extensions import db
from tests.factories import make_beneficiary
from tests.pages import error_messages, heading, page, text
from tests.review_factories import (
    actor_for,
    check,
    failing_name_check,
    make_change_request,
    make_officer,
    make_supervisor,
    sign_in_staff,
)


def _beneficiary(**fields):
    return make_beneficiary(full_name="Nguyễn Thị Lan", birth_date=date(1944, 3, 12),
                            account=("bank", "970405", "1506205123456"), **fields)


def test_the_page_shows_the_beneficiary_masked(client):
    officer = make_officer()
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary)
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert heading(soup) == f"Request {request.reference}"
    section = soup.find(id="beneficiary-title").parent.get_text(" ", strip=True)
    person = beneficiary.person
    assert "Nguyễn Thị Lan" in section and "1944" in section
    assert "••••••••" + person.id_number[-4:] in section
    assert person.id_number not in text(soup)
    assert "Phường Cao Lãnh, Tỉnh Đồng Tháp" in section
    assert "Alive" in section and "Being paid" in section


def test_the_current_and_proposed_accounts_are_side_by_side_and_masked(client):
    officer = make_officer()
    request = make_change_request(beneficiary=_beneficiary(), number="0011009876543")
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    current = soup.find(id="address-current").parent.get_text(" ", strip=True)
    proposed = soup.find(id="address-proposed").parent.get_text(" ", strip=True)
    assert "Agribank" in current and "•••• 3456" in current
    assert "Vietcombank" in proposed and "•••• 6543" in proposed
    assert "NGUYEN THI LAN" in proposed
    body = text(soup)
    assert "1506205123456" not in body and "0011009876543" not in body


def test_the_name_inquiry_holder_name_is_shown_against_the_registry_name(client):
    officer = make_officer()
    matching = make_change_request(beneficiary=_beneficiary())
    other = make_change_request(beneficiary=_beneficiary(), number="0011000000001",
                                bank_holder="TRAN VAN KHAC")
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{matching.id}?lang=en"))
    assert soup.select_one("[data-inquiry-name]").get_text() == "NGUYEN THI LAN"
    assert "This matches the registry name Nguyễn Thị Lan." in text(soup)
    soup = page(client.get(f"/staff/review/{other.id}?lang=en"))
    assert soup.select_one("[data-inquiry-name]").get_text() == "TRAN VAN KHAC"
    assert "This does not match the registry name Nguyễn Thị Lan." in text(soup)


def test_every_check_is_shown_as_pass_warn_or_fail_with_its_sentence(client):
    officer = make_officer()
    beneficiary = _beneficiary()
    checks = [
        failing_name_check(beneficiary, "LE VAN C"),
        check("recent_changes", "warn", "%(count)d approved changes in the last 12 months",
              count=2),
        check("provider_accepting", "pass", "Some message no catalogue has heard of"),
        check("registry_status", "pass", "Alive in the population registry, living in "
                                         "%(commune)s"),  # its parameter is missing
    ]
    request = make_change_request(beneficiary=beneficiary, checks=checks, high_risk=True)
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    shown = {li["data-check"]: (li["data-result"], li.get_text(" ", strip=True))
             for li in soup.select("li[data-check]")}
    assert shown["holder_name"][0] == "fail"
    assert "Fail" in shown["holder_name"][1]
    assert ("The account holder's name LE VAN C does not match the registry name "
            "Nguyễn Thị Lan") in shown["holder_name"][1]
    assert shown["recent_changes"] == ("warn", "Warning Recent changes 2 approved changes in "
                                               "the last 12 months")
    assert "Some message no catalogue has heard of" in shown["provider_accepting"][1]
    assert "High risk: two approvals needed" in text(soup)
    # The same page in Vietnamese translates the sentences.
    soup = page(client.get(f"/staff/review/{request.id}?lang=vi"))
    holder = soup.select_one('li[data-check="holder_name"]').get_text(" ", strip=True)
    assert "Không đạt" in holder and "Tên chủ tài khoản" in holder


def test_the_history_and_earlier_requests_of_the_beneficiary_are_shown(client):
    officer = make_officer()
    beneficiary = _beneficiary()
    earlier = make_change_request(beneficiary=beneficiary, status="rejected",
                                  created_at=datetime.now(UTC) - timedelta(days=60))
    earlier.reject_reason = "holder_name_mismatch"
    db.session.commit()
    request = make_change_request(beneficiary=beneficiary)
    review.claim(officer, request.id, actor_for(officer))
    review.release(officer, request.id, actor_for(officer))
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    history = soup.find(id="history-title").parent.get_text(" ", strip=True)
    assert "Claimed for review" in history and "Claim released" in history
    assert officer.username in history
    earlier_section = soup.find(id="earlier-title").parent
    assert earlier_section.find("a", string=earlier.reference)
    assert "The account holder is not the beneficiary" in earlier_section.get_text()


def test_claiming_from_the_page_then_deciding(client):
    officer = make_officer()
    request = make_change_request(beneficiary=_beneficiary())
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert soup.find("form", attrs={"action": f"/staff/review/{request.id}/claim"})
    assert not soup.find("a", attrs={"href": f"/staff/review/{request.id}/approve"})
    response = client.post(f"/staff/review/{request.id}/claim?lang=en")
    soup = page(client.get(response.headers["Location"]))
    assert f"You are reviewing request {request.reference}" in text(soup)
    assert soup.find("a", attrs={"href": f"/staff/review/{request.id}/approve"})
    assert soup.find("a", attrs={"href": f"/staff/review/{request.id}/reject"})


def test_another_officer_sees_who_has_the_claim(client, app):
    officer = make_officer(display_name="Đỗ Thị Hạnh")
    colleague = make_officer()
    request = make_change_request(beneficiary=_beneficiary())
    review.claim(officer, request.id, actor_for(officer))
    sign_in_staff(client, colleague)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert "Đỗ Thị Hạnh is reviewing this request" in text(soup)
    response = client.post(f"/staff/review/{request.id}/claim?lang=en")
    soup = page(client.get(response.headers["Location"]))
    assert "Đỗ Thị Hạnh is already reviewing this request." in text(soup)


def test_revealing_the_full_number_asks_why_and_records_it(client):
    officer = make_officer()
    request = make_change_request(beneficiary=_beneficiary(), number="0011009876543")
    sign_in_staff(client, officer)
    url = f"/staff/review/{request.id}/reveal/{request.proposed_address_id}"
    soup = page(client.get(url + "?lang=en"))
    assert heading(soup) == "Show the full number"
    assert "0011009876543" not in text(soup)
    soup = page(client.post(url + "?lang=en", data={}))
    assert error_messages(soup) == ["Choose why you need to see the full number"]
    soup = page(client.post(url + "?lang=en", data={"reason": "other", "note": ""}))
    assert error_messages(soup) == ["Write why you need to see the full number"]
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "review.number_revealed")) is None
    soup = page(client.post(url + "?lang=en", data={"reason": "call_provider"}))
    assert soup.select_one("[data-full-number]").get_text() == "0011009876543"
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "review.number_revealed"))
    assert event.actor_id == officer.id and event.details["reason"] == "call_provider"
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert "Full account number shown to staff" in soup.find(id="history-title").parent.get_text()
    current = f"/staff/review/{request.id}/reveal/{request.previous_address_id}?lang=en"
    soup = page(client.post(current,
                            data={"reason": "paper_form"}))
    assert soup.select_one("[data-full-number]").get_text() == "1506205123456"


def test_a_cash_address_has_no_number_to_reveal(client):
    officer = make_officer()
    request = make_change_request(beneficiary=make_beneficiary(), kind="cash")
    sign_in_staff(client, officer)
    base = f"/staff/review/{request.id}/reveal"
    assert client.get(f"{base}/{request.proposed_address_id}").status_code == 404
    assert client.get(f"{base}/{request.previous_address_id}").status_code == 404
    assert client.get(f"{base}/999999").status_code == 404
    assert client.get(f"{base}/current").status_code == 404
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert not soup.find("a", string="Show the full number")


def test_a_supervisor_sees_the_page_of_any_commune_in_the_province(client):
    supervisor = make_supervisor()
    request = make_change_request(beneficiary=_beneficiary())
    sign_in_staff(client, supervisor)
    assert page(client.get(f"/staff/review/{request.id}"))
