"""Approve and reject through the pages: versions, two approvals, maker-checker, messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from domain import review
from domain.models import ChangeRequest, FinancialAddress, Notification
from extensions import db
from tests.factories import make_beneficiary, make_commune
from tests.pages import error_messages, heading, page, text, title
from tests.review_factories import (
    actor_for,
    failing_name_check,
    make_change_request,
    make_officer,
    make_supervisor,
    make_support,
    sign_in_staff,
)

TUESDAY_10_MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def _request(officer=None, **fields) -> ChangeRequest:
    beneficiary = make_beneficiary(account=("bank", "970405", "1506205123456"))
    request = make_change_request(beneficiary=beneficiary, **fields)
    if officer is not None:
        review.claim(officer, request.id, actor_for(officer))
    db.session.expire_all()
    return db.session.get(ChangeRequest, request.id)


def _flash(client, response) -> str:
    return text(page(client.get(response.headers["Location"])))


@time_machine.travel(TUESDAY_10_MARCH, tick=False)
def test_an_officer_approves_after_reading_what_will_happen(client):
    officer = make_officer()
    request = _request(officer)
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}/approve?lang=en"))
    assert heading(soup) == f"Approve request {request.reference}?"
    assert "the cut-off on 20/03/2026" in text(soup)
    version = soup.find("input", attrs={"name": "version"})["value"]
    assert version == str(request.version)
    response = client.post(f"/staff/review/{request.id}/approve?lang=en",
                           data={"version": version})
    assert response.headers["Location"].endswith("/staff/review/")
    assert (f"Request {request.reference} is approved. Payments go to the new account from the "
            "cut-off on 20/03/2026.") in _flash(client, response)
    request = db.session.get(ChangeRequest, request.id)
    assert (request.status, request.effective_from) == ("approved", date(2026, 3, 20))
    assert db.session.scalar(select(Notification).where(
        Notification.change_request_id == request.id)).kind == "change_approved"
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert "The new account is used from the cut-off on 20/03/2026." in text(soup)


def test_the_approve_page_needs_the_claim(client):
    officer = make_officer()
    request = _request()
    sign_in_staff(client, officer)
    response = client.get(f"/staff/review/{request.id}/approve?lang=en")
    assert response.headers["Location"].endswith(f"/staff/review/{request.id}")
    assert "Claim this request before you decide it." in _flash(client, response)
    response = client.post(f"/staff/review/{request.id}/approve",
                           data={"version": str(request.version)})
    assert db.session.get(ChangeRequest, request.id).status == "pending"


def test_a_stale_form_is_refused_and_changes_nothing(client, app):
    commune = make_commune()
    officer = make_officer(commune=commune)
    request = _request(officer)
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}/approve"))
    seen = soup.find("input", attrs={"name": "version"})["value"]
    # Meanwhile, in another tab, the officer releases and claims it again.
    review.release(officer, request.id, actor_for(officer))
    review.claim(officer, request.id, actor_for(officer))
    response = client.post(f"/staff/review/{request.id}/approve?lang=en", data={"version": seen})
    assert "This request changed while you were looking at it." in _flash(client, response)
    assert db.session.get(ChangeRequest, request.id).status == "in_review"


def test_a_tampered_version_field_is_refused(client):
    officer = make_officer()
    request = _request(officer)
    sign_in_staff(client, officer)
    soup = page(client.post(f"/staff/review/{request.id}/approve?lang=en",
                            data={"version": "abc"}))
    assert title(soup).startswith("Error:")
    assert error_messages(soup) == ["Reload the page and try again"]
    assert db.session.get(ChangeRequest, request.id).status == "in_review"


@time_machine.travel(TUESDAY_10_MARCH, tick=False)
def test_a_high_risk_request_needs_an_officer_then_a_supervisor(client, app):
    officer = make_officer()
    supervisor = make_supervisor(display_name="Phan Minh Tuấn")
    beneficiary = make_beneficiary(account=("bank", "970405", "1506205123456"))
    request = make_change_request(beneficiary=beneficiary, high_risk=True,
                                  checks=[failing_name_check(beneficiary, "TRAN VAN B")])
    review.claim(officer, request.id, actor_for(officer))
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}/approve?lang=en"))
    assert "this is the first of two approvals" in text(soup)
    version = soup.find("input", attrs={"name": "version"})["value"]
    response = client.post(f"/staff/review/{request.id}/approve?lang=en",
                           data={"version": version})
    assert "A supervisor must now give the second approval." in _flash(client, response)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert "Waiting for a supervisor" in text(soup)
    assert not soup.find("form", attrs={"action": f"/staff/review/{request.id}/claim"})
    response = client.post(f"/staff/review/{request.id}/claim?lang=en")
    assert "It now needs a supervisor's approval." in _flash(client, response)

    boss = app.test_client()
    sign_in_staff(boss, supervisor)
    soup = page(boss.get("/staff/review/?status=second_approval"))
    assert [r["data-request"] for r in soup.select("tr[data-request]")] == [request.reference]
    boss.post(f"/staff/review/{request.id}/claim")
    soup = page(boss.get(f"/staff/review/{request.id}/approve?lang=en"))
    assert "20/03/2026" in text(soup)
    version = soup.find("input", attrs={"name": "version"})["value"]
    boss.post(f"/staff/review/{request.id}/approve", data={"version": version})
    request = db.session.get(ChangeRequest, request.id)
    assert request.status == "approved"
    assert (request.first_approved_by_staff_id, request.decided_by_staff_id) == (
        officer.id, supervisor.id)


def test_a_request_opened_by_support_cannot_be_approved_by_its_maker(client):
    maker = make_officer()
    request = _request(opened_by_kind="support", opened_by_staff_id=maker.id)
    sign_in_staff(client, maker)
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert "You opened this request, so another officer must decide it." in text(soup)
    assert not soup.find("form", attrs={"action": f"/staff/review/{request.id}/claim"})
    response = client.post(f"/staff/review/{request.id}/claim?lang=en")
    assert "another officer must decide it" in _flash(client, response)
    response = client.post(f"/staff/review/{request.id}/approve",
                           data={"version": str(request.version)})
    assert db.session.get(ChangeRequest, request.id).status == "pending"


def test_support_staff_cannot_approve_at_all(client):
    support = make_support()
    request = _request()
    sign_in_staff(client, support)
    assert client.post(f"/staff/review/{request.id}/approve",
                       data={"version": str(request.version)}).status_code == 403


def test_an_officer_rejects_with_a_reason_and_a_note(client):
    officer = make_officer()
    request = _request(officer)
    sign_in_staff(client, officer)
    soup = page(client.get(f"/staff/review/{request.id}/reject?lang=en"))
    assert heading(soup) == f"Reject request {request.reference}"
    reasons = [i["value"] for i in soup.select("input[name=reason]")]
    assert reasons == list(review.REJECT_REASONS)
    version = soup.find("input", attrs={"name": "version"})["value"]
    soup = page(client.post(f"/staff/review/{request.id}/reject?lang=en",
                            data={"version": version}))
    assert error_messages(soup) == ["Choose why the request is rejected"]
    soup = page(client.post(f"/staff/review/{request.id}/reject?lang=en",
                            data={"version": version, "reason": "other", "note": ""}))
    assert error_messages(soup) == ["Write why the request is rejected in the note"]
    soup = page(client.post(f"/staff/review/{request.id}/reject?lang=en",
                            data={"version": version, "reason": "made_up"}))
    assert error_messages(soup) == ["Choose why the request is rejected"]
    assert db.session.get(ChangeRequest, request.id).status == "in_review"
    response = client.post(f"/staff/review/{request.id}/reject?lang=en", data={
        "version": version, "reason": "account_not_found",
        "note": "The bank says account 0011009876543 is closed"})
    assert "is rejected" in _flash(client, response)
    request = db.session.get(ChangeRequest, request.id)
    assert (request.status, request.reject_reason) == ("rejected", "account_not_found")
    assert db.session.get(FinancialAddress, request.proposed_address_id).status == "rejected"
    sms = db.session.scalar(select(Notification).where(Notification.kind == "change_rejected"))
    assert "Check the number with your bank and make a new request" in sms.text
    assert "0011009876543" not in sms.text
    soup = page(client.get(f"/staff/review/{request.id}?lang=en"))
    assert "The bank or provider could not confirm the account" in text(soup)
    assert "The bank says account ••••••••••••• is closed" in text(soup)


def test_release_gives_the_request_back_to_the_queue(client):
    officer = make_officer()
    request = _request(officer)
    sign_in_staff(client, officer)
    response = client.post(f"/staff/review/{request.id}/release?lang=en")
    assert response.headers["Location"].endswith("/staff/review/")
    assert f"You released request {request.reference}" in _flash(client, response)
    assert db.session.get(ChangeRequest, request.id).claimed_by_staff_id is None
