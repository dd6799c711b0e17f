"""Financial addresses: built with the number encrypted and blind-indexed, read masked."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.identifiers import format_fa, mask_account
from domain.models import FinancialAddress
from domain.providers import find_provider
from domain.security import account_index, decrypt, encrypt
from extensions import db


def build_address(
    *,
    beneficiary_id: int,
    kind: str,
    provider_code: str | None,
    number: str | None,
    holder_name: str | None,
    status: str = "proposed",
    active_from: date | None = None,
) -> FinancialAddress:
    """A new address row (not yet added to the session). `cash` has no provider or number."""
    address = FinancialAddress(
        beneficiary_id=beneficiary_id,
        kind=kind,
        provider_code=provider_code,
        holder_name=holder_name,
        status=status,
        active_from=active_from,
        created_at=datetime.now(UTC),
    )
    if number is not None and provider_code is not None:
        address.number_encrypted = encrypt(number)
        address.number_index = account_index(kind, provider_code, number)
        address.number_last4 = number[-4:]
    return address


def active_address(beneficiary_id: int) -> FinancialAddress | None:
    return db.session.scalar(
        select(FinancialAddress).where(
            FinancialAddress.beneficiary_id == beneficiary_id,
            FinancialAddress.status == "active",
        )
    )


def full_number(address: FinancialAddress) -> str | None:
    """The full number: only for the payment API and an audited reveal."""
    if address.number_encrypted is None:
        return None
    return decrypt(address.number_encrypted)


def masked_number(address: FinancialAddress) -> str:
    if address.number_last4 is None:
        return ""
    return mask_account("0000" + address.number_last4)


def provider_name(address: FinancialAddress) -> str:
    found = find_provider(address.provider_code) if address.provider_code else None
    return found.short_name if found else ""


def fa_string(address: FinancialAddress) -> str | None:
    """`account:…@BIN` or `mobile:…@provider`; None for cash."""
    number = full_number(address)
    if number is None or address.provider_code is None:
        return None
    return format_fa(address.kind, address.provider_code, number)
