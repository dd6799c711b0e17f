"""Plain keyword-only factories: each test shows the data it relies on."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from domain import addresses
from domain.identifiers import make_id_number
from domain.models import Beneficiary, Commune, Entitlement, Person, Province, StaffUser
from domain.programmes import programme
from domain.security import encrypt
from extensions import db

_serial = itertools.count(1)
_phones = itertools.count(1_000_001)


def make_commune(*, code: str = "08701", name: str = "Phường Cao Lãnh",
                 province_code: str = "087", province_name: str = "Tỉnh Đồng Tháp") -> Commune:
    if db.session.get(Province, province_code) is None:
        db.session.add(Province(code=province_code, name=province_name))
    commune = db.session.scalar(select(Commune).where(Commune.code == code))
    if commune is None:
        commune = Commune(code=code, name=name, province_code=province_code)
        db.session.add(commune)
    db.session.commit()
    return commune


def make_person(
    *,
    full_name: str = "Nguyễn Thị Lan",
    birth_date: date = date(1944, 3, 12),
    sex: str = "female",
    phone: str | None = None,
    commune: Commune | None = None,
    status: str = "alive",
    id_number: str | None = None,
) -> Person:
    commune = commune or make_commune()
    person = Person(
        id_number=id_number
        or make_id_number(commune.province_code, birth_date.year, sex, next(_serial)),
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        phone=phone or f"091{next(_phones):07d}",
        commune_id=commune.id,
        status=status,
    )
    db.session.add(person)
    db.session.commit()
    return person


def make_beneficiary(
    *,
    person: Person | None = None,
    programme_code: str = "elderly_80",
    account: tuple[str, str, str] | None = None,
    holder_name: str | None = None,
    **person_fields,
) -> Beneficiary:
    """A beneficiary paid in cash, or into `account` = (kind, provider code, number)."""
    person = person or make_person(**person_fields)
    prog = programme(programme_code)
    beneficiary = Beneficiary(person_id=person.id, status="active", enrolled_on=date(2024, 1, 1))
    db.session.add(beneficiary)
    db.session.flush()
    db.session.add(
        Entitlement(
            beneficiary_id=beneficiary.id,
            programme=prog.code,
            coefficient_tenths=prog.coefficient_tenths,
            monthly_amount=prog.monthly_amount,
            starts_on=date(2024, 1, 1),
        )
    )
    kind, provider_code, number = account or ("cash", None, None)
    db.session.add(
        addresses.build_address(
            beneficiary_id=beneficiary.id,
            kind=kind,
            provider_code=provider_code,
            number=number,
            holder_name=holder_name or (person.full_name.upper() if account else None),
            status="active",
            active_from=date(2024, 1, 1),
        )
    )
    db.session.commit()
    return beneficiary


def make_staff(
    *,
    username: str = "officer.test",
    role: str = "officer",
    commune: Commune | None = None,
    province_code: str | None = None,
    password: str = "correct horse battery staple",
    totp_secret: str | None = "JBSWY3DPEHPK3PXPTESTTEST",
    display_name: str = "Cán bộ Thử",
) -> StaffUser:
    staff = StaffUser(
        username=username,
        display_name=display_name,
        role=role,
        province_code=province_code or (commune.province_code if commune else None),
        commune_id=commune.id if commune else None,
        password_hash=generate_password_hash(password),
        totp_secret_encrypted=encrypt(totp_secret) if totp_secret else None,
        totp_enrolled_at=datetime.now(UTC) if totp_secret else None,
    )
    db.session.add(staff)
    db.session.commit()
    return staff
