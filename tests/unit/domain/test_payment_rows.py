"""The rules a payment record follows, shared by the import and the partner API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.payment_rows import (
    CASH,
    RowError,
    check_amount,
    check_outcome,
    check_period,
    check_reference,
    check_transition,
    parse_paid_at,
    snapshot,
)


@pytest.mark.parametrize("text", ["VCB-2026-03-000001", "a", "A.b_c:d/e-f", "x" * 64])
def test_references_that_are_accepted(text):
    assert check_reference(text) == text


@pytest.mark.parametrize("text", ["", "x" * 65, "has space", "ü", "a\nb", "a,b"])
def test_references_that_are_refused(text):
    with pytest.raises(RowError) as caught:
        check_reference(text)
    assert caught.value.code == "reference.invalid"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-03", "1999-12", "2100-01",
                                  "２０２６-03", "2026-3"])
def test_periods_that_are_refused(text):
    with pytest.raises(RowError):
        check_period(text)


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "500.000", "5e5", "", "١٢٣", "1000000001"])
def test_amounts_that_are_refused(text):
    with pytest.raises(RowError):
        check_amount(text)


def test_paid_at_without_a_zone_is_viet_nam_time():
    assert parse_paid_at("2026-03-10T09:00:00") == datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert parse_paid_at("2026-03-10T09:00:00Z") == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert parse_paid_at("") is None
    for bad in ("10/03/2026", "2026-02-30T00:00:00", "0001-01-01T00:00:00+05:00"):
        with pytest.raises(RowError):
            parse_paid_at(bad)


@pytest.mark.parametrize(("status", "paid_at", "reason", "code"), [
    ("paid", None, None, "paid_at.missing"),
    ("paid_cash", None, None, "paid_at.missing"),
    ("failed", datetime(2026, 3, 10, tzinfo=UTC), None, "paid_at.unexpected"),
    ("paid", datetime(2026, 3, 10, tzinfo=UTC), "why", "failure_reason.unexpected"),
    ("failed", None, "line\nbreak", "failure_reason.invalid"),
    ("failed", None, "x" * 501, "failure_reason.invalid"),
])
def test_outcomes_that_do_not_fit_their_status(status, paid_at, reason, code):
    with pytest.raises(RowError) as caught:
        check_outcome(status, paid_at, reason)
    assert caught.value.code == code


def test_snapshots(app):
    assert snapshot("paid_cash", "", "", "") == CASH
    bank = snapshot("paid", "970436", "0011 0012 34567", "")
    assert (bank.fa_kind, bank.fa_masked) == ("bank", "•••• 4567") and bank.fa_index
    wallet = snapshot("paid", "momo", "+84 912 345 678", "")
    assert (wallet.fa_kind, wallet.fa_masked) == ("ewallet", "•••• 5678")
    masked = snapshot("returned", "970436", "", "xxxxxx4567")
    assert (masked.fa_masked, masked.fa_index) == ("•••• 4567", None)
    for args in (("paid", "", "", ""), ("paid", "", "123", ""), ("paid_cash", "970436", "", ""),
                 ("paid", "970436", "", ""), ("paid", "970436", "", "4567x"),
                 ("paid", "nope", "1", "")):
        with pytest.raises(RowError):
            snapshot(*args)


def test_nothing_goes_back_to_scheduled():
    check_transition("scheduled", "paid")
    check_transition("paid", "returned")
    check_transition("failed", "paid")
    with pytest.raises(RowError):
        check_transition("paid", "scheduled")
