"""The database going away in the middle of a request: a friendly 503 and no partial write."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from domain.models import AuditEvent, Notification, OtpChallenge
from extensions import db
from tests.factories import make_person
from tests.pages import heading, page


class DatabaseGoesAway:
    """Fails the Nth statement, and every later one, as a lost connection would."""

    def __init__(self, after: int):
        self.after = after
        self.count = 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        if self.count > self.after:
            raise OperationalError(statement, parameters, Exception("server closed the connection"))


@pytest.mark.parametrize("after", [1, 3, 5, 7])
def test_sign_in_start_fails_whole_or_not_at_all(app, client, after):
    person = make_person()
    failure = DatabaseGoesAway(after)
    event.listen(db.engine, "before_cursor_execute", failure)
    try:
        response = client.post("/signin", data={"id_number": person.id_number})
    finally:
        event.remove(db.engine, "before_cursor_execute", failure)
    if response.status_code == 303:
        pytest.skip(f"the request needed fewer than {after} statements")
    soup = page(response, status=503)
    assert heading(soup) == "Dịch vụ tạm thời gián đoạn"
    db.session.rollback()
    for model in (OtpChallenge, Notification, AuditEvent):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def test_the_503_page_needs_no_database(app, client):
    failure = DatabaseGoesAway(0)
    event.listen(db.engine, "before_cursor_execute", failure)
    try:
        response = client.get("/signin")
        soup_status = response.status_code
        health = client.get("/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", failure)
    assert soup_status == 200  # the sign-in form itself needs no database
    assert health.status_code == 200
