"""The support desk rules: exact search, conflicts of interest, and every action's effect."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from domain import addresses, cycles, otp, resolve, review, support
from domain.actors import Actor
from domain.audit import verify_chain
from domain.errors import ValidationError
from domain.models import (
    AuditEvent,
    ChangeRequest,
    Delegation,
    FinancialAddress,
    NotMeReport,
    SigninLockout,
)
from domain.security import id_number_index
from extensions import db
from tests.factories import make_beneficiary, make_person
from tests.review_factories import actor_for, make_change_request, make_officer, make_support
from tests.support_factories import (
    bank_knows,
    code_sent_to,
    make_delegation,
    make_lockout,
    messages_to,
)

TUESDAY_10_MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
ACCOUNT = ("bank", "970405", "1506205123456")
NOTE = "Bà gọi tổng đài, đã trả lời câu hỏi bảo mật"


def _actor(staff, beneficiary) -> Actor:
    return Actor("staff", staff.id, staff.username, beneficiary.person_id, "127.0.0.1")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _fresh(row):
    db.session.expire_all()
    return db.session.get(type(row), row.id)


# --- Search ---


def test_search_finds_by_the_exact_id_number_or_registered_phone(app):
    agent = make_support()
    beneficiary = make_beneficiary(phone="0912345678")
    person = beneficiary.person
    spaced = f"{person.id_number[:3]} {person.id_number[3:6]} {person.id_number[6:]}"
    assert support.find(agent, spaced, actor_for(agent)).id == beneficiary.id
    assert support.find(agent, "+84 912 345 678", actor_for(agent)).id == beneficiary.id
    searched = _events("support.searched")
    assert len(searched) == 2
    assert searched[0].on_behalf_of_person_id == person.id
    assert person.id_number not in str(searched[0].details)


@pytest.mark.parametrize("query", ["Nguyễn Thị Lan", "Lan", "0912345", "091234567"])
def test_search_refuses_names_and_partial_numbers(app, query):
    agent = make_support()
    make_beneficiary(phone="0912345678")
    with pytest.raises(ValidationError):
        support.find(agent, query, actor_for(agent))


def test_a_partial_id_number_finds_nobody(app):
    agent = make_support()
    beneficiary = make_beneficiary()
    with pytest.raises(ValidationError):
        support.find(agent, beneficiary.person.id_number[:11], actor_for(agent))
    other = beneficiary.person.id_number[:-1] + str((int(beneficiary.person.id_number[-1]) + 1)
                                                    % 10)
    with pytest.raises(support.NotFound):
        support.find(agent, other, actor_for(agent))
    assert len(_events("support.search_no_match")) == 1


# --- Conflicts of interest ---


def test_an_agent_cannot_open_or_act_on_their_own_record(app):
    me = make_beneficiary(account=ACCOUNT)
    agent = make_support()
    agent.id_number_index = id_number_index(me.person.id_number)
    db.session.commit()
    actor = _actor(agent, me)
    with pytest.raises(support.Refused) as refused:
        support.profile(agent, me, actor)
    assert refused.value.reason == "conflict"
    with pytest.raises(support.Refused):
        support.reset_to_cash(agent, me, "lost_phone", NOTE, actor)
    assert addresses.active_address(me.id).kind == "bank"
    assert len(_events("support.refused")) == 2


@pytest.mark.parametrize("direction", ["agent_helps", "agent_is_helped"])
def test_an_agent_cannot_serve_a_relative_linked_by_a_helper_delegation(app, direction):
    mother = make_beneficiary(account=ACCOUNT)
    me = make_person(full_name="Trần Văn Hùng", birth_date=datetime(1980, 1, 1).date(),
                     sex="male")
    agent = make_support()
    agent.id_number_index = id_number_index(me.id_number)
    db.session.commit()
    if direction == "agent_helps":
        make_delegation(beneficiary=mother, helper=me, status="revoked")
    else:
        mine = make_beneficiary(person=me)
        make_delegation(beneficiary=mine, helper=mother.person, status="active")
    assert support.conflict(agent, mother) is not None
    with pytest.raises(support.Refused):
        support.unlock(agent, mother, "caller_verified", NOTE, _actor(agent, mother))


def test_an_agent_without_a_link_may_serve(app):
    beneficiary = make_beneficiary()
    agent = make_support()
    agent.id_number_index = id_number_index(make_person(full_name="Lê Văn An").id_number)
    db.session.commit()
    assert support.conflict(agent, beneficiary) is None
    assert support.profile(agent, beneficiary, _actor(agent, beneficiary)).person.id == \
        beneficiary.person_id


# --- Reasons and notes ---


@pytest.mark.parametrize(("reason", "note"), [(None, NOTE), ("made_up", NOTE),
                                              ("lost_phone", ""), ("lost_phone", "  "),
                                              ("lost_phone", "x" * 501)])
def test_every_action_needs_a_listed_reason_and_a_note(app, reason, note):
    beneficiary = make_beneficiary(account=ACCOUNT)
    make_lockout(person=beneficiary.person)
    agent = make_support()
    with pytest.raises(ValidationError):
        support.unlock(agent, beneficiary, reason, note, _actor(agent, beneficiary))
    with pytest.raises(ValidationError):
        support.reset_to_cash(agent, beneficiary, reason, note, _actor(agent, beneficiary))
    assert addresses.active_address(beneficiary.id).kind == "bank"
    assert support.active_lockouts(beneficiary.person)


def test_notes_never_keep_a_long_number(app):
    beneficiary = make_beneficiary(account=ACCOUNT)
    agent = make_support()
    support.reset_to_cash(agent, beneficiary, "suspected_fraud",
                          "Số tài khoản 1506205123456 bị lộ", _actor(agent, beneficiary))
    (event,) = _events("support.reset_to_cash")
    assert "1506205123456" not in str(event.details)
    assert event.details["reason"] == "suspected_fraud"


# --- Unlock ---


def test_unlock_lifts_the_lockout_audits_and_tells_the_beneficiary(app):
    beneficiary = make_beneficiary()
    lockout = make_lockout(person=beneficiary.person)
    agent = make_support()
    assert support.unlock(agent, beneficiary, "caller_verified", NOTE,
                          _actor(agent, beneficiary)) == 1
    lockout = _fresh(lockout)
    assert lockout.lifted_at is not None and lockout.lifted_by_staff_id == agent.id
    from domain.signin import active_lockout
    assert active_lockout(id_number_index(beneficiary.person.id_number)) is None
    (event,) = _events("support.lockout_lifted")
    assert (event.actor_kind, event.actor_id, event.on_behalf_of_person_id) == (
        "staff", agent.id, beneficiary.person_id)
    message = messages_to(beneficiary.person.phone)[0]
    assert message.kind == "support_unlocked" and message.report_code in message.text
    assert verify_chain().ok


def test_unlock_without_a_lockout_is_refused(app):
    beneficiary = make_beneficiary()
    agent = make_support()
    with pytest.raises(support.Refused) as refused:
        support.unlock(agent, beneficiary, "caller_verified", NOTE, _actor(agent, beneficiary))
    assert refused.value.reason == "no_lockout"
    assert db.session.scalar(select(SigninLockout.id)) is None


# --- Reset to cash ---


def test_reset_to_cash_suspends_the_account_at_once_and_the_roster_stops_naming_it(app):
    with time_machine.travel(TUESDAY_10_MARCH, tick=False):
        beneficiary = make_beneficiary(account=ACCOUNT)
        old = addresses.active_address(beneficiary.id)
        request = make_change_request(beneficiary=beneficiary, number="0011009876543")
        agent = make_support()
        before = [line["fa"] for line in resolve.roster("2026-03")]
        assert before == ["account:1506205123456@970405"]
        reset = support.reset_to_cash(agent, beneficiary, "suspected_fraud", NOTE,
                                      _actor(agent, beneficiary))
        today = cycles.today()
        old = _fresh(old)
        assert (old.status, old.active_until) == ("suspended", today)
        assert old.suspended_at is not None
        assert addresses.effective_address(beneficiary.id, today).kind == "cash"
        assert reset.cash.active_from == today
        for period in ("2026-03", "2026-04"):
            lines = list(resolve.roster(period))
            assert [(line["fa_kind"], line["fa"]) for line in lines] == [("cash", None)]
        assert _fresh(request).on_hold is True
        assert _fresh(request).status == "pending"
        (event,) = _events("support.reset_to_cash")
        assert event.details["held"] == [request.reference]
        assert messages_to(beneficiary.person.phone)[0].kind == "support_reset_cash"


def test_reset_to_cash_also_suspends_an_approved_account_waiting_for_the_cut_off(app):
    with time_machine.travel(TUESDAY_10_MARCH, tick=False):
        beneficiary = make_beneficiary(account=ACCOUNT)
        request = make_change_request(beneficiary=beneficiary, number="0011009876543")
        officer = make_officer(commune=beneficiary.person.commune)
        review.claim(officer, request.id, actor_for(officer))
        review.approve(officer, request.id, _fresh(request).version, actor_for(officer))
        upcoming = addresses.upcoming_address(beneficiary.id, cycles.today())
        assert upcoming is not None
        agent = make_support()
        support.reset_to_cash(agent, beneficiary, "suspected_fraud", NOTE,
                              _actor(agent, beneficiary))
        assert _fresh(upcoming).status == "suspended"
        assert addresses.upcoming_address(beneficiary.id, cycles.today()) is None
        for period in ("2026-03", "2026-04", "2026-05"):
            assert [line["fa"] for line in resolve.roster(period)] == [None]


def test_reset_to_cash_of_a_cash_beneficiary_is_refused(app):
    beneficiary = make_beneficiary()
    agent = make_support()
    with pytest.raises(support.Refused) as refused:
        support.reset_to_cash(agent, beneficiary, "lost_phone", NOTE, _actor(agent, beneficiary))
    assert refused.value.reason == "already_cash"
    assert db.session.scalar(select(FinancialAddress).where(
        FinancialAddress.status == "suspended")) is None


# --- Revoke a helper ---


def test_revoking_a_helper_ends_the_delegation_by_support_and_tells_both(app):
    beneficiary = make_beneficiary()
    helper = make_person(full_name="Trần Thị Mai", birth_date=datetime(1975, 5, 5).date())
    delegation = make_delegation(beneficiary=beneficiary, helper=helper)
    agent = make_support()
    support.revoke_delegation(agent, beneficiary, delegation.id, "helper_misuse", NOTE,
                              _actor(agent, beneficiary))
    delegation = _fresh(delegation)
    assert (delegation.status, delegation.ended_by) == ("revoked", "support")
    assert len(_events("support.delegation_revoked")) == 1
    assert _events("delegation.ended")[0].details["by"] == "support"
    assert messages_to(helper.phone)[0].kind == "delegation_ended"
    assert messages_to(beneficiary.person.phone)[0].kind == "delegation_ended"
    with pytest.raises(ValidationError):
        support.revoke_delegation(agent, beneficiary, delegation.id, "helper_misuse", NOTE,
                                  _actor(agent, beneficiary))


def test_a_helper_of_someone_else_cannot_be_revoked_through_this_beneficiary(app):
    beneficiary = make_beneficiary()
    other = make_beneficiary(full_name="Phạm Văn Bình")
    delegation = make_delegation(beneficiary=other, helper=make_person(full_name="Lê Thị Hoa"))
    agent = make_support()
    with pytest.raises(support.NotFound):
        support.revoke_delegation(agent, beneficiary, delegation.id, "helper_misuse", NOTE,
                                  _actor(agent, beneficiary))
    assert _fresh(delegation).status == "active"


# --- Resend ---


def test_resend_copies_the_last_message_that_is_not_a_code(app):
    beneficiary = make_beneficiary()
    request = make_change_request(beneficiary=beneficiary)
    from domain import notifications
    first = notifications.enqueue(beneficiary.person.phone, "An Sinh Link: thong bao / notice",
                                  kind="change_submitted", person_id=beneficiary.person_id,
                                  change_request_id=request.id,
                                  report_code=notifications.new_report_code())
    notifications.enqueue(beneficiary.person.phone, "An Sinh Link: ma 123456", kind="otp_signin",
                          person_id=beneficiary.person_id)
    db.session.commit()
    agent = make_support()
    copy = support.resend_last(agent, beneficiary, "lost_phone", NOTE, _actor(agent, beneficiary))
    assert (copy.kind, copy.text, copy.phone) == ("resend", first.text, first.phone)
    assert copy.report_code is None
    assert _events("support.message_resent")[0].subject_id == str(first.id)


def test_profile_messages_hide_codes(app):
    beneficiary = make_beneficiary()
    from domain import notifications
    notifications.enqueue(beneficiary.person.phone, "An Sinh Link: ma 123456 / code 123456",
                          kind="otp_signin", person_id=beneficiary.person_id)
    db.session.commit()
    agent = make_support()
    view = support.profile(agent, beneficiary, _actor(agent, beneficiary))
    assert "123456" not in view.messages[0].text
    assert not view.can_resend  # a code is never sent again


# --- "This was not me" ---


def _submitted_code(request: ChangeRequest) -> str:
    from domain import notifications
    message = notifications.enqueue(request_person_phone(request), "An Sinh Link: yeu cau",
                                    kind="change_submitted", change_request_id=request.id,
                                    report_code=notifications.new_report_code())
    db.session.commit()
    return message.report_code


def request_person_phone(request: ChangeRequest) -> str:
    from domain.models import Beneficiary
    return db.session.get(Beneficiary, request.beneficiary_id).person.phone


def test_not_me_holds_the_open_request_and_no_officer_can_approve_it(app):
    beneficiary = make_beneficiary(account=ACCOUNT)
    request = make_change_request(beneficiary=beneficiary)
    code = _submitted_code(request)
    agent = make_support()
    reported = support.record_not_me(agent, beneficiary, code.lower(), "suspected_fraud", NOTE,
                                     _actor(agent, beneficiary))
    report = db.session.scalar(select(NotMeReport))
    assert report.id == reported.report.id
    assert (report.change_request_id, report.recorded_by_staff_id) == (request.id, agent.id)
    assert report.notification_id is not None
    assert _fresh(request).on_hold is True
    officer = make_officer(commune=beneficiary.person.commune)
    review.claim(officer, request.id, actor_for(officer))
    with pytest.raises(review.Refused) as refused:
        review.approve(officer, request.id, _fresh(request).version, actor_for(officer))
    assert refused.value.reason == "on_hold"
    assert _fresh(request).status == "in_review" or _fresh(request).status == "pending"
    assert addresses.active_address(beneficiary.id).number_last4 == "3456"
    # Rejecting stays possible.
    review.reject(officer, request.id, _fresh(request).version, "not_confirmed_by_beneficiary",
                  "", actor_for(officer))
    assert _fresh(request).status == "rejected"
    assert messages_to(beneficiary.person.phone)[1].kind == "support_not_me"


def test_not_me_without_a_code_is_recorded_too(app):
    beneficiary = make_beneficiary()
    agent = make_support()
    support.record_not_me(agent, beneficiary, "", "caller_verified", NOTE,
                          _actor(agent, beneficiary))
    report = db.session.scalar(select(NotMeReport))
    assert (report.notification_id, report.change_request_id) == (None, None)
    assert len(_events("support.not_me_recorded")) == 1


@pytest.mark.parametrize("code", ["ABC", "ZZZZZZZZ"])
def test_not_me_with_an_unknown_code_is_refused(app, code):
    beneficiary = make_beneficiary()
    agent = make_support()
    with pytest.raises(ValidationError):
        support.record_not_me(agent, beneficiary, code, "caller_verified", NOTE,
                              _actor(agent, beneficiary))
    assert db.session.scalar(select(NotMeReport)) is None


def test_not_me_with_another_beneficiarys_code_is_refused(app):
    beneficiary = make_beneficiary()
    other = make_beneficiary(full_name="Phạm Văn Bình")
    code = _submitted_code(make_change_request(beneficiary=other))
    agent = make_support()
    with pytest.raises(ValidationError):
        support.record_not_me(agent, beneficiary, code, "caller_verified", NOTE,
                              _actor(agent, beneficiary))


# --- Assisted change ---


def test_an_assisted_request_is_confirmed_by_the_beneficiarys_code_and_support_cannot_approve(
        app):
    beneficiary = make_beneficiary(account=ACCOUNT)
    bank_knows("970436", "0011002223334", "NGUYEN THI LAN")
    agent = make_support()
    actor = _actor(agent, beneficiary)
    content = support.assisted_content(agent, beneficiary, "970436", "0011002223334", actor)
    challenge = support.assisted_send_code(agent, beneficiary, content, "at_the_desk", NOTE,
                                           actor)
    code = code_sent_to(beneficiary.person.phone)
    wrong = support.assisted_confirm(agent, beneficiary, challenge, "000000" if code != "000000"
                                     else "111111", content, actor)
    assert wrong.outcome is otp.Outcome.WRONG
    result = support.assisted_confirm(agent, beneficiary, challenge, code, content, actor)
    request = result.request
    assert (request.opened_by_kind, request.opened_by_staff_id) == ("support", agent.id)
    assert request.status == "pending"
    assert len(_events("support.assisted_started")) == 1
    # Support can never approve: not in any reviewer's scope, and the role is refused.
    with pytest.raises(review.NotFound):
        review.claim(agent, request.id, actor_for(agent))
    with pytest.raises(review.NotFound):
        review.approve(agent, request.id, request.version, actor_for(agent))
    # An officer who is also the opener is refused by maker-checker.
    assert review.conflict(agent, request, beneficiary.person) is not None
    assert _fresh(request).status == "pending"


def test_assisted_change_is_refused_on_the_agents_own_record(app):
    me = make_beneficiary(account=ACCOUNT)
    agent = make_support()
    agent.id_number_index = id_number_index(me.person.id_number)
    db.session.commit()
    with pytest.raises(support.Refused):
        support.assisted_content(agent, me, "970436", "0011002223334", _actor(agent, me))
    assert db.session.scalar(select(Delegation)) is None


def test_a_locked_beneficiary_changes_only_in_person_through_the_desk(app):
    """The opt-in lock refuses online changes; the desk, with the beneficiary present and
    confirming with their own code, is the way the account is changed while it is on."""
    from domain import change_requests
    from domain.models import Beneficiary

    beneficiary = make_beneficiary(account=ACCOUNT)
    db.session.get(Beneficiary, beneficiary.id).online_changes_locked = True
    db.session.commit()
    bank_knows("970436", "0011002223334", "NGUYEN THI LAN")
    with pytest.raises(change_requests.ChangeRefused):
        change_requests.ensure_can_change(beneficiary)
    agent = make_support()
    actor = _actor(agent, beneficiary)
    content = support.assisted_content(agent, beneficiary, "970436", "0011002223334", actor)
    challenge = support.assisted_send_code(agent, beneficiary, content, "at_the_desk", NOTE,
                                           actor)
    code = code_sent_to(beneficiary.person.phone)
    result = support.assisted_confirm(agent, beneficiary, challenge, code, content, actor)
    assert result.request is not None and result.request.opened_by_kind == "support"
