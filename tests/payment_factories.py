"""Factories for payments and partner API keys (plain keyword-only functions)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from domain import addresses
from domain.actors import Actor
from domain.models import Beneficiary, Payment
from domain.partners import CreatedKey, create_key
from extensions import db

_references = itertools.count(1)


def make_payment(
    *,
    beneficiary: Beneficiary,
    period: str = "2026-03",
    status: str = "paid",
    programme: str | None = None,
    amount: int | None = None,
    failure_reason: str | None = None,
    partner_reference: str | None = None,
    paid_at: datetime | None = None,
    commit: bool = True,
) -> Payment:
    """A payment to the beneficiary's active address, as a partner would have reported it."""
    entitlement = beneficiary.entitlements[0]
    address = addresses.active_address(beneficiary.id)
    received = status in ("paid", "paid_cash", "returned")
    payment = Payment(
        beneficiary_id=beneficiary.id,
        period=period,
        programme=programme or entitlement.programme,
        amount=amount if amount is not None else entitlement.monthly_amount,
        status=status,
        fa_kind=address.kind,
        fa_provider_code=address.provider_code,
        fa_masked=addresses.masked_number(address) or None,
        fa_index=address.number_index,
        partner_reference=partner_reference or f"TEST-{next(_references):06d}",
        paid_at=paid_at or (datetime(int(period[:4]), int(period[5:]), 10, 2, 30, tzinfo=UTC)
                            if received else None),
        failure_reason=failure_reason,
    )
    db.session.add(payment)
    if commit:
        db.session.commit()
    return payment


def make_api_key(*, partner_code: str = "vcb", partner_name: str = "Vietcombank") -> CreatedKey:
    return create_key(partner_code, Actor.system("test"), partner_name=partner_name)


def bearer(created: CreatedKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {created.key}"}
