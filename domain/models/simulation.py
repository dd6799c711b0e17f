"""Data behind the simulated external systems (bank name inquiry)."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class SimBankAccount(db.Model):
    """An account the simulated interbank name inquiry knows."""

    __tablename__ = "sim_bank_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_code: Mapped[str] = mapped_column(String(20))
    number_index: Mapped[str] = mapped_column(String(64))
    holder_name: Mapped[str] = mapped_column(String(120))

    __table_args__ = (UniqueConstraint("provider_code", "number_index"),)
