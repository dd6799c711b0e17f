"""Factories for the officers' side: change requests as the self-service journey stores them,
staff of each role, and signing staff in through the real pages."""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select

from domain import addresses
from domain.actors import Actor
from domain.models import (
    Beneficiary,
    ChangeRequest,
    Commune,
    Province,
    SimBankAccount,
    StaffUser,
)
from domain.names import normalize_name
from domain.security import account_index
from extensions import db
from tests.factories import make_commune, make_staff

STAFF_PASSWORD = "correct horse battery staple"
STAFF_SECRET = "JBSWY3DPEHPK3PXPTESTTEST"
_usernames = itertools.count(1)
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

PASSING_CHECKS = (
    ("holder_name", "The account holder's name %(holder)s matches the registry name "
                    "%(registry)s"),
    ("registry_status", "Alive in the population registry, living in %(commune)s"),
    ("same_address_elsewhere", "This account is not linked to anyone else"),
    ("recent_changes", "%(count)d approved changes in the last 12 months"),
)


def check(code: str, result: str, message: str, **params) -> dict:
    return {"code": code, "result": result, "message": message, "params": params}


def passing_checks(beneficiary: Beneficiary, holder: str) -> list[dict]:
    person = beneficiary.person
    params = {
        "holder_name": {"holder": holder, "registry": person.full_name},
        "registry_status": {"commune": person.commune.name},
        "same_address_elsewhere": {},
        "recent_changes": {"count": 0},
    }
    return [check(code, "pass", message, **params[code]) for code, message in PASSING_CHECKS]


def failing_name_check(beneficiary: Beneficiary, holder: str) -> dict:
    return check(
        "holder_name",
        "fail",
        "The account holder's name %(holder)s does not match the registry name %(registry)s",
        holder=holder,
        registry=beneficiary.person.full_name,
    )


def new_reference() -> str:
    return "YC" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def make_change_request(
    *,
    beneficiary: Beneficiary,
    kind: str = "bank",
    provider_code: str | None = "970436",
    number: str | None = "0011009876543",
    holder_name: str | None = None,
    checks: list[dict] | None = None,
    high_risk: bool = False,
    opened_by_kind: str = "self",
    opened_by_staff_id: int | None = None,
    opened_by_person_id: int | None = None,
    created_at: datetime | None = None,
    status: str = "pending",
    bank_holder: str | None = None,
) -> ChangeRequest:
    """A pending request as the self-service journey stores it, with its proposed address.

    The account is known to the simulated bank under `bank_holder` (default: the holder name
    given), which the name inquiry then answers."""
    created_at = created_at or datetime.now(UTC)
    if kind == "cash":
        provider_code = number = holder_name = None
    elif holder_name is None:
        holder_name = normalize_name(beneficiary.person.full_name)
    if number is not None and provider_code is not None:
        index = account_index(kind, provider_code, number)
        if db.session.scalar(select(SimBankAccount).where(
                SimBankAccount.provider_code == provider_code,
                SimBankAccount.number_index == index)) is None:
            db.session.add(SimBankAccount(provider_code=provider_code, number_index=index,
                                          holder_name=bank_holder or holder_name))
    proposed = addresses.build_address(
        beneficiary_id=beneficiary.id,
        kind=kind,
        provider_code=provider_code,
        number=number,
        holder_name=holder_name,
        status="proposed",
    )
    proposed.created_at = created_at
    db.session.add(proposed)
    db.session.flush()
    current = addresses.active_address(beneficiary.id)
    request = ChangeRequest(
        reference=new_reference(),
        beneficiary_id=beneficiary.id,
        proposed_address_id=proposed.id,
        previous_address_id=current.id if current is not None else None,
        status=status,
        opened_by_kind=opened_by_kind,
        opened_by_person_id=opened_by_person_id
        or (beneficiary.person_id if opened_by_kind == "self" else None),
        opened_by_staff_id=opened_by_staff_id,
        created_at=created_at,
        expires_at=created_at + timedelta(days=30),
        checks=checks if checks is not None else passing_checks(beneficiary, holder_name or ""),
        high_risk=high_risk,
    )
    db.session.add(request)
    db.session.commit()
    return request


def make_officer(*, commune: Commune | None = None, username: str | None = None,
                 **fields) -> StaffUser:
    commune = commune or make_commune()
    return make_staff(username=username or f"officer.{next(_usernames)}", role="officer",
                      commune=commune, **fields)


PROVINCE_NAMES = {"087": "Tỉnh Đồng Tháp", "001": "Thành phố Hà Nội"}


def make_supervisor(*, province_code: str = "087", username: str | None = None,
                    **fields) -> StaffUser:
    if db.session.get(Province, province_code) is None:
        db.session.add(Province(code=province_code,
                                name=PROVINCE_NAMES.get(province_code, province_code)))
        db.session.commit()
    return make_staff(username=username or f"supervisor.{next(_usernames)}", role="supervisor",
                      province_code=province_code, **fields)


def make_admin(*, username: str | None = None, **fields) -> StaffUser:
    return make_staff(username=username or f"admin.{next(_usernames)}", role="admin", **fields)


def make_support(*, username: str | None = None, **fields) -> StaffUser:
    return make_staff(username=username or f"support.{next(_usernames)}", role="support",
                      **fields)


def actor_for(staff: StaffUser) -> Actor:
    return Actor("staff", staff.id, staff.username, None, "127.0.0.1")


def totp_code(secret: str = STAFF_SECRET, at: datetime | None = None) -> str:
    return pyotp.TOTP(secret).at(at or datetime.now(UTC))


def sign_in_staff(client, staff: StaffUser, *, password: str = STAFF_PASSWORD,
                  secret: str = STAFF_SECRET) -> None:
    """Through the real pages: username and password, then the authenticator's code."""
    response = client.post("/staff/signin", data={"username": staff.username,
                                                  "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith("/staff/signin/code")
    response = client.post("/staff/signin/code", data={"code": totp_code(secret)})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
