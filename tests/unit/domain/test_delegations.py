"""Family helpers: invitation, acceptance, scope, limits, expiry and ending."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from domain import delegations, otp
from domain.actors import Actor
from domain.errors import ValidationError
from domain.models import Notification
from extensions import db
from tests.factories import make_beneficiary, make_person


def _actor(person) -> Actor:
    return Actor("citizen", person.id, None, None, "127.0.0.1")


def _code_for(person) -> str:
    text = db.session.scalars(
        select(Notification.text)
        .where(Notification.phone == person.phone)
        .order_by(Notification.id.desc())
    ).first()
    return re.findall(r"(?<!\d)\d{6}(?!\d)", text)[0]


def _invite(beneficiary, helper=None, scope="view_and_request"):
    owner = beneficiary.person
    invitation = delegations.check_invitation(
        beneficiary, owner, scope, helper.id_number if helper else None
    )
    challenge = delegations.send_code(beneficiary, invitation, _actor(owner))
    return delegations.confirm(beneficiary, challenge, _code_for(owner), invitation, _actor(owner))


def _messages_to(person) -> list[str]:
    return list(db.session.scalars(select(Notification.text).where(
        Notification.phone == person.phone).order_by(Notification.id)))


def test_invite_accept_and_notices(app):
    mother = make_beneficiary(full_name="Nguyễn Thị Lan")
    daughter = make_person(full_name="Trần Thị Mai", sex="female")
    confirmed = _invite(mother, daughter)
    assert confirmed.outcome is otp.Outcome.ACCEPTED
    delegation = confirmed.delegation
    assert delegation.status == "invited"
    assert "Nguyễn Thị Lan" in _messages_to(daughter)[-1]
    assert delegations.invitations_for(daughter) == [delegation]
    delegations.accept(delegation, daughter, _actor(daughter))
    assert delegation.status == "active"
    assert delegation.expires_at - delegation.accepted_at == timedelta(days=365)
    notice = _messages_to(mother.person)[-1]
    assert "Trần Thị Mai" in notice
    assert db.session.scalar(
        select(Notification.report_code).where(Notification.kind == "delegation_added")
    )
    assert delegations.live_delegation(daughter.id, mother.id) == delegation


def test_the_code_is_bound_to_the_invitation(app):
    mother = make_beneficiary()
    daughter = make_person(full_name="Trần Thị Mai")
    stranger = make_person(full_name="Kẻ Lạ")
    invitation = delegations.check_invitation(mother, mother.person, "view", daughter.id_number)
    challenge = delegations.send_code(mother, invitation, _actor(mother.person))
    other = delegations.check_invitation(mother, mother.person, "view_and_request",
                                         stranger.id_number)
    result = delegations.confirm(mother, challenge, _code_for(mother.person), other,
                                 _actor(mother.person))
    assert result.outcome is otp.Outcome.MISMATCH
    assert delegations.helpers_of(mother) == []


def test_a_wrong_code_creates_nothing(app):
    mother = make_beneficiary()
    daughter = make_person()
    invitation = delegations.check_invitation(mother, mother.person, "view", daughter.id_number)
    challenge = delegations.send_code(mother, invitation, _actor(mother.person))
    wrong = "000000" if _code_for(mother.person) != "000000" else "111111"
    result = delegations.confirm(mother, challenge, wrong, invitation, _actor(mother.person))
    assert result.outcome is otp.Outcome.WRONG
    assert delegations.helpers_of(mother) == []


def test_at_most_three_helpers(app):
    mother = make_beneficiary()
    helpers = [make_person(full_name=f"Người Giúp {n}") for n in range(4)]
    for helper in helpers[:3]:
        delegations.accept(_invite(mother, helper).delegation, helper, _actor(helper))
    with pytest.raises(ValidationError) as refused:
        delegations.check_invitation(mother, mother.person, "view", helpers[3].id_number)
    assert "3" in str(refused.value)


def test_cannot_invite_yourself_or_the_same_helper_twice(app):
    mother = make_beneficiary()
    daughter = make_person()
    with pytest.raises(ValidationError):
        delegations.check_invitation(mother, mother.person, "view", mother.person.id_number)
    _invite(mother, daughter)
    with pytest.raises(ValidationError):
        delegations.check_invitation(mother, mother.person, "view", daughter.id_number)
    with pytest.raises(ValidationError):
        delegations.check_invitation(mother, mother.person, "everything", None)


def test_someone_else_cannot_accept_an_invitation_by_id(app):
    mother = make_beneficiary()
    daughter = make_person()
    intruder = make_person()
    delegation = _invite(mother, daughter).delegation
    with pytest.raises(PermissionError):
        delegations.accept(delegation, intruder, _actor(intruder))


def test_a_delegation_expires_after_12_months_and_can_be_renewed(app):
    mother = make_beneficiary()
    daughter = make_person()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        delegation = _invite(mother, daughter).delegation
        delegations.accept(delegation, daughter, _actor(daughter))
    with time_machine.travel(start + timedelta(days=364), tick=False):
        assert delegations.live_delegation(daughter.id, mother.id) is not None
    with time_machine.travel(start + timedelta(days=366), tick=False):
        assert delegations.live_delegation(daughter.id, mother.id) is None
        assert delegations.expire_overdue() == 1
        assert delegation.status == "expired"
        delegations.renew(delegation, _actor(mother.person))
        assert delegations.live_delegation(daughter.id, mother.id) is not None


@pytest.mark.parametrize("by", ["beneficiary", "helper", "support"])
def test_either_side_ends_it_and_the_other_is_told(app, by):
    mother = make_beneficiary(full_name="Nguyễn Thị Lan")
    daughter = make_person(full_name="Trần Thị Mai")
    delegation = _invite(mother, daughter).delegation
    delegations.accept(delegation, daughter, _actor(daughter))
    before_mother = len(_messages_to(mother.person))
    before_daughter = len(_messages_to(daughter))
    delegations.end(delegation, by=by, actor=_actor(mother.person))
    assert delegation.status == "revoked" and delegation.ended_by == by
    assert delegations.live_delegation(daughter.id, mother.id) is None
    told_mother = len(_messages_to(mother.person)) - before_mother
    told_daughter = len(_messages_to(daughter)) - before_daughter
    assert (told_mother, told_daughter) == {
        "beneficiary": (0, 1), "helper": (1, 0), "support": (1, 1)}[by]


def test_qr_invitation_is_single_use_and_lasts_10_minutes(app):
    mother = make_beneficiary()
    daughter = make_person()
    son = make_person()
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        confirmed = _invite(mother, None, scope="view")
        token = confirmed.qr_token
        assert token and confirmed.delegation.helper_person_id is None
    with time_machine.travel(start + timedelta(minutes=9), tick=False):
        found = delegations.find_by_token(token)
        assert found is not None
        delegations.accept(found, daughter, _actor(daughter), token=token)
        assert delegations.find_by_token(token) is None  # used
    with time_machine.travel(start, tick=False):
        late = _invite(mother, None, scope="view").qr_token
    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert delegations.find_by_token(late) is None
    assert delegations.live_delegation(son.id, mother.id) is None
    assert delegations.find_by_token("not-a-token") is None
