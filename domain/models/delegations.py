"""Family helpers: a person acting for a beneficiary within a granted scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.models.registry import Person
from domain.models.types import UTCDateTime, utcnow
from extensions import db


class Delegation(db.Model):
    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    helper_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    scope: Mapped[str] = mapped_column(String(20))  # view | view_and_request
    # invited | active | declined | revoked | expired
    status: Mapped[str] = mapped_column(String(12), default="invited", index=True)
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(12))  # beneficiary | helper | support
    last_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    helper: Mapped[Person | None] = relationship(foreign_keys=[helper_person_id])
