"""The supervisor's dashboard and the audit log of a beneficiary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from domain import review
from domain.models import AuditEvent
from extensions import db
from tests.factories import make_beneficiary, make_commune
from tests.pages import error_messages, heading, page, sign_in, text
from tests.review_factories import (
    actor_for,
    make_change_request,
    make_officer,
    make_supervisor,
    sign_in_staff,
)

MONDAY_9_MARCH = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
TUESDAY_17_MARCH = datetime(2026, 3, 17, 3, 0, tzinfo=UTC)


def _account():
    return ("bank", "970405", "1506205123456")


@time_machine.travel(TUESDAY_17_MARCH, tick=False)
def test_the_dashboard_counts_by_commune_and_state_and_highlights_old_requests(client):
    cao_lanh = make_commune(code="08701", name="Phường Cao Lãnh")
    thap_muoi = make_commune(code="08702", name="Xã Tháp Mười")
    officer = make_officer(commune=cao_lanh, display_name="Đỗ Thị Hạnh")
    supervisor = make_supervisor()
    old = make_change_request(beneficiary=make_beneficiary(commune=cao_lanh, account=_account()),
                              created_at=MONDAY_9_MARCH - timedelta(days=1))
    make_change_request(beneficiary=make_beneficiary(commune=cao_lanh, account=_account()),
                        created_at=TUESDAY_17_MARCH - timedelta(hours=5))
    make_change_request(beneficiary=make_beneficiary(commune=thap_muoi, account=_account()),
                        status="rejected")
    decided = make_change_request(beneficiary=make_beneficiary(commune=cao_lanh,
                                                               account=_account()))
    review.claim(officer, decided.id, actor_for(officer))
    review.approve(officer, decided.id, decided.version, actor_for(officer))

    sign_in_staff(client, supervisor)
    soup = page(client.get("/staff/review/dashboard?lang=en"))
    assert heading(soup) == "Dashboard"
    assert soup.select_one('[data-stat="open"]').get_text() == "2"
    assert soup.select_one('[data-stat="oldest"]').get_text() == "9 days"
    assert soup.select_one('[data-stat="overdue"]').get_text() == "1"
    assert soup.select_one('[data-count="08701-pending"]').get_text() == "2"
    assert soup.select_one('[data-count="08701-approved"]').get_text() == "1"
    assert soup.select_one('[data-count="08702-rejected"]').get_text() == "1"
    assert soup.select_one('[data-count="08702-pending"]').get_text() == "0"
    overdue = soup.select("[data-overdue]")
    assert [row["data-overdue"] for row in overdue] == [old.reference]
    assert "row--overdue" in overdue[0]["class"]
    decisions = soup.select_one(f'[data-decisions="{officer.username}-2026-03-16"]')
    assert "Đỗ Thị Hạnh" in decisions.get_text()
    assert [td.get_text() for td in decisions.select("td.num")] == ["1", "0", "0"]


def test_officers_cannot_open_the_dashboard(client):
    sign_in_staff(client, make_officer())
    assert client.get("/staff/review/dashboard").status_code == 403


def test_staff_search_the_audit_log_of_a_beneficiary(client, app):
    commune = make_commune()
    officer = make_officer(commune=commune)
    beneficiary = make_beneficiary(commune=commune, account=_account())
    sign_in(app.test_client(), beneficiary.person)
    request = make_change_request(beneficiary=beneficiary)
    review.claim(officer, request.id, actor_for(officer))
    sign_in_staff(client, officer)
    soup = page(client.get("/staff/review/audit?lang=en"))
    assert heading(soup) == "Audit log of a beneficiary"
    soup = page(client.post("/staff/review/audit?lang=en", data={"id_number": "123"}))
    assert error_messages(soup) == ["Enter the beneficiary's personal ID number: 12 digits"]
    spaced = " ".join([beneficiary.person.id_number[:3], beneficiary.person.id_number[3:]])
    soup = page(client.post("/staff/review/audit?lang=en", data={"id_number": spaced}))
    body = text(soup)
    assert "Signed in" in body and "Claimed for review" in body
    assert "Audit log looked up by staff" in body
    assert beneficiary.person.id_number not in body
    looked = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "review.audit_searched"))
    assert looked.actor_id == officer.id
    assert looked.on_behalf_of_person_id == beneficiary.person_id


def test_nothing_in_the_app_edits_or_deletes_audit_events(app):
    for rule in app.url_map.iter_rules():
        assert "audit" not in rule.endpoint or rule.methods <= {"GET", "HEAD", "OPTIONS",
                                                                "POST"}
    # The only audit page takes a search and writes nothing but its own look-up event.
    assert {r.endpoint for r in app.url_map.iter_rules() if "audit" in r.rule} == {
        "review.audit_search"}
