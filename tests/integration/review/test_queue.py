"""The review queue: own locality, oldest first, filters, claims from the list, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from domain import review
from domain.models import AuditEvent
from extensions import db
from tests.factories import make_beneficiary, make_commune
from tests.pages import error_messages, heading, page, text
from tests.review_factories import (
    actor_for,
    failing_name_check,
    make_change_request,
    make_officer,
    make_supervisor,
    sign_in_staff,
)

NOW = datetime(2026, 3, 17, 3, 0, tzinfo=UTC)  # Tuesday


def _communes():
    cao_lanh = make_commune(code="08701", name="Phường Cao Lãnh")
    thap_muoi = make_commune(code="08702", name="Xã Tháp Mười")
    return cao_lanh, thap_muoi


def _references(soup) -> list[str]:
    return [row["data-request"] for row in soup.select("tr[data-request]")]


@time_machine.travel(NOW, tick=False)
def test_an_officer_sees_the_open_requests_of_their_commune_oldest_first(client):
    cao_lanh, thap_muoi = _communes()
    officer = make_officer(commune=cao_lanh)
    newer = make_change_request(beneficiary=make_beneficiary(commune=cao_lanh,
                                                             full_name="Trần Văn Bình"),
                                created_at=NOW - timedelta(days=1))
    older = make_change_request(beneficiary=make_beneficiary(commune=cao_lanh),
                                created_at=NOW - timedelta(days=9))
    make_change_request(beneficiary=make_beneficiary(commune=thap_muoi))
    make_change_request(beneficiary=make_beneficiary(commune=cao_lanh), status="approved")
    sign_in_staff(client, officer)
    soup = page(client.get("/staff/review/?lang=en"))
    assert heading(soup) == "Review queue"
    assert _references(soup) == [older.reference, newer.reference]
    row = soup.select_one(f'tr[data-request="{newer.reference}"]')
    row_text = row.get_text(" ", strip=True)
    assert "Trần Văn Bình" in row_text
    assert "Vietcombank •••• 6543" in row_text
    assert "The beneficiary" in row_text  # who submitted it
    assert "0011009876543" not in text(soup)
    assert "row--overdue" in soup.select_one(f'tr[data-request="{older.reference}"]')["class"]
    assert "Over 5 working days" in soup.select_one(
        f'tr[data-request="{older.reference}"]').get_text()
    assert "row--overdue" not in row.get("class", [])


def test_risk_flags_and_who_submitted_are_shown(client):
    officer = make_officer()
    beneficiary = make_beneficiary()
    risky = make_change_request(beneficiary=beneficiary, high_risk=True,
                                opened_by_kind="helper",
                                checks=[failing_name_check(beneficiary, "LE VAN C")])
    sign_in_staff(client, officer)
    soup = page(client.get("/staff/review/?lang=en"))
    row = soup.select_one(f'tr[data-request="{risky.reference}"]').get_text(" ", strip=True)
    assert "High risk" in row and "Fail: Holder name" in row and "A family helper" in row


def test_a_supervisor_filters_by_commune_status_and_risk(client):
    cao_lanh, thap_muoi = _communes()
    supervisor = make_supervisor()
    first = make_change_request(beneficiary=make_beneficiary(commune=cao_lanh),
                                created_at=datetime.now(UTC) - timedelta(days=2))
    second = make_change_request(beneficiary=make_beneficiary(commune=thap_muoi),
                                 high_risk=True)
    sign_in_staff(client, supervisor)
    soup = page(client.get("/staff/review/"))
    assert _references(soup) == [first.reference, second.reference]
    options = [o["value"] for o in soup.select("select[name=commune] option")]
    assert options == ["", "08701", "08702"]
    assert _references(page(client.get("/staff/review/?commune=08702"))) == [second.reference]
    assert _references(page(client.get("/staff/review/?risk=high"))) == [second.reference]
    assert _references(page(client.get("/staff/review/?status=approved"))) == []


def test_a_made_up_filter_gets_a_message_and_the_default_list(client):
    officer = make_officer()
    request = make_change_request(beneficiary=make_beneficiary())
    sign_in_staff(client, officer)
    soup = page(client.get("/staff/review/?status=everything&risk=huge&commune=99999&lang=en"))
    assert error_messages(soup) == ["Choose a status from the list", "Choose a risk from the list",
                                    "Choose a commune from the list"]
    assert _references(soup) == [request.reference]
    assert page(client.get("/staff/review/?page=abc"))
    assert page(client.get("/staff/review/?page=-4"))


def test_the_oldest_waiting_request_can_be_taken_in_one_click(client):
    officer = make_officer()
    request = make_change_request(beneficiary=make_beneficiary())
    sign_in_staff(client, officer)
    response = client.post("/staff/review/next")
    assert response.headers["Location"].endswith(f"/staff/review/{request.id}")
    response = client.post("/staff/review/next?lang=en")
    soup = page(client.get(response.headers["Location"]))
    assert "No request is waiting for you now." in text(soup)


def test_the_queue_is_exported_as_csv_with_masked_numbers_only(client):
    officer = make_officer()
    beneficiary = make_beneficiary(full_name="=HYPERLINK(\"x\")")
    request = make_change_request(beneficiary=beneficiary, holder_name="X")
    sign_in_staff(client, officer)
    response = client.get("/staff/review/export.csv?status=open")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["reference"] == request.reference
    assert row["account_masked"] == "•••• 6543"
    assert row["beneficiary_id_masked"].endswith(beneficiary.person.id_number[-4:])
    assert row["beneficiary_name"].startswith("'=")  # never a live formula in a spreadsheet
    assert "0011009876543" not in body and beneficiary.person.id_number not in body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                       "review.queue_exported"))
    assert event.details == {"status": "open", "risk": "any", "rows": 1}


def test_a_claimed_request_shows_who_has_it(client):
    commune = make_commune()
    holder = make_officer(commune=commune, display_name="Đỗ Thị Hạnh")
    officer = make_officer(commune=commune)
    request = make_change_request(beneficiary=make_beneficiary())
    review.claim(holder, request.id, actor_for(holder))
    sign_in_staff(client, officer)
    soup = page(client.get("/staff/review/?lang=en"))
    row = soup.select_one(f'tr[data-request="{request.reference}"]').get_text(" ", strip=True)
    assert "Claimed by Đỗ Thị Hạnh" in row
    mine = page(client.get("/staff/review/?status=mine"))
    assert _references(mine) == []
