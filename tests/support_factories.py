"""Factories for the support desk: helpers, lockouts and an outbox message with a code."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from domain.models import (
    Beneficiary,
    Delegation,
    Notification,
    Person,
    SigninLockout,
    SimBankAccount,
)
from domain.security import account_index, id_number_index
from extensions import db


def make_delegation(*, beneficiary: Beneficiary, helper: Person, status: str = "active",
                    scope: str = "view_and_request") -> Delegation:
    now = datetime.now(UTC)
    delegation = Delegation(beneficiary_id=beneficiary.id, helper_person_id=helper.id,
                            scope=scope, status=status, created_at=now,
                            accepted_at=now if status == "active" else None,
                            expires_at=now + timedelta(days=365))
    db.session.add(delegation)
    db.session.commit()
    return delegation


def make_lockout(*, person: Person, minutes: int = 30) -> SigninLockout:
    now = datetime.now(UTC)
    lockout = SigninLockout(subject_index=id_number_index(person.id_number),
                            subject_kind="citizen", locked_at=now,
                            locked_until=now + timedelta(minutes=minutes))
    db.session.add(lockout)
    db.session.commit()
    return lockout


def messages_to(phone: str) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.phone == phone).order_by(Notification.id.desc())))


def code_sent_to(phone: str) -> str:
    text = messages_to(phone)[0].text
    codes = re.findall(r"(?<!\d)\d{6}(?!\d)", text)
    assert len(codes) == 1, text
    return codes[0]


def bank_knows(provider_code: str, number: str, holder_name: str) -> None:
    """The simulated bank answers the name inquiry for this account with `holder_name`."""
    db.session.add(SimBankAccount(provider_code=provider_code,
                                  number_index=account_index("bank", provider_code, number),
                                  holder_name=holder_name))
    db.session.commit()
