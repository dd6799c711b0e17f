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


# Addresses that were or are in force: an address stays in force until its active_until even
# after a newer one was approved ("superseded"), so no job is needed at the cut-off.
IN_FORCE_STATUSES = ("active", "superseded")


def effective_address(beneficiary_id: int, on: date) -> FinancialAddress | None:
    """The address a payment prepared on `on` goes to (a `cash` row means cash at the commune)."""
    return db.session.scalar(
        select(FinancialAddress)
        .where(
            FinancialAddress.beneficiary_id == beneficiary_id,
            FinancialAddress.status.in_(IN_FORCE_STATUSES),
            FinancialAddress.active_from <= on,
            (FinancialAddress.active_until.is_(None)) | (FinancialAddress.active_until > on),
        )
        .order_by(FinancialAddress.active_from.desc(), FinancialAddress.id.desc())
        .limit(1)
    )


def upcoming_address(beneficiary_id: int, on: date) -> FinancialAddress | None:
    """An approved address that takes effect after `on` (at the next cut-off), if any."""
    return db.session.scalar(
        select(FinancialAddress)
        .where(
            FinancialAddress.beneficiary_id == beneficiary_id,
            FinancialAddress.status == "active",
            FinancialAddress.active_from > on,
        )
        .limit(1)
    )


def switch_to(new: FinancialAddress, effective_from: date) -> None:
    """Make `new` the active address from `effective_from`; the old one stays in force until
    then and is kept as history. The caller audits and commits."""
    old = active_address(new.beneficiary_id)
    if old is not None and old.id != new.id:
        old.status = "superseded"
        old.active_until = effective_from
    new.status = "active"
    new.active_from = effective_from
    new.active_until = None
    db.session.flush()
