"""ID number → active financial address, in bulk; and the roster of a payment run."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from domain import addresses
from domain.actors import Actor
from domain.models import AuditEvent, Beneficiary, Entitlement
from domain.resolve import (
    ResolveItem,
    in_force_address_id,
    parse_roster_reference,
    resolve,
    roster,
    roster_count,
    roster_reference,
)
from extensions import db
from tests.factories import make_beneficiary, make_person

PARTNER = Actor("partner", 7, "vcb", None, "203.0.113.9")


def _switch(beneficiary, kind, provider_code, number, effective_from: date):
    new = addresses.build_address(beneficiary_id=beneficiary.id, kind=kind,
                                  provider_code=provider_code, number=number,
                                  holder_name="X", status="proposed")
    db.session.add(new)
    db.session.flush()
    addresses.switch_to(new, effective_from)
    db.session.commit()
    return new


@pytest.mark.parametrize("day", [date(2024, 1, 1), date(2026, 3, 19), date(2026, 3, 20),
                                 date(2026, 3, 21), date(2026, 4, 19), date(2026, 4, 20),
                                 date(2030, 1, 1), date(2023, 12, 31)])
def test_the_bulk_rule_picks_the_same_address_as_effective_address(app, day):
    people = [make_beneficiary(), make_beneficiary(account=("bank", "970436", "0011001234567"))]
    _switch(people[0], "bank", "970418", "31410001234567", date(2026, 3, 20))
    _switch(people[1], "ewallet", "momo", "0912345678", date(2026, 3, 20))
    _switch(people[1], "bank", "970415", "1012345678", date(2026, 4, 20))
    bulk = dict(db.session.execute(
        select(Beneficiary.id, in_force_address_id(day))
        .where(Beneficiary.id.in_([p.id for p in people]))
    ).all())
    for person in people:
        one = addresses.effective_address(person.id, day)
        assert bulk[person.id] == (one.id if one else None), (person.id, day)


def test_resolve_answers_every_case_in_the_order_asked(app):
    active = make_beneficiary(account=("bank", "970436", "0011001234567"))
    wallet = make_beneficiary(account=("mobile_money", "vnptmoney", "0912345678"))
    cash = make_beneficiary()
    suspended = make_beneficiary(account=("bank", "970436", "0011009999999"))
    suspended.status = "suspended"
    deceased = make_beneficiary(account=("bank", "970418", "31410001234567"), status="deceased")
    not_beneficiary = make_person()
    db.session.commit()
    asked = [
        ("1", active.person.id_number),
        ("2", wallet.person.id_number),
        ("3", cash.person.id_number),
        ("4", suspended.person.id_number),
        ("5", deceased.person.id_number),
        ("6", not_beneficiary.id_number),
        ("7", "087084999999"),  # well formed, nobody
        ("8", "12345"),
        ("9", f" {active.person.id_number[:6]} {active.person.id_number[6:]} "),
    ]
    results = resolve([ResolveItem(r, i) for r, i in asked], PARTNER, on=date(2026, 3, 1))
    assert [(r.reference_id, r.status, r.status_reason_code) for r in results] == [
        ("1", "succ", "succ.fa.active"),
        ("2", "succ", "succ.fa.active"),
        ("3", "succ", "succ.fa.not_found"),
        ("4", "succ", "succ.id.inactive"),
        ("5", "succ", "succ.id.inactive"),
        ("6", "succ", "succ.id.not_found"),
        ("7", "succ", "succ.id.not_found"),
        ("8", "rjct", "rjct.id.invalid"),
        ("9", "succ", "succ.fa.active"),
    ]
    assert results[0].fa == "account:0011001234567@970436"
    assert results[0].account_provider_info == {"name": "Vietcombank", "code": "970436"}
    assert results[1].fa == "mobile:0912345678@vnptmoney"
    assert results[1].as_json()["account_provider_info"] == {"name": "VNPT Money",
                                                             "code": "vnptmoney"}
    assert "fa" not in results[2].as_json()
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_kind, event.actor_label) == (
        "api.mapper_resolve", "partner", "vcb")
    assert event.details["items"] == 9
    assert event.details["counts"]["succ.fa.active"] == 3


def test_an_approved_change_is_not_resolved_before_its_cut_off(app):
    person = make_beneficiary(account=("bank", "970436", "0011001234567"))
    _switch(person, "bank", "970418", "31410001234567", date(2026, 3, 20))
    before = resolve([ResolveItem("1", person.person.id_number)], PARTNER, on=date(2026, 3, 19))
    after = resolve([ResolveItem("1", person.person.id_number)], PARTNER, on=date(2026, 3, 20))
    assert before[0].fa == "account:0011001234567@970436"
    assert after[0].fa == "account:31410001234567@970418"


def test_the_roster_uses_the_address_in_force_on_the_cut_off(app):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"), full_name="Nguyễn Thị Lan")
    _switch(lan, "ewallet", "momo", "0912345678", date(2026, 3, 20))
    db.session.add(Entitlement(beneficiary_id=lan.id, programme="disability_severe",
                               coefficient_tenths=15, monthly_amount=750_000,
                               starts_on=date(2026, 1, 1)))
    cash = make_beneficiary()
    ended_programme = make_beneficiary()
    ended_programme.entitlements[0].ends_on = date(2026, 2, 28)
    suspended = make_beneficiary()
    suspended.status = "suspended"
    make_beneficiary(status="deceased")
    db.session.commit()

    march = list(roster("2026-03"))
    assert roster_count("2026-03") == len(march) == 3
    assert [(line["payment_reference"], line["fa"]) for line in march] == [
        (f"RUN-2026-03-{lan.id}-elderly_80", "mobile:0912345678@momo"),
        (f"RUN-2026-03-{lan.id}-disability_severe", "mobile:0912345678@momo"),
        (f"RUN-2026-03-{cash.id}-elderly_80", None),
    ]
    assert march[0] | {"payment_reference": "", "fa": ""} == {
        "payment_reference": "", "id": lan.person.id_number, "name": "Nguyễn Thị Lan",
        "commune_code": "08701", "programme": "elderly_80", "amount": 500_000,
        "currency": "VND", "fa_kind": "ewallet", "fa": "",
        "account_provider_info": {"name": "MoMo", "code": "momo"},
    }
    assert march[2]["fa_kind"] == "cash" and march[2]["account_provider_info"] is None
    february = list(roster("2026-02"))
    assert [line["fa"] for line in february if line["id"] == lan.person.id_number] == [
        "account:0011001234567@970436", "account:0011001234567@970436"]
    assert ended_programme.id in {int(line["payment_reference"].split("-")[3])
                                  for line in february}


def test_roster_references_round_trip(app):
    reference = roster_reference("2026-03", 123, "disability_particularly_severe_elderly")
    assert len(reference) <= 64
    assert parse_roster_reference(reference) == ("2026-03", 123,
                                                 "disability_particularly_severe_elderly")
    for bad in ("RUN-2026-13-1-elderly_80", "RUN-2026-03-0-elderly_80", "VCB-1",
                "RUN-2026-03-1-"):
        assert parse_roster_reference(bad) is None
