"""Automated checks run when a change request is submitted, stored with it for the officer.

Each result is a plain dict, kept in `ChangeRequest.checks` as JSON:
`{"code": "holder_name", "result": "pass" | "warn" | "fail", "message": <English msgid>,
"params": {...}}`. The officer's screen translates the message at render time. Any "fail"
makes the request high-risk: it then needs a supervisor's second approval.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from domain.errors import N_
from domain.identifiers import mask_phone
from domain.models import Beneficiary, ChangeRequest, FinancialAddress, Person
from domain.names import names_match
from domain.providers import find_provider
from extensions import db

PASS, WARN, FAIL = "pass", "warn", "fail"
RESULTS = (PASS, WARN, FAIL)

# Codes in the order an officer reads them.
CHECK_CODES = (
    "holder_name",
    "registry_status",
    "same_address_elsewhere",
    "recent_changes",
    "phone_matches",
    "provider_accepting",
    "holder_is_helper",
)

# Approved changes in the last 12 months before this one: from here on warn, then fail.
RECENT_CHANGES_WARN = 2
RECENT_CHANGES_FAIL = 3
RECENT_WINDOW = timedelta(days=365)

# A number still tied to another beneficiary: their current account or one waiting for review.
LINKED_STATUSES = ("active", "proposed")
HISTORY_STATUSES = ("superseded", "suspended")


def _result(code: str, result: str, message: str, **params) -> dict:
    return {"code": code, "result": result, "message": message, "params": params}


def holder_name(beneficiary: Beneficiary, address: FinancialAddress) -> dict:
    registry_name = beneficiary.person.full_name
    if address.holder_name and names_match(address.holder_name, registry_name):
        return _result(
            "holder_name",
            PASS,
            N_("The account holder's name %(holder)s matches the registry name %(registry)s"),
            holder=address.holder_name,
            registry=registry_name,
        )
    return _result(
        "holder_name",
        FAIL,
        N_(
            "The account holder's name %(holder)s does not match the registry name "
            "%(registry)s"
        ),
        holder=address.holder_name or "",
        registry=registry_name,
    )


def registry_status(beneficiary: Beneficiary) -> dict:
    person = beneficiary.person
    commune = person.commune.name if person.commune is not None else ""
    if not person.is_alive:
        return _result(
            "registry_status",
            FAIL,
            N_("The population registry records this person as deceased"),
            commune=commune,
        )
    if beneficiary.status != "active":
        return _result(
            "registry_status",
            FAIL,
            N_("The benefit is not being paid: its status is %(status)s"),
            status=beneficiary.status,
            commune=commune,
        )
    return _result(
        "registry_status",
        PASS,
        N_("Alive in the population registry, living in %(commune)s"),
        commune=commune,
    )


def same_address_elsewhere(beneficiary: Beneficiary, address: FinancialAddress) -> dict:
    if address.number_index is None:
        return _result("same_address_elsewhere", PASS, N_("No account number to compare"))
    rows = db.session.execute(
        select(FinancialAddress.status, func.count(func.distinct(FinancialAddress.beneficiary_id)))
        .where(
            FinancialAddress.number_index == address.number_index,
            FinancialAddress.beneficiary_id != beneficiary.id,
            FinancialAddress.status.in_(LINKED_STATUSES + HISTORY_STATUSES),
        )
        .group_by(FinancialAddress.status)
    ).all()
    by_status = {status: count for status, count in rows}
    linked = sum(by_status.get(status, 0) for status in LINKED_STATUSES)
    earlier = sum(by_status.get(status, 0) for status in HISTORY_STATUSES)
    if linked:
        return _result(
            "same_address_elsewhere",
            FAIL,
            N_("This account is linked to %(count)d other beneficiaries"),
            count=linked,
        )
    if earlier:
        return _result(
            "same_address_elsewhere",
            WARN,
            N_("This account was used earlier by %(count)d other beneficiaries"),
            count=earlier,
        )
    return _result(
        "same_address_elsewhere", PASS, N_("This account is not linked to anyone else")
    )


def recent_changes(beneficiary: Beneficiary, now: datetime) -> dict:
    count = db.session.scalar(
        select(func.count())
        .select_from(ChangeRequest)
        .where(
            ChangeRequest.beneficiary_id == beneficiary.id,
            ChangeRequest.status == "approved",
            ChangeRequest.decided_at >= now - RECENT_WINDOW,
        )
    )
    if count >= RECENT_CHANGES_FAIL:
        result = FAIL
    elif count >= RECENT_CHANGES_WARN:
        result = WARN
    else:
        result = PASS
    return _result(
        "recent_changes",
        result,
        N_("%(count)d approved changes in the last 12 months"),
        count=count,
    )


def phone_matches(beneficiary: Beneficiary, address: FinancialAddress, number: str) -> dict:
    registered = beneficiary.person.phone or ""
    if number == registered:
        return _result(
            "phone_matches",
            PASS,
            N_("The account's phone number is the registered phone %(phone)s"),
            phone=mask_phone(registered),
        )
    return _result(
        "phone_matches",
        WARN,
        N_("The account's phone number %(number)s is not the registered phone %(phone)s"),
        number=mask_phone(number),
        phone=mask_phone(registered) if registered else "",
    )


def provider_accepting(address: FinancialAddress) -> dict:
    found = find_provider(address.provider_code or "")
    name = found.short_name if found else (address.provider_code or "")
    if found is not None and found.accepting_payments:
        return _result(
            "provider_accepting", PASS, N_("%(provider)s accepts benefit payments"), provider=name
        )
    return _result(
        "provider_accepting",
        FAIL,
        N_("%(provider)s does not accept benefit payments at the moment"),
        provider=name,
    )


def holder_is_helper(address: FinancialAddress, helper: Person) -> dict:
    """A helper asking to pay someone's benefit into an account in the helper's own name."""
    if address.holder_name and names_match(address.holder_name, helper.full_name):
        return _result(
            "holder_is_helper",
            FAIL,
            N_("The account is in the name of %(helper)s, the helper who asked for this change, "
               "not the beneficiary's"),
            helper=helper.full_name,
        )
    return _result(
        "holder_is_helper",
        PASS,
        N_("The account is not in the name of %(helper)s, the helper who asked for this change"),
        helper=helper.full_name,
    )


def run_checks(
    beneficiary: Beneficiary,
    address: FinancialAddress,
    number: str,
    now: datetime | None = None,
    helper: Person | None = None,
) -> list[dict]:
    """Every check for a proposed address (already flushed), in reading order."""
    now = now or datetime.now(UTC)
    results = [
        holder_name(beneficiary, address),
        registry_status(beneficiary),
        same_address_elsewhere(beneficiary, address),
        recent_changes(beneficiary, now),
    ]
    if address.kind in ("ewallet", "mobile_money"):
        results.append(phone_matches(beneficiary, address, number))
    results.append(provider_accepting(address))
    if helper is not None:
        results.append(holder_is_helper(address, helper))
    return results


def is_high_risk(results: list[dict]) -> bool:
    return any(result["result"] == FAIL for result in results)
