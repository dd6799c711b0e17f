"""Financial addresses (where a benefit is paid) and change requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.models.types import UTCDateTime, utcnow
from extensions import db


class FinancialAddress(db.Model):
    """An account a benefit can be paid into; never deleted, only superseded."""

    __tablename__ = "financial_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # bank | ewallet | mobile_money | cash
    provider_code: Mapped[str | None] = mapped_column(String(20))
    number_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    number_index: Mapped[str | None] = mapped_column(String(64), index=True)  # blind index
    number_last4: Mapped[str | None] = mapped_column(String(4))
    holder_name: Mapped[str | None] = mapped_column(String(120))
    # proposed | active | superseded | suspended | rejected | withdrawn
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    active_from: Mapped[date | None] = mapped_column(Date)
    active_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ChangeRequest(db.Model):
    """A request to link or change the account a benefit is paid into."""

    __tablename__ = "change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    proposed_address_id: Mapped[int] = mapped_column(ForeignKey("financial_address.id"))
    previous_address_id: Mapped[int | None] = mapped_column(ForeignKey("financial_address.id"))
    # pending | in_review | approved | rejected | cancelled | expired
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    # self | helper | support
    opened_by_kind: Mapped[str] = mapped_column(String(10), default="self")
    opened_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    opened_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checks: Mapped[list] = mapped_column(JSON, default=list)
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_approved_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    first_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reject_reason: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)
    effective_from: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    proposed_address: Mapped[FinancialAddress] = relationship(foreign_keys=[proposed_address_id])
    previous_address: Mapped[FinancialAddress | None] = relationship(
        foreign_keys=[previous_address_id]
    )

    __mapper_args__ = {"version_id_col": version}

    OPEN_STATUSES = ("pending", "in_review")

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
