"""Jinja filters: money as `1.500.000 ₫`, dates `dd/mm/yyyy`, in both languages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from domain.identifiers import mask_account, mask_id_number, mask_phone


def format_money(amount: int | None) -> str:
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(int(amount)):,}".replace(",", ".") + " ₫"


def local_time(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return local_time(value).strftime("%H:%M %d/%m/%Y")


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return local_time(value).strftime("%H:%M:%S")


def format_period(period: str | None) -> str:
    """`2026-03` → `03/2026`."""
    if not period or len(period) != 7:
        return period or ""
    return f"{period[5:]}/{period[:4]}"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=format_money,
        date=format_date,
        datetime=format_datetime,
        time=format_time,
        period=format_period,
        mask_id=mask_id_number,
        mask_phone=mask_phone,
        mask_account=mask_account,
    )
