"""The simulated National Population Database and the locality model (province → commune)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db


class Province(db.Model):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))

    communes: Mapped[list[Commune]] = relationship(back_populates="province")


class Commune(db.Model):
    __tablename__ = "commune"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)

    province: Mapped[Province] = relationship(back_populates="communes")


class Person(db.Model):
    """A person as the population registry knows them."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(6))  # male | female
    phone: Mapped[str | None] = mapped_column(String(10), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="alive")  # alive | deceased
    deceased_on: Mapped[date | None] = mapped_column(Date)

    commune: Mapped[Commune] = relationship()

    @property
    def is_alive(self) -> bool:
        return self.status == "alive"
