"""Payment results posted by a partner (POST /api/v1/payments/status), idempotent by reference.

A result names a payment by its partner reference: one imported earlier, or one from a payment
run (`RUN-<period>-<beneficiary>-<programme>`, see `domain.resolve.roster`), which is created on
its first result with the amount and the address the run used. Posting the same results twice
changes nothing the second time ("unchanged").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from domain import audit, cycles
from domain.actors import Actor
from domain.identifiers import mask_account
from domain.models import Beneficiary, Entitlement, FinancialAddress, Payment
from domain.payment_rows import (
    CASH,
    CONTENT_FIELDS,
    RowError,
    Snapshot,
    check_outcome,
    check_reference,
    check_status,
    check_transition,
    parse_paid_at,
)
from domain.resolve import in_force_address_id, parse_roster_reference
from extensions import db

MAX_RESULT_ITEMS = 10_000
CREATED = "succ.payment.created"
UPDATED = "succ.payment.updated"
UNCHANGED = "succ.payment.unchanged"
NOT_FOUND = "rjct.reference.not_found"

_PAYMENTS = Payment.__table__


@dataclass(frozen=True)
class ResultItem:
    partner_reference: str
    status: str
    paid_at: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True)
class Outcome:
    partner_reference: str
    status: str  # succ | rjct
    status_reason_code: str

    def as_json(self) -> dict:
        return {
            "partner_reference": self.partner_reference,
            "status": self.status,
            "status_reason_code": self.status_reason_code,
        }


@dataclass(frozen=True)
class Posted:
    outcomes: list[Outcome]
    counts: dict[str, int]


def post_results(items: Sequence[ResultItem], actor: Actor) -> Posted:
    """Apply a batch of results in one transaction; a lost race for a new reference retries."""
    if len(items) > MAX_RESULT_ITEMS:
        raise ValueError(f"at most {MAX_RESULT_ITEMS} items per call")
    for attempt in (1, 2):
        try:
            return _post(items, actor)
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _post(items: Sequence[ResultItem], actor: Actor) -> Posted:
    parsed: list[tuple[ResultItem, dict | RowError]] = []
    for item in items:
        try:
            reference = check_reference(item.partner_reference)
            status = check_status(item.status)
            paid_at, reason = check_outcome(status, parse_paid_at(item.paid_at),
                                            item.failure_reason)
            parsed.append((item, {"reference": reference, "status": status, "paid_at": paid_at,
                                  "failure_reason": reason}))
        except RowError as error:
            parsed.append((item, error))
    references = {p["reference"] for _, p in parsed if isinstance(p, dict)}
    current = _existing(references)
    current.update(_from_runs(references - set(current)))

    now = datetime.now(UTC)
    inserts: dict[str, dict] = {}
    updates: dict[str, dict] = {}
    outcomes = []
    for item, result in parsed:
        if isinstance(result, RowError):
            outcomes.append(Outcome(item.partner_reference, "rjct", "rjct." + result.code))
            continue
        outcomes.append(_apply(result, current, inserts, updates, now))
    if inserts:
        db.session.execute(insert(_PAYMENTS), list(inserts.values()))
    if updates:
        db.session.execute(
            update(_PAYMENTS).where(_PAYMENTS.c.id == bindparam("payment_id")),
            list(updates.values()),
        )
    reasons = Counter(outcome.status_reason_code for outcome in outcomes)
    counts = {
        "received": len(items),
        "created": reasons[CREATED],
        "updated": reasons[UPDATED],
        "unchanged": reasons[UNCHANGED],
        "rejected": sum(n for code, n in reasons.items() if code.startswith("rjct.")),
    }
    audit.record(
        actor,
        "api.payments_status",
        subject_type="partner",
        subject_id=actor.id,
        details={"operation": "payments/status", **counts},
    )
    db.session.commit()
    return Posted(outcomes, counts)


def _apply(result: dict, current: dict, inserts: dict, updates: dict, now: datetime) -> Outcome:
    """One result against the latest known state of its payment (stored, or from a run)."""
    reference = result["reference"]
    before = current.get(reference)
    if before is None:
        return Outcome(reference, "rjct", NOT_FOUND)
    after = {**before, "status": result["status"], "paid_at": result["paid_at"],
             "failure_reason": result["failure_reason"]}
    is_new = before["payment_id"] is None and reference not in inserts
    try:
        _fits_address(after["fa_kind"], after["status"])
        if not is_new:
            check_transition(before["status"], after["status"])
    except RowError as error:
        return Outcome(reference, "rjct", "rjct." + error.code)
    if not is_new and _content(before) == _content(after):
        return Outcome(reference, "succ", UNCHANGED)
    current[reference] = after
    if is_new:
        inserts[reference] = {**_row(after), "partner_reference": reference, "created_at": now,
                              "updated_at": now}
        return Outcome(reference, "succ", CREATED)
    if reference in inserts:
        inserts[reference].update(_row(after))
    else:
        updates[reference] = {**_row(after), "payment_id": before["payment_id"],
                              "updated_at": now}
    return Outcome(reference, "succ", UPDATED)


def _fits_address(fa_kind: str | None, status: str) -> None:
    cash = fa_kind in (None, "cash")
    if status == "paid" and cash:
        raise RowError("status.mismatch", "this payment is collected in cash: use paid_cash")
    if status == "paid_cash" and not cash:
        raise RowError("status.mismatch", "this payment goes to an account: use paid")


def _content(values: dict) -> tuple:
    return tuple(values[name] for name in CONTENT_FIELDS)


def _row(values: dict) -> dict:
    return {name: values[name] for name in CONTENT_FIELDS}


def _existing(references: set[str]) -> dict[str, dict]:
    if not references:
        return {}
    columns = [getattr(Payment, name) for name in CONTENT_FIELDS]
    rows = db.session.execute(
        select(Payment.partner_reference, Payment.id, *columns)
        .where(Payment.partner_reference.in_(references))
    )
    return {
        reference: {"payment_id": payment_id, **dict(zip(CONTENT_FIELDS, values, strict=True))}
        for reference, payment_id, *values in rows
    }


def _from_runs(references: set[str]) -> dict[str, dict]:
    """Payments of payment runs not stored yet: amount and address as the run had them."""
    wanted: dict[str, dict[tuple[int, str], str]] = {}
    for reference in references:
        parsed = parse_roster_reference(reference)
        if parsed is not None:
            period, beneficiary_id, programme = parsed
            wanted.setdefault(period, {})[(beneficiary_id, programme)] = reference
    found: dict[str, dict] = {}
    for period, keys in wanted.items():  # one query per period; a batch usually has one
        cutoff = cycles.cutoff_date(period)
        rows = db.session.execute(
            select(
                Beneficiary.id,
                Entitlement.programme,
                Entitlement.monthly_amount,
                FinancialAddress.kind,
                FinancialAddress.provider_code,
                FinancialAddress.number_last4,
                FinancialAddress.number_index,
            )
            .join(Entitlement, Entitlement.beneficiary_id == Beneficiary.id)
            .outerjoin(FinancialAddress, FinancialAddress.id == in_force_address_id(cutoff))
            .where(
                Beneficiary.id.in_({beneficiary_id for beneficiary_id, _ in keys}),
                Entitlement.starts_on <= cutoff,
                or_(Entitlement.ends_on.is_(None), Entitlement.ends_on >= cutoff),
            )
        )
        for beneficiary_id, programme, amount, kind, provider_code, last4, index in rows:
            reference = keys.get((beneficiary_id, programme))
            if reference is None:
                continue
            if kind in (None, "cash") or provider_code is None:
                where = CASH
            else:
                masked = mask_account("0000" + last4) if last4 else None
                where = Snapshot(kind, provider_code, masked, index)
            found[reference] = {
                "payment_id": None,
                "beneficiary_id": beneficiary_id,
                "period": period,
                "programme": programme,
                "amount": amount,
                "status": "scheduled",
                "fa_kind": where.fa_kind,
                "fa_provider_code": where.fa_provider_code,
                "fa_masked": where.fa_masked,
                "fa_index": where.fa_index,
                "paid_at": None,
                "failure_reason": None,
            }
    return found
