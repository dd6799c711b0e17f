"""Beneficiaries, their programmes and monthly amounts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.models.registry import Person
from domain.models.types import UTCDateTime
from extensions import db


class Beneficiary(db.Model):
    __tablename__ = "beneficiary"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | suspended | ended
    enrolled_on: Mapped[date] = mapped_column(Date)
    # Opt-in lock: while set, online changes are refused (made only at the commune office).
    online_changes_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    lock_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changes_allowed_from: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    entitlements: Mapped[list[Entitlement]] = relationship(
        back_populates="beneficiary", order_by="Entitlement.id"
    )


class Entitlement(db.Model):
    """One programme a beneficiary is paid under, with its monthly amount in đồng."""

    __tablename__ = "entitlement"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    programme: Mapped[str] = mapped_column(String(40))
    # Coefficient × 10 (1.5 → 15), so money arithmetic stays in integers.
    coefficient_tenths: Mapped[int] = mapped_column(Integer)
    monthly_amount: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="entitlements")
