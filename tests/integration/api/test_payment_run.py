"""GET /api/v1/payment-run?period=YYYY-MM: the roster, streamed as JSON lines."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from blueprints.api import schema
from domain.models import AuditEvent
from extensions import db
from tests.factories import make_beneficiary


def test_the_roster_streams_one_json_line_per_payment(client, auth):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"), full_name="Nguyễn Thị Lan")
    make_beneficiary()
    ended = make_beneficiary()
    ended.status = "ended"
    db.session.commit()
    response = client.get("/api/v1/payment-run?period=2026-03", headers=auth)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/x-ndjson"
    assert response.headers["X-Roster-Lines"] == "2"
    text = response.get_data(as_text=True)
    assert text.endswith("\n") and "Nguyễn Thị Lan" in text  # UTF-8, not \u escapes
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 2
    for line in lines:
        schema.validate(line, "RosterLine")
    assert lines[0]["fa"] == "account:0011001234567@970436"
    assert lines[0]["payment_reference"] == f"RUN-2026-03-{lan.id}-elderly_80"
    assert lines[1]["fa"] is None and lines[1]["fa_kind"] == "cash"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.details == {"operation": "payment-run", "period": "2026-03", "lines": 2}


def test_an_empty_run_is_an_empty_body(client, auth):
    response = client.get("/api/v1/payment-run?period=2026-03", headers=auth)
    assert (response.status_code, response.get_data()) == (200, b"")


@pytest.mark.parametrize("query", ["", "?period=2026-3", "?period=2026-13", "?period=1999-12",
                                   "?period=abc", "?period=2026-03&period=2026-04",
                                   "?period=2026-03&page=2"])
def test_a_wrong_period_or_parameter_gets_400(client, auth, query):
    response = client.get("/api/v1/payment-run" + query, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"
