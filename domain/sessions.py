"""Server-side sign-in sessions: the cookie holds a random token, the database its state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from domain.models import AuthSession
from domain.security import new_token, secret_hash
from extensions import db

TOUCH_EVERY = timedelta(seconds=20)


def idle_timeout(kind: str) -> timedelta:
    key = "STAFF_IDLE_TIMEOUT_SECONDS" if kind == "staff" else "CITIZEN_IDLE_TIMEOUT_SECONDS"
    return timedelta(seconds=current_app.config[key])


def create(
    *,
    kind: str,
    person_id: int | None = None,
    staff_id: int | None = None,
    client_address: str | None = None,
) -> tuple[AuthSession, str]:
    """A new session with a new token (never one the client chose); the caller commits."""
    token = new_token()
    now = datetime.now(UTC)
    row = AuthSession(
        token_hash=secret_hash(token, purpose="session"),
        principal_kind=kind,
        person_id=person_id,
        staff_id=staff_id,
        created_at=now,
        last_seen_at=now,
        client_address=client_address,
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def load(token: str) -> AuthSession | None:
    """The live session for a token, its idle clock restarted; None if ended or idle too long."""
    row = db.session.scalar(
        select(AuthSession).where(AuthSession.token_hash == secret_hash(token, purpose="session"))
    )
    if row is None or row.ended_at is not None:
        return None
    now = datetime.now(UTC)
    if now - row.last_seen_at > idle_timeout(row.principal_kind):
        row.ended_at = now
        db.session.commit()
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row


def expires_at(row: AuthSession) -> datetime:
    return row.last_seen_at + idle_timeout(row.principal_kind)


def keep_alive(row: AuthSession) -> None:
    row.last_seen_at = datetime.now(UTC)
    db.session.commit()


def end(row: AuthSession) -> None:
    row.ended_at = datetime.now(UTC)
    db.session.commit()


def end_all_for_person(person_id: int) -> None:
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.person_id == person_id, AuthSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC))
    )


def set_acting_for(row: AuthSession, beneficiary_id: int | None) -> None:
    """A helper starts or stops acting for a beneficiary in this session."""
    row.acting_for_beneficiary_id = beneficiary_id
    db.session.commit()
