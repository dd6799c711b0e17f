"""A beneficiary's payment history: keyset pages, yearly totals, filters, one payment.

Pages are keyed on (period, id), newest first, so the thousandth payment is found through the
index `ix_payment_beneficiary_period_id` as fast as the first; there is no OFFSET.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_

from domain.errors import N_
from domain.models import Payment
from domain.providers import find_provider
from extensions import db

STATUSES = ("scheduled", "paid", "failed", "returned", "paid_cash")
RECEIVED_STATUSES = ("paid", "paid_cash")
PROBLEM_STATUSES = ("failed", "returned")

STATUS_LABELS = {
    "scheduled": N_("Scheduled"),
    "paid": N_("Paid"),
    "failed": N_("Not paid"),
    "returned": N_("Returned"),
    "paid_cash": N_("Paid in cash"),
}
STATUS_TAGS = {
    "scheduled": "blue",
    "paid": "green",
    "failed": "red",
    "returned": "red",
    "paid_cash": "green",
}

PAGE_SIZE = 24
FIRST_YEAR = 2000
LAST_YEAR = 2099
# A payment month, 2000-01 to 2099-12.
PERIOD_PATTERN = r"20[0-9]{2}-(0[1-9]|1[0-2])"
_PERIOD = re.compile(PERIOD_PATTERN)


def is_period(text: str) -> bool:
    return bool(_PERIOD.fullmatch(text))


@dataclass(frozen=True)
class Cursor:
    """The last row of a page: the next page starts strictly after it."""

    period: str
    id: int


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    programme: str | None = None
    status: str | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.year, self.programme, self.status))


@dataclass(frozen=True)
class YearTotal:
    year: int
    received: int  # đồng actually paid out (into an account or in cash)
    received_count: int
    not_received_count: int  # failed or returned


@dataclass(frozen=True)
class YearGroup:
    year: int
    payments: list[Payment]
    total: YearTotal


@dataclass(frozen=True)
class HistoryPage:
    groups: list[YearGroup]
    next_cursor: Cursor | None

    @property
    def is_empty(self) -> bool:
        return not self.groups


def _filtered(beneficiary_id: int, filters: Filters, *, with_status: bool = True):
    conditions = [Payment.beneficiary_id == beneficiary_id]
    if filters.year is not None:
        # A range on the indexed column, not a function of it.
        conditions += [Payment.period >= f"{filters.year:04d}-01",
                       Payment.period <= f"{filters.year:04d}-12"]
    if filters.programme is not None:
        conditions.append(Payment.programme == filters.programme)
    if with_status and filters.status is not None:
        conditions.append(Payment.status == filters.status)
    return conditions


def history_page(
    beneficiary_id: int,
    filters: Filters = Filters(),
    after: Cursor | None = None,
    *,
    page_size: int = PAGE_SIZE,
) -> HistoryPage:
    """One page of payments, newest first, grouped by year with each year's totals."""
    conditions = _filtered(beneficiary_id, filters)
    if after is not None:
        conditions.append(tuple_(Payment.period, Payment.id) < tuple_(after.period, after.id))
    rows = list(
        db.session.scalars(
            select(Payment)
            .where(*conditions)
            .order_by(Payment.period.desc(), Payment.id.desc())
            .limit(page_size + 1)
        )
    )
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = Cursor(rows[-1].period, rows[-1].id) if more else None
    years: dict[int, list[Payment]] = {}
    for payment in rows:
        years.setdefault(int(payment.period[:4]), []).append(payment)
    totals = year_totals(beneficiary_id, list(years), programme=filters.programme)
    groups = [YearGroup(year, payments, totals[year]) for year, payments in years.items()]
    return HistoryPage(groups, next_cursor)


def year_totals(
    beneficiary_id: int, years: list[int], *, programme: str | None = None
) -> dict[int, YearTotal]:
    """What was received in each year (whatever the status filter shows), per programme filter."""
    totals = {year: YearTotal(year, 0, 0, 0) for year in years}
    if not years:
        return totals
    year = func.substr(Payment.period, 1, 4)
    received = Payment.status.in_(RECEIVED_STATUSES)
    conditions = _filtered(beneficiary_id, Filters(programme=programme))
    conditions += [
        Payment.period >= f"{min(years):04d}-01",
        Payment.period <= f"{max(years):04d}-12",
    ]
    rows = db.session.execute(
        select(
            year,
            func.coalesce(func.sum(Payment.amount).filter(received), 0),
            func.count().filter(received),
            func.count().filter(Payment.status.in_(PROBLEM_STATUSES)),
        )
        .where(*conditions)
        .group_by(year)
    )
    for year_text, amount, count, problems in rows:
        if int(year_text) in totals:
            totals[int(year_text)] = YearTotal(int(year_text), int(amount), count, problems)
    return totals


def years_with_payments(beneficiary_id: int) -> list[int]:
    """Years that have at least one payment, newest first (for the year filter)."""
    year = func.substr(Payment.period, 1, 4)
    rows = db.session.scalars(
        select(year).where(Payment.beneficiary_id == beneficiary_id).group_by(year)
    )
    return sorted((int(y) for y in rows), reverse=True)


def programmes_with_payments(beneficiary_id: int) -> list[str]:
    return sorted(
        db.session.scalars(
            select(Payment.programme)
            .where(Payment.beneficiary_id == beneficiary_id)
            .group_by(Payment.programme)
        )
    )


def find_payment(beneficiary_id: int, payment_id: int) -> Payment | None:
    """The payment if it belongs to this beneficiary; None otherwise (the caller shows 404)."""
    return db.session.scalar(
        select(Payment).where(Payment.id == payment_id, Payment.beneficiary_id == beneficiary_id)
    )


def payments_in_year(beneficiary_id: int, year: int) -> Iterator[Payment]:
    """A year's payments in calendar order, for the yearly statement."""
    return iter(
        db.session.scalars(
            select(Payment)
            .where(*_filtered(beneficiary_id, Filters(year=year)))
            .order_by(Payment.period, Payment.id)
        )
    )


# --- How a payment is described to the person ---


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def status_tag(status: str) -> str:
    return STATUS_TAGS.get(status, "")


def paid_into(payment: Payment) -> tuple[str, dict[str, str]]:
    """(msgid, params) saying where the money went, e.g. "Vietcombank account •••• 4567"."""
    if payment.fa_kind in (None, "cash"):
        return N_("Cash at the commune office"), {}
    found = find_provider(payment.fa_provider_code or "")
    provider = found.short_name if found else (payment.fa_provider_code or "")
    masked = payment.fa_masked or ""
    if payment.fa_kind == "bank":
        return N_("%(provider)s account %(number)s"), {"provider": provider, "number": masked}
    if payment.fa_kind == "ewallet":
        return N_("%(provider)s e-wallet %(number)s"), {"provider": provider, "number": masked}
    return N_("%(provider)s mobile money %(number)s"), {"provider": provider, "number": masked}


def paid_on(payment: Payment) -> datetime | None:
    return payment.paid_at if payment.status in (*RECEIVED_STATUSES, "returned") else None
