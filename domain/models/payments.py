"""Benefit payments, with a snapshot of the address each went to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.types import UTCDateTime, utcnow
from extensions import db


class Payment(db.Model):
    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    programme: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)  # đồng
    # scheduled | paid | failed | returned | paid_cash
    status: Mapped[str] = mapped_column(String(12))
    fa_kind: Mapped[str | None] = mapped_column(String(16))
    fa_provider_code: Mapped[str | None] = mapped_column(String(20))
    fa_masked: Mapped[str | None] = mapped_column(String(32))
    fa_index: Mapped[str | None] = mapped_column(String(64))
    partner_reference: Mapped[str] = mapped_column(String(64), unique=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Keyset pagination of a beneficiary's history: newest period first, then id.
    __table_args__ = (Index("ix_payment_beneficiary_period_id", "beneficiary_id", "period", "id"),)
