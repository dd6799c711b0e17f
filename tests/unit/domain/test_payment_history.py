"""A beneficiary's payment history: keyset pages, yearly totals, filters, ownership."""

from __future__ import annotations

import pytest

from domain import payments
from domain.payments import Cursor, Filters
from extensions import db
from tests.factories import make_beneficiary
from tests.payment_factories import make_payment


def _months(first_year: int, count: int) -> list[str]:
    return [f"{first_year + i // 12:04d}-{i % 12 + 1:02d}" for i in range(count)]


def _walk(beneficiary_id: int, filters: Filters | None = None, page_size: int = 24):
    """Every page, following the cursor: a list of pages of (period, id)."""
    filters = filters or Filters()
    pages, cursor = [], None
    while True:
        page = payments.history_page(beneficiary_id, filters, cursor, page_size=page_size)
        pages.append([(p.period, p.id) for group in page.groups for p in group.payments])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize(("count", "pages"), [(0, [0]), (1, [1]), (23, [23]), (24, [24]),
                                               (25, [24, 1]), (48, [24, 24]), (49, [24, 24, 1])])
def test_pages_break_exactly_at_the_page_size(app, count, pages):
    beneficiary = make_beneficiary()
    for period in _months(2020, count):
        make_payment(beneficiary=beneficiary, period=period, commit=False)
    db.session.commit()
    walked = _walk(beneficiary.id)
    assert [len(page) for page in walked] == pages
    flat = [row for page in walked for row in page]
    assert len(flat) == len(set(flat)) == count  # no gaps, no repeats
    assert flat == sorted(flat, reverse=True)  # newest first, across page boundaries


def test_fifteen_years_page_newest_first_and_the_same_month_twice_is_kept_apart(app):
    beneficiary = make_beneficiary()
    for period in _months(2011, 180):
        make_payment(beneficiary=beneficiary, period=period, commit=False)
    # A failed payment and its retry in the same month: ties on period are broken by id.
    make_payment(beneficiary=beneficiary, period="2016-06", status="failed", commit=False)
    make_payment(beneficiary=beneficiary, period="2016-06", commit=False)
    db.session.commit()
    flat = [row for page in _walk(beneficiary.id, page_size=7) for row in page]
    assert len(flat) == 182 == len(set(flat))
    assert flat[0][0] == "2025-12" and flat[-1][0] == "2011-01"
    assert [row for row in flat if row[0] == "2016-06"] == sorted(
        [row for row in flat if row[0] == "2016-06"], reverse=True
    )


def test_a_cursor_in_the_middle_of_a_month_continues_after_that_row(app):
    beneficiary = make_beneficiary()
    a = make_payment(beneficiary=beneficiary, period="2025-05")
    b = make_payment(beneficiary=beneficiary, period="2025-05")
    c = make_payment(beneficiary=beneficiary, period="2025-04")
    page = payments.history_page(beneficiary.id, after=Cursor("2025-05", b.id))
    assert [p.id for g in page.groups for p in g.payments] == [a.id, c.id]


def test_groups_by_year_with_what_was_received_in_each_year(app):
    beneficiary = make_beneficiary(programme_code="elderly_80")  # 500.000 ₫
    for period in ("2024-11", "2024-12", "2025-01", "2025-02", "2025-03"):
        make_payment(beneficiary=beneficiary, period=period)
    make_payment(beneficiary=beneficiary, period="2025-04", status="failed",
                 failure_reason="Account closed")
    make_payment(beneficiary=beneficiary, period="2025-05", status="scheduled")
    page = payments.history_page(beneficiary.id)
    assert [g.year for g in page.groups] == [2025, 2024]
    assert page.groups[0].total == payments.YearTotal(2025, 1_500_000, 3, 1)
    assert page.groups[1].total == payments.YearTotal(2024, 1_000_000, 2, 0)


def test_a_year_split_over_two_pages_shows_the_whole_year_total_on_both(app):
    beneficiary = make_beneficiary()
    for period in _months(2025, 12):
        make_payment(beneficiary=beneficiary, period=period, commit=False)
    db.session.commit()
    first = payments.history_page(beneficiary.id, page_size=5)
    second = payments.history_page(beneficiary.id, after=first.next_cursor, page_size=5)
    assert first.groups[0].total.received_count == 12
    assert second.groups[0].total.received_count == 12


def test_filters_by_year_programme_and_status(app):
    beneficiary = make_beneficiary(programme_code="elderly_80")
    make_payment(beneficiary=beneficiary, period="2024-12")
    make_payment(beneficiary=beneficiary, period="2025-01")
    make_payment(beneficiary=beneficiary, period="2025-02", status="returned")
    make_payment(beneficiary=beneficiary, period="2025-02", programme="disability_severe",
                 amount=750_000)

    def periods(filters):
        page = payments.history_page(beneficiary.id, filters)
        return [(p.period, p.status, p.programme) for g in page.groups for p in g.payments]

    assert [row[0] for row in periods(Filters(year=2025))] == ["2025-02", "2025-02", "2025-01"]
    assert periods(Filters(status="returned")) == [("2025-02", "returned", "elderly_80")]
    assert periods(Filters(programme="disability_severe")) == [
        ("2025-02", "paid", "disability_severe")
    ]
    assert periods(Filters(year=2023)) == []
    # The programme filter narrows the totals; the status filter does not.
    totals = payments.history_page(beneficiary.id, Filters(year=2025, status="returned"))
    assert totals.groups[0].total.received == 500_000 + 750_000
    totals = payments.history_page(beneficiary.id, Filters(programme="disability_severe"))
    assert totals.groups[0].total.received == 750_000
    assert payments.years_with_payments(beneficiary.id) == [2025, 2024]
    assert payments.programmes_with_payments(beneficiary.id) == ["disability_severe",
                                                                 "elderly_80"]


def test_only_the_owner_finds_a_payment(app):
    owner, other = make_beneficiary(), make_beneficiary()
    payment = make_payment(beneficiary=owner)
    assert payments.find_payment(owner.id, payment.id) is payment
    assert payments.find_payment(other.id, payment.id) is None
    assert payments.history_page(other.id).is_empty


def test_where_the_money_went_is_said_in_words(app):
    bank = make_beneficiary(account=("bank", "970436", "0011001234567"))
    cash = make_beneficiary()
    wallet = make_beneficiary(account=("ewallet", "momo", "0912345678"))
    assert payments.paid_into(make_payment(beneficiary=bank)) == (
        "%(provider)s account %(number)s", {"provider": "Vietcombank", "number": "•••• 4567"}
    )
    assert payments.paid_into(make_payment(beneficiary=cash, status="paid_cash")) == (
        "Cash at the commune office", {}
    )
    assert payments.paid_into(make_payment(beneficiary=wallet))[1]["provider"] == "MoMo"
