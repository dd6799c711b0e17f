"""Factories for change requests: plain keyword-only functions over the real services."""

from __future__ import annotations

from datetime import UTC, datetime

from domain import change_requests
from domain.actors import Actor
from domain.models import Beneficiary, ChangeRequest, SimBankAccount, StaffUser
from domain.providers import provider
from domain.security import account_index
from extensions import db


def make_sim_account(*, provider_code: str, number: str, holder_name: str) -> SimBankAccount:
    """An account the simulated bank name inquiry knows, with its holder's name."""
    account = SimBankAccount(
        provider_code=provider_code,
        number_index=account_index(provider(provider_code).kind, provider_code, number),
        holder_name=holder_name,
    )
    db.session.add(account)
    db.session.commit()
    return account


def citizen(beneficiary: Beneficiary) -> Actor:
    return Actor("citizen", beneficiary.person_id, None, None, "127.0.0.1")


def content(
    beneficiary: Beneficiary,
    *,
    kind: str = "bank",
    provider_code: str = "970436",
    number: str = "0071000123456",
) -> change_requests.ChangeContent:
    """Validated content, with the holder name the simulated bank reports."""
    return change_requests.content_for(beneficiary, kind, provider_code, number)


def make_change_request(
    *,
    beneficiary: Beneficiary,
    kind: str = "bank",
    provider_code: str = "970436",
    number: str = "0071000123456",
    status: str = "pending",
    claimed_by: StaffUser | None = None,
    decided_at: datetime | None = None,
) -> ChangeRequest:
    """A request submitted through submit_change, then moved to `status` as an officer would."""
    request = change_requests.submit_change(
        beneficiary,
        content(beneficiary, kind=kind, provider_code=provider_code, number=number),
        citizen(beneficiary),
    )
    if claimed_by is not None:
        request.claimed_by_staff_id = claimed_by.id
        request.claimed_at = datetime.now(UTC)
    if status != "pending":
        request.status = status
        if status in ("approved", "rejected"):
            request.decided_at = decided_at or datetime.now(UTC)
            request.closed_at = request.decided_at
    db.session.commit()
    return request
