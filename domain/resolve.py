"""Where a partner pays: ID number → active financial address (G2P-Connect "mapper/resolve"),
and the roster of a payment run.

Both use the rule of `domain.addresses.effective_address` — the address in force on a date —
but as one correlated subquery, so a batch of 10,000 IDs or a roster of millions is one query,
not one per person.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from domain import audit, cycles
from domain.actors import Actor
from domain.addresses import IN_FORCE_STATUSES
from domain.errors import ValidationError
from domain.identifiers import format_fa, normalize_id_number
from domain.models import Beneficiary, Commune, Entitlement, FinancialAddress, Person
from domain.payments import PERIOD_PATTERN
from domain.providers import find_provider
from domain.security import decrypt
from extensions import db

log = logging.getLogger("ansinh.resolve")

MAX_RESOLVE_ITEMS = 10_000
ROSTER_BATCH = 2_000
INACTIVE_BENEFICIARY = ("suspended", "ended")

SUCC = "succ"
RJCT = "rjct"
FA_ACTIVE = "succ.fa.active"
FA_NOT_FOUND = "succ.fa.not_found"
ID_NOT_FOUND = "succ.id.not_found"
ID_INACTIVE = "succ.id.inactive"
ID_INVALID = "rjct.id.invalid"
REASON_CODES = (FA_ACTIVE, FA_NOT_FOUND, ID_NOT_FOUND, ID_INACTIVE, ID_INVALID)

_ROSTER_REFERENCE = re.compile(rf"RUN-({PERIOD_PATTERN})-([1-9][0-9]{{0,9}})-([a-z0-9_]{{1,40}})")


def in_force_address_id(on: date):
    """The id of the beneficiary's address in force on `on` (`effective_address`), correlated
    with the enclosing query's Beneficiary row."""
    return (
        select(FinancialAddress.id)
        .where(
            FinancialAddress.beneficiary_id == Beneficiary.id,
            FinancialAddress.status.in_(IN_FORCE_STATUSES),
            FinancialAddress.active_from <= on,
            or_(FinancialAddress.active_until.is_(None), FinancialAddress.active_until > on),
        )
        .order_by(FinancialAddress.active_from.desc(), FinancialAddress.id.desc())
        .limit(1)
        .correlate(Beneficiary)
        .scalar_subquery()
    )


def address_string(kind: str, provider_code: str, number_encrypted: bytes) -> str:
    """`account:…@BIN` or `mobile:…@provider` from a stored (encrypted) number."""
    number = decrypt(number_encrypted)
    try:
        return format_fa(kind, provider_code, number)
    except (ValueError, ValidationError):
        # Stored numbers were checked on entry; should a rule change since, still say where.
        log.warning("stored address no longer passes format_fa (provider %s)", provider_code)
        scheme = "account" if kind == "bank" else "mobile"
        return f"{scheme}:{number}@{provider_code}"


def provider_info(provider_code: str) -> dict[str, str]:
    found = find_provider(provider_code)
    return {"name": found.short_name if found else provider_code, "code": provider_code}


# --- mapper/resolve ---


@dataclass(frozen=True)
class ResolveItem:
    reference_id: str
    id: str


@dataclass(frozen=True)
class Resolution:
    reference_id: str
    status: str
    status_reason_code: str
    fa: str | None = None
    account_provider_info: dict[str, str] | None = None

    def as_json(self) -> dict:
        body = {
            "reference_id": self.reference_id,
            "status": self.status,
            "status_reason_code": self.status_reason_code,
        }
        if self.fa is not None:
            body["fa"] = self.fa
            body["account_provider_info"] = self.account_provider_info
        return body


def resolve(
    items: Sequence[ResolveItem], actor: Actor, *, on: date | None = None
) -> list[Resolution]:
    """Each ID's active financial address today, in the order asked; audited as one call."""
    if len(items) > MAX_RESOLVE_ITEMS:
        raise ValueError(f"at most {MAX_RESOLVE_ITEMS} items per call")
    on = on or cycles.today()
    normalised: list[str | None] = []
    for item in items:
        try:
            normalised.append(normalize_id_number(item.id))
        except ValidationError:
            normalised.append(None)
    found = _look_up({number for number in normalised if number}, on)
    results = []
    for item, number in zip(items, normalised, strict=True):
        if number is None:
            results.append(Resolution(item.reference_id, RJCT, ID_INVALID))
            continue
        results.append(_resolution(item.reference_id, found.get(number)))
    counts = Counter(result.status_reason_code for result in results)
    audit.record(
        actor,
        "api.mapper_resolve",
        subject_type="partner",
        subject_id=actor.id,
        details={"operation": "mapper/resolve", "items": len(items), "counts": dict(counts)},
    )
    db.session.commit()
    return results


def _look_up(id_numbers: set[str], on: date) -> dict[str, tuple]:
    if not id_numbers:
        return {}
    rows = db.session.execute(
        select(
            Person.id_number,
            Person.status,
            Beneficiary.id,
            Beneficiary.status,
            FinancialAddress.kind,
            FinancialAddress.provider_code,
            FinancialAddress.number_encrypted,
        )
        .outerjoin(Beneficiary, Beneficiary.person_id == Person.id)
        .outerjoin(FinancialAddress, FinancialAddress.id == in_force_address_id(on))
        .where(Person.id_number.in_(id_numbers))
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _resolution(reference_id: str, row: tuple | None) -> Resolution:
    if row is None or row[1] is None:  # not in the registry, or not a beneficiary
        return Resolution(reference_id, SUCC, ID_NOT_FOUND)
    person_status, _beneficiary_id, beneficiary_status, kind, provider_code, encrypted = row
    if person_status != "alive" or beneficiary_status in INACTIVE_BENEFICIARY:
        return Resolution(reference_id, SUCC, ID_INACTIVE)
    if kind in (None, "cash") or provider_code is None or encrypted is None:
        return Resolution(reference_id, SUCC, FA_NOT_FOUND)
    return Resolution(
        reference_id,
        SUCC,
        FA_ACTIVE,
        fa=address_string(kind, provider_code, encrypted),
        account_provider_info=provider_info(provider_code),
    )


# --- the roster of a payment run ---


def roster_reference(period: str, beneficiary_id: int, programme: str) -> str:
    """The payment's reference in a run: partners post its result under this reference."""
    return f"RUN-{period}-{beneficiary_id}-{programme}"


def parse_roster_reference(reference: str) -> tuple[str, int, str] | None:
    match = _ROSTER_REFERENCE.fullmatch(reference)
    if match is None:
        return None
    period, _month, beneficiary_id, programme = match.groups()
    return period, int(beneficiary_id), programme


def _roster_conditions(cutoff: date) -> list:
    return [
        Beneficiary.status == "active",
        Beneficiary.enrolled_on <= cutoff,
        or_(Person.status == "alive", Person.deceased_on > cutoff),
        Entitlement.starts_on <= cutoff,
        or_(Entitlement.ends_on.is_(None), Entitlement.ends_on >= cutoff),
    ]


def roster_count(period: str) -> int:
    cutoff = cycles.cutoff_date(period)
    return db.session.scalar(
        select(func.count())
        .select_from(Beneficiary)
        .join(Person, Person.id == Beneficiary.person_id)
        .join(Entitlement, Entitlement.beneficiary_id == Beneficiary.id)
        .where(*_roster_conditions(cutoff))
    )


def record_roster_request(actor: Actor, period: str) -> int:
    """Audit the request with the number of lines it will get; returns that number."""
    count = roster_count(period)
    audit.record(
        actor,
        "api.payment_run",
        subject_type="partner",
        subject_id=actor.id,
        details={"operation": "payment-run", "period": period, "lines": count},
    )
    db.session.commit()
    return count


def roster(period: str) -> Iterator[dict]:
    """Every payment of the run for `period`: one dict per beneficiary and programme, with
    the address in force on the period's cut-off date. Rows stream from a server-side cursor
    in batches; nothing holds the whole run."""
    cutoff = cycles.cutoff_date(period)
    statement = (
        select(
            Beneficiary.id,
            Person.id_number,
            Person.full_name,
            Commune.code,
            Entitlement.programme,
            Entitlement.monthly_amount,
            FinancialAddress.kind,
            FinancialAddress.provider_code,
            FinancialAddress.number_encrypted,
        )
        .join(Person, Person.id == Beneficiary.person_id)
        .join(Commune, Commune.id == Person.commune_id)
        .join(Entitlement, Entitlement.beneficiary_id == Beneficiary.id)
        .outerjoin(FinancialAddress, FinancialAddress.id == in_force_address_id(cutoff))
        .where(*_roster_conditions(cutoff))
        .order_by(Beneficiary.id, Entitlement.id)
        .execution_options(yield_per=ROSTER_BATCH)
    )
    for row in db.session.execute(statement):
        (beneficiary_id, id_number, name, commune_code, programme, amount, kind, provider_code,
         encrypted) = row
        paid_to_account = kind not in (None, "cash") and provider_code and encrypted
        yield {
            "payment_reference": roster_reference(period, beneficiary_id, programme),
            "id": id_number,
            "name": name,
            "commune_code": commune_code,
            "programme": programme,
            "amount": amount,
            "currency": "VND",
            "fa_kind": kind if paid_to_account else "cash",
            "fa": address_string(kind, provider_code, encrypted) if paid_to_account else None,
            "account_provider_info": provider_info(provider_code) if paid_to_account else None,
        }


def roster_json_lines(period: str) -> Iterator[str]:
    for line in roster(period):
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
