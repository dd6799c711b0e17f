"""Large synthetic payment files for benchmarks and load tests.

`synthesize(n, months, out)` makes sure `n` synthetic beneficiaries exist (people of a
reserved birth-registration block in Cần Thơ, created in bulk, idempotently) and writes a
partner CSV with one row per beneficiary and month, in the import's format. The same `n` gives
the same people and the same file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, select

from domain import audit
from domain.actors import Actor
from domain.demo import months_back
from domain.identifiers import make_id_number
from domain.models import Beneficiary, Commune, Entitlement, FinancialAddress, Person, Province
from domain.payment_import import COLUMNS
from domain.programmes import PROGRAMMES
from domain.security import account_index, encrypt
from extensions import db

PROVINCE = ("092", "Thành phố Cần Thơ")
COMMUNE = ("09201", "Phường Ninh Kiều")
FIRST_SERIAL = 500_000  # serials below this are left to real and demo people
PER_YEAR = 500_000
BATCH = 5_000
BANKS = ("970436", "970415", "970418", "970405", "970422", "970407", "970403")
PROGRAMME_CYCLE = ("elderly_80", "elderly_80", "elderly_poor", "disability_severe",
                   "disability_particularly_severe", "single_parent_poor")
ENROLLED_ON = date(2010, 1, 1)


@dataclass(frozen=True)
class SyntheticPerson:
    index: int

    @property
    def sex(self) -> str:
        return "female" if self.index % 2 else "male"

    @property
    def birth_year(self) -> int:
        return 1930 + (self.index // PER_YEAR) % 40

    @property
    def id_number(self) -> str:
        serial = FIRST_SERIAL + self.index % PER_YEAR
        return make_id_number(PROVINCE[0], self.birth_year, self.sex, serial)

    @property
    def phone(self) -> str:
        return f"090{self.index % 10_000_000:07d}"

    @property
    def programme(self) -> str:
        return PROGRAMME_CYCLE[self.index % len(PROGRAMME_CYCLE)]

    @property
    def account(self) -> tuple[str, str | None, str | None]:
        """(kind, provider code, number): banks for most, a wallet for some, cash for a fifth."""
        which = self.index % 5
        if which <= 2:
            return "bank", BANKS[self.index % len(BANKS)], f"10{self.index:011d}"
        if which == 3:
            return "ewallet", "momo", self.phone
        return "cash", None, None


def ensure_population(count: int, actor: Actor) -> int:
    """Create the first `count` synthetic beneficiaries that do not exist yet; returns how many
    were created. Bulk inserts, one transaction per batch."""
    commune_id = _ensure_commune()
    created = 0
    for start in range(0, count, BATCH):
        people = [SyntheticPerson(i) for i in range(start, min(start + BATCH, count))]
        by_id = {p.id_number: p for p in people}
        existing = set(db.session.scalars(select(Person.id_number)
                                          .where(Person.id_number.in_(by_id))))
        missing = [p for p in people if p.id_number not in existing]
        if not missing:
            continue
        db.session.execute(insert(Person.__table__), [
            {"id_number": p.id_number, "full_name": f"Người Thử {p.index}",
             "birth_date": date(p.birth_year, 1 + p.index % 12, 1 + p.index % 28),
             "sex": p.sex, "phone": p.phone, "commune_id": commune_id, "status": "alive"}
            for p in missing
        ])
        person_ids = dict(db.session.execute(
            select(Person.id_number, Person.id)
            .where(Person.id_number.in_([p.id_number for p in missing]))
        ).all())
        db.session.execute(insert(Beneficiary.__table__), [
            {"person_id": person_ids[p.id_number], "status": "active", "enrolled_on": ENROLLED_ON,
             "online_changes_locked": False}
            for p in missing
        ])
        beneficiary_ids = dict(db.session.execute(
            select(Beneficiary.person_id, Beneficiary.id)
            .where(Beneficiary.person_id.in_(person_ids.values()))
        ).all())
        entitlements, addresses = [], []
        now = datetime.now(UTC)
        for p in missing:
            beneficiary_id = beneficiary_ids[person_ids[p.id_number]]
            programme = PROGRAMMES[p.programme]
            entitlements.append({
                "beneficiary_id": beneficiary_id, "programme": programme.code,
                "coefficient_tenths": programme.coefficient_tenths,
                "monthly_amount": programme.monthly_amount, "starts_on": ENROLLED_ON,
            })
            kind, provider_code, number = p.account
            addresses.append({
                "beneficiary_id": beneficiary_id, "kind": kind, "provider_code": provider_code,
                "number_encrypted": encrypt(number) if number else None,
                "number_index": account_index(kind, provider_code, number) if number else None,
                "number_last4": number[-4:] if number else None,
                "holder_name": f"NGUOI THU {p.index}" if number else None,
                "status": "active", "active_from": ENROLLED_ON, "created_at": now,
            })
        db.session.execute(insert(Entitlement.__table__), entitlements)
        db.session.execute(insert(FinancialAddress.__table__), addresses)
        db.session.commit()
        created += len(missing)
    audit.record(actor, "payments.synthetic_population", subject_type="synthetic",
                 details={"beneficiaries": count, "created": created})
    db.session.commit()
    return created


def _ensure_commune() -> int:
    if db.session.get(Province, PROVINCE[0]) is None:
        db.session.add(Province(code=PROVINCE[0], name=PROVINCE[1]))
    commune = db.session.scalar(select(Commune).where(Commune.code == COMMUNE[0]))
    if commune is None:
        commune = Commune(code=COMMUNE[0], name=COMMUNE[1], province_code=PROVINCE[0])
        db.session.add(commune)
    db.session.commit()
    return commune.id


def rows(count: int, months: int, *, today: date | None = None) -> Iterator[list[str]]:
    """Payment rows in the import's column order: period by period, person by person."""
    periods = months_back(today or datetime.now(UTC).date(), months)
    people = [SyntheticPerson(i) for i in range(count)]
    facts = [(p.id_number, p.programme, PROGRAMMES[p.programme].monthly_amount, p.account)
             for p in people]
    for month_number, period in enumerate(periods):
        paid_at = f"{period}-10T09:00:00+07:00"
        for index, (id_number, programme, amount, (kind, code, number)) in enumerate(facts):
            roll = (index * 31 + month_number * 17) % 100
            status, reason, when = ("paid_cash" if kind == "cash" else "paid"), "", paid_at
            if kind != "cash" and roll < 2:
                status, reason, when = "failed", "Account closed or blocked", ""
            elif kind != "cash" and roll < 3:
                status, reason = "returned", "Returned by the receiving bank"
            yield [f"SYN-{period}-{index:08d}", id_number, period, programme, str(amount),
                   status, when, code or "", number or "", "", reason]


def write_file(path: Path, count: int, months: int, *, today: date | None = None) -> int:
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows(count, months, today=today):
            writer.writerow(row)
            written += 1
    return written
