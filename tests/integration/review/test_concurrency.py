"""Two officers (here twelve) claim the same request in the same instant: exactly one wins.

Real concurrency needs a real database server: this runs on PostgreSQL only.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from domain import review
from domain.audit import verify_chain
from domain.models import AuditEvent, ChangeRequest, StaffUser
from extensions import db
from tests.factories import make_beneficiary, make_commune
from tests.review_factories import actor_for, make_change_request, make_officer

THREADS = 12


@pytest.mark.postgres_only
def test_exactly_one_of_many_simultaneous_claims_wins(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    commune = make_commune()
    officer_ids = [make_officer(commune=commune).id for _ in range(THREADS)]
    request_id = make_change_request(beneficiary=make_beneficiary()).id
    db.session.remove()

    start = threading.Barrier(THREADS)
    outcomes: dict[int, str] = {}

    def claim(officer_id: int) -> None:
        with app.app_context():
            officer = db.session.get(StaffUser, officer_id)
            start.wait()
            try:
                review.claim(officer, request_id, actor_for(officer))
                outcomes[officer_id] = "won"
            except review.Refused as refused:
                outcomes[officer_id] = refused.reason
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                outcomes[officer_id] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=claim, args=(i,)) for i in officer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["claimed"] * (THREADS - 1) + ["won"]
    winner = next(i for i, outcome in outcomes.items() if outcome == "won")
    request = db.session.get(ChangeRequest, request_id)
    assert request.claimed_by_staff_id == winner
    assert request.version == 2  # claimed once, never twice
    claims = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "review.claimed"))
    assert claims == 1
    assert verify_chain().ok
