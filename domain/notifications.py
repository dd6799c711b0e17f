"""Messages to registered phones, through the transactional outbox."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update

from domain.models import Notification
from domain.ports import sms_gateway
from extensions import db

REPORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_report_code() -> str:
    return "".join(secrets.choice(REPORT_CODE_ALPHABET) for _ in range(8))


def enqueue(
    phone: str,
    text: str,
    *,
    kind: str,
    person_id: int | None = None,
    change_request_id: int | None = None,
    report_code: str | None = None,
) -> Notification:
    """Add a message to the outbox in the caller's transaction; a dispatcher sends it."""
    message = Notification(
        phone=phone,
        text=text,
        kind=kind,
        person_id=person_id,
        change_request_id=change_request_id,
        report_code=report_code,
        status="pending",
        created_at=datetime.now(UTC),
    )
    db.session.add(message)
    db.session.flush()
    return message


def dispatch(worker: str, *, batch_size: int = 100, stale_after: int = 300) -> int:
    """Claim pending messages, send them, mark them sent. Safe to run in several copies."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=stale_after)
    query = (
        select(Notification.id)
        .where(
            or_(
                Notification.status == "pending",
                (Notification.status == "sending") & (Notification.claimed_at < stale),
            )
        )
        .order_by(Notification.id)
        .limit(batch_size)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if not ids:
        db.session.rollback()
        return 0
    # A conditional update claims the rows; on SQLite the write lock serialises claimers.
    claim = f"{worker[:40]}:{secrets.token_hex(8)}"
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids))
        .where(
            or_(
                Notification.status == "pending",
                (Notification.status == "sending") & (Notification.claimed_at < stale),
            )
        )
        .values(status="sending", claimed_at=now, claimed_by=claim)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount == 0:
        return 0
    gateway = sms_gateway()
    messages = db.session.scalars(
        select(Notification)
        .where(Notification.claimed_by == claim, Notification.status == "sending")
        .order_by(Notification.id)
    ).all()
    for message in messages:
        message.attempts += 1
        if gateway.send(message.phone, message.text):
            message.status = "sent"
            message.sent_at = datetime.now(UTC)
        else:
            message.status = "pending" if message.attempts < 5 else "failed"
        db.session.commit()
    return len(messages)


def recent_for_phone(phone: str, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.phone == phone)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def outbox(limit: int = 200) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def recent_phones(limit: int = 12) -> list[str]:
    """Phones that received messages lately, newest first (for the demo phone's picker)."""
    rows = db.session.execute(
        select(Notification.phone, func.max(Notification.id).label("last"))
        .group_by(Notification.phone)
        .order_by(func.max(Notification.id).desc())
        .limit(limit)
    )
    return [row.phone for row in rows]
