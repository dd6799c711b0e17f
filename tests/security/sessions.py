"""Signed-in test clients without walking the sign-in pages (for probes that need many)."""

from __future__ import annotations

from domain import sessions
from extensions import db


def signed_in_client(app, *, person=None, staff=None, acting_for=None):
    """A client whose cookie carries a fresh server-side session for this person or staff."""
    kind = "staff" if staff is not None else "citizen"
    row, token = sessions.create(
        kind=kind,
        person_id=person.id if person is not None else None,
        staff_id=staff.id if staff is not None else None,
        client_address="127.0.0.1",
    )
    if acting_for is not None:
        row.acting_for_beneficiary_id = acting_for.id
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client
