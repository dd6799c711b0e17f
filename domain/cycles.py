"""Payment cycles: each month's run is prepared at its cut-off day (default the 20th).

A change approved before a month's cut-off day takes effect from that cut-off; approved on or
after it, from the next month's cut-off. The roster of period YYYY-MM uses the addresses in
force on that period's cut-off date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """Today's date in Viet Nam, where cut-offs and payment days are counted."""
    return datetime.now(UTC).astimezone(VIETNAM).date()


def cutoff_day() -> int:
    return int(current_app.config["PAYMENT_CUTOFF_DAY"])


def cutoff_date(period: str) -> date:
    """The cut-off date of a period `YYYY-MM`."""
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, cutoff_day())


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_cutoff(on: date | None = None) -> date:
    """The first cut-off strictly after `on`: the date a change approved on `on` takes effect."""
    on = on or today()
    day = cutoff_day()
    if on.day < day:
        return date(on.year, on.month, day)
    year, month = (on.year + 1, 1) if on.month == 12 else (on.year, on.month + 1)
    return date(year, month, day)


def first_period_paid_from(effective_from: date) -> str:
    """The first payment period whose run uses an address effective from this date."""
    return period_of(effective_from)
