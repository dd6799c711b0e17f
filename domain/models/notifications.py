"""The transactional outbox of messages to registered phones, and "this was not me" reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.types import UTCDateTime, utcnow
from extensions import db


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(10), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    # Short code the person quotes to the support desk to say "this was not me".
    report_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_request.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # pending | sending | sent | failed
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotMeReport(db.Model):
    __tablename__ = "not_me_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id"))
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_request.id"))
    recorded_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | resolved
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
