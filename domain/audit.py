"""The append-only audit log, chained by hash: each event's hash covers the previous one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text

from domain.actors import Actor
from domain.models import AuditEvent
from extensions import db

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> str:
    created = event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "id": event.id,
        "created_at": created,
        "actor_kind": event.actor_kind,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "on_behalf_of_person_id": event.on_behalf_of_person_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "details": event.details,
        "client_address": event.client_address,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event).encode()).hexdigest()


def lock_chain() -> None:
    """Take the chain's lock for this transaction (PostgreSQL; SQLite serialises writers).

    Appends are serialised so that two writers never chain onto the same predecessor. A
    transaction that will also update rows other writers touch (a change request) takes this
    lock FIRST, so every writer locks in the same order and none can deadlock.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(727001)"))


def record(
    actor: Actor,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: object = None,
    on_behalf_of_person_id: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction; the caller commits."""
    lock_chain()
    last = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        created_at=datetime.now(UTC),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label,
        on_behalf_of_person_id=on_behalf_of_person_id or actor.on_behalf_of_person_id,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        details=details or {},
        client_address=actor.client_address,
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = event_hash(event)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole log in order; name the first event whose hash or link is wrong."""
    previous_hash = GENESIS
    previous_id = 0
    checked = 0
    while True:
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id > previous_id)
            .order_by(AuditEvent.id)
            .limit(batch_size)
        ).all()
        if not events:
            return ChainReport(checked, None, None)
        for event in events:
            if event.id != previous_id + 1:
                return ChainReport(checked, event.id, f"gap before event {event.id}")
            if event.prev_hash != previous_hash:
                return ChainReport(checked, event.id, "link to the previous event is broken")
            if event_hash(event) != event.hash:
                return ChainReport(checked, event.id, "content does not match its hash")
            previous_hash, previous_id = event.hash, event.id
            checked += 1
        db.session.expunge_all()


def search(
    *,
    person_id: int | None = None,
    subjects: dict[str, list] | None = None,
    actor: tuple[str, int] | None = None,
    limit: int = 200,
    oldest_first: bool = False,
) -> list[AuditEvent]:
    """Events about a person (for whom), about given subjects, or by an actor: any of them."""
    from sqlalchemy import or_

    conditions = []
    if person_id is not None:
        conditions.append(AuditEvent.on_behalf_of_person_id == person_id)
    for subject_type, ids in (subjects or {}).items():
        if ids:
            conditions.append(
                (AuditEvent.subject_type == subject_type)
                & AuditEvent.subject_id.in_([str(i) for i in ids])
            )
    if actor is not None:
        conditions.append((AuditEvent.actor_kind == actor[0]) & (AuditEvent.actor_id == actor[1]))
    if not conditions:
        return []
    order = AuditEvent.id.asc() if oldest_first else AuditEvent.id.desc()
    return list(
        db.session.scalars(select(AuditEvent).where(or_(*conditions)).order_by(order).limit(limit))
    )
