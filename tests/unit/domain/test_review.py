"""The review rules: scope, claims, two-step approval, maker-checker, versions, activation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from domain import addresses, review
from domain.audit import verify_chain
from domain.models import AuditEvent, ChangeRequest, FinancialAddress, Notification
from domain.security import id_number_index
from extensions import db
from tests.factories import make_beneficiary, make_commune, make_person
from tests.review_factories import (
    actor_for,
    failing_name_check,
    make_change_request,
    make_officer,
    make_supervisor,
)

# 10:00 on Tuesday 10 March 2026 in Viet Nam: before the month's cut-off on the 20th.
TUESDAY_10_MARCH = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def _actions(request_id: int | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if request_id is not None:
        query = query.where(AuditEvent.subject_type == "change_request",
                            AuditEvent.subject_id == str(request_id))
    return list(db.session.scalars(query))


def _fresh(request: ChangeRequest) -> ChangeRequest:
    db.session.expire_all()
    return db.session.get(ChangeRequest, request.id)


def _beneficiary(**fields):
    return make_beneficiary(account=("bank", "970405", "1506205123456"), **fields)


def _claimed(staff, request) -> ChangeRequest:
    review.claim(staff, request.id, actor_for(staff))
    return _fresh(request)


# --- Scope ---


def test_an_officer_only_finds_requests_of_their_own_commune(app):
    home = make_commune(code="08701", name="Phường Cao Lãnh")
    other = make_commune(code="08702", name="Xã Tháp Mười")
    officer = make_officer(commune=home)
    mine = make_change_request(beneficiary=_beneficiary(commune=home))
    theirs = make_change_request(beneficiary=_beneficiary(commune=other))
    assert review.get_request(officer, mine.id).id == mine.id
    with pytest.raises(review.NotFound):
        review.get_request(officer, theirs.id)
    with pytest.raises(review.NotFound):
        review.claim(officer, theirs.id, actor_for(officer))
    with pytest.raises(review.NotFound):
        review.approve(officer, theirs.id, theirs.version, actor_for(officer))


def test_a_supervisor_finds_requests_of_their_whole_province_only(app):
    cao_lanh = make_commune(code="08701", name="Phường Cao Lãnh")
    thap_muoi = make_commune(code="08702", name="Xã Tháp Mười")
    ba_dinh = make_commune(code="00101", name="Phường Ba Đình", province_code="001",
                           province_name="Thành phố Hà Nội")
    supervisor = make_supervisor(province_code="087")
    first = make_change_request(beneficiary=_beneficiary(commune=cao_lanh))
    second = make_change_request(beneficiary=_beneficiary(commune=thap_muoi))
    hanoi = make_change_request(beneficiary=_beneficiary(commune=ba_dinh))
    found = [row.request.id for row in review.queue(supervisor, review.QueueFilter()).rows]
    assert found == [first.id, second.id]
    with pytest.raises(review.NotFound):
        review.get_request(supervisor, hanoi.id)


# --- Claims ---


def test_claiming_takes_the_request_and_is_audited(app):
    officer = make_officer()
    request = make_change_request(beneficiary=_beneficiary())
    version = request.version
    request = _claimed(officer, request)
    assert request.status == "in_review"
    assert request.claimed_by_staff_id == officer.id
    assert request.version == version + 1
    assert _actions(request.id) == ["review.claimed"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.claimed"))
    assert event.on_behalf_of_person_id == request.opened_by_person_id
    assert event.actor_label == officer.username


def test_a_claimed_request_cannot_be_claimed_by_another_officer(app):
    commune = make_commune()
    first = make_officer(commune=commune, display_name="Đỗ Thị Hạnh")
    second = make_officer(commune=commune)
    request = make_change_request(beneficiary=_beneficiary())
    _claimed(first, request)
    with pytest.raises(review.Refused) as refused:
        review.claim(second, request.id, actor_for(second))
    assert refused.value.reason == "claimed"
    assert refused.value.params == {"name": "Đỗ Thị Hạnh"}
    assert _fresh(request).claimed_by_staff_id == first.id
    assert _actions(request.id) == ["review.claimed"]
    # The holder claiming again keeps it (and restarts the clock).
    assert _claimed(first, request).claimed_by_staff_id == first.id


def test_a_claim_lapses_after_two_hours(app):
    commune = make_commune()
    first = make_officer(commune=commune)
    second = make_officer(commune=commune)
    with time_machine.travel(TUESDAY_10_MARCH, tick=False):
        request = make_change_request(beneficiary=_beneficiary())
        _claimed(first, request)
    with time_machine.travel(TUESDAY_10_MARCH + timedelta(hours=1, minutes=59), tick=False):
        with pytest.raises(review.Refused):
            review.claim(second, request.id, actor_for(second))
    with time_machine.travel(TUESDAY_10_MARCH + timedelta(hours=2, minutes=1), tick=False):
        assert not review.claim_is_current(_fresh(request))
        assert _claimed(second, request).claimed_by_staff_id == second.id


def test_releasing_gives_the_request_back(app):
    commune = make_commune()
    holder = make_officer(commune=commune)
    colleague = make_officer(commune=commune)
    supervisor = make_supervisor()
    request = make_change_request(beneficiary=_beneficiary())
    _claimed(holder, request)
    with pytest.raises(review.Refused) as refused:
        review.release(colleague, request.id, actor_for(colleague))
    assert refused.value.reason == "not_claimed"
    review.release(holder, request.id, actor_for(holder))
    request = _fresh(request)
    assert (request.status, request.claimed_by_staff_id) == ("pending", None)
    # A supervisor may free a colleague's claim.
    _claimed(colleague, request)
    review.release(supervisor, request.id, actor_for(supervisor))
    assert _fresh(request).claimed_by_staff_id is None
    assert _actions(request.id) == ["review.claimed", "review.released", "review.claimed",
                                    "review.released"]


def test_a_request_nobody_claimed_within_30_days_cannot_be_claimed(app):
    officer = make_officer()
    request = make_change_request(beneficiary=_beneficiary(),
                                  created_at=datetime.now(UTC) - timedelta(days=31))
    with pytest.raises(review.Refused) as refused:
        review.claim(officer, request.id, actor_for(officer))
    assert refused.value.reason == "expired"
    assert _fresh(request).claimed_by_staff_id is None
    assert review.queue(officer, review.QueueFilter(status="waiting")).rows == []
    assert review.claim_next(officer, actor_for(officer)) is None


def test_claim_next_takes_the_oldest_waiting_request(app):
    commune = make_commune()
    officer = make_officer(commune=commune)
    other = make_officer(commune=commune)
    now = datetime.now(UTC)
    oldest = make_change_request(beneficiary=_beneficiary(), created_at=now - timedelta(days=3))
    middle = make_change_request(beneficiary=_beneficiary(), created_at=now - timedelta(days=2))
    make_change_request(beneficiary=_beneficiary(), created_at=now - timedelta(days=1))
    _claimed(other, oldest)
    assert review.claim_next(officer, actor_for(officer)).id == middle.id


# --- Decisions ---


@time_machine.travel(TUESDAY_10_MARCH, tick=False)
def test_approval_activates_the_new_account_from_the_next_cut_off(app):
    officer = make_officer()
    beneficiary = _beneficiary()
    old = addresses.active_address(beneficiary.id)
    request = _claimed(officer, make_change_request(beneficiary=beneficiary))
    decision = review.approve(officer, request.id, request.version, actor_for(officer))
    assert decision.outcome == "approved"
    assert decision.effective_from == date(2026, 3, 20)
    request = _fresh(request)
    assert request.status == "approved"
    assert request.effective_from == date(2026, 3, 20)
    assert request.decided_by_staff_id == officer.id
    assert request.previous_address_id == old.id
    new = db.session.get(FinancialAddress, request.proposed_address_id)
    old = db.session.get(FinancialAddress, old.id)
    assert (new.status, new.active_from) == ("active", date(2026, 3, 20))
    assert (old.status, old.active_until) == ("superseded", date(2026, 3, 20))
    # Until the cut-off the old account is still the one payments use; then the new one.
    assert addresses.effective_address(beneficiary.id, date(2026, 3, 19)).id == old.id
    assert addresses.effective_address(beneficiary.id, date(2026, 3, 20)).id == new.id
    assert _actions(request.id)[-1] == "review.approved"
    assert verify_chain().ok


def test_approval_on_or_after_the_cut_off_day_takes_effect_the_next_month(app):
    officer = make_officer()
    request = make_change_request(beneficiary=_beneficiary())
    with time_machine.travel(datetime(2026, 3, 20, 2, 0, tzinfo=UTC), tick=False):
        request = _claimed(officer, request)
        decision = review.approve(officer, request.id, request.version, actor_for(officer))
    assert decision.effective_from == date(2026, 4, 20)


@time_machine.travel(TUESDAY_10_MARCH, tick=False)
def test_the_beneficiary_is_told_of_an_approval_by_sms(app):
    officer = make_officer()
    beneficiary = _beneficiary()
    request = _claimed(officer, make_change_request(beneficiary=beneficiary,
                                                    number="0011009876543"))
    review.approve(officer, request.id, request.version, actor_for(officer))
    message = db.session.scalar(select(Notification).where(Notification.kind ==
                                                           "change_approved"))
    assert message.phone == beneficiary.person.phone
    assert message.change_request_id == request.id
    assert request.reference in message.text
    assert "20/03/2026" in message.text
    assert "Vietcombank *6543" in message.text
    assert "0011009876543" not in message.text
    assert message.report_code and message.report_code in message.text


def test_a_rejection_tells_the_beneficiary_why_and_what_to_do(app):
    officer = make_officer()
    beneficiary = _beneficiary()
    request = _claimed(officer, make_change_request(beneficiary=beneficiary))
    old = addresses.active_address(beneficiary.id)
    decision = review.reject(officer, request.id, request.version, "holder_name_mismatch",
                             "Checked with the bank by phone", actor_for(officer))
    assert decision.outcome == "rejected"
    request = _fresh(request)
    assert (request.status, request.reject_reason) == ("rejected", "holder_name_mismatch")
    assert request.decision_note == "Checked with the bank by phone"
    assert db.session.get(FinancialAddress, request.proposed_address_id).status == "rejected"
    assert addresses.active_address(beneficiary.id).id == old.id
    message = db.session.scalar(select(Notification).where(Notification.kind ==
                                                           "change_rejected"))
    assert "Link an account in your own name" in message.text
    assert "lien ket tai khoan dung ten ban" in message.text
    assert _actions(request.id)[-1] == "review.rejected"


def test_a_rejection_needs_a_reason_from_the_list_and_a_note_for_other(app):
    officer = make_officer()
    request = _claimed(officer, make_change_request(beneficiary=_beneficiary()))
    with pytest.raises(review.ValidationError):
        review.reject(officer, request.id, request.version, "because", None, actor_for(officer))
    with pytest.raises(review.ValidationError):
        review.reject(officer, request.id, request.version, "other", "  ", actor_for(officer))
    with pytest.raises(review.ValidationError):
        review.reject(officer, request.id, request.version, "other", "x" * 1001,
                      actor_for(officer))
    assert _fresh(request).status == "in_review"
    review.reject(officer, request.id, request.version, "other", "Called the beneficiary",
                  actor_for(officer))
    assert _fresh(request).status == "rejected"


def test_deciding_needs_a_current_claim_of_ones_own(app):
    commune = make_commune()
    officer = make_officer(commune=commune)
    colleague = make_officer(commune=commune)
    request = make_change_request(beneficiary=_beneficiary())
    with pytest.raises(review.Refused) as refused:
        review.approve(officer, request.id, request.version, actor_for(officer))
    assert refused.value.reason == "not_claimed"
    request = _claimed(colleague, request)
    with pytest.raises(review.Refused) as refused:
        review.reject(officer, request.id, request.version, "other", "note", actor_for(officer))
    assert refused.value.reason == "not_claimed"
    assert _fresh(request).status == "in_review"


def test_a_stale_version_is_refused_and_nothing_changes(app):
    officer = make_officer()
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary)
    seen = request.version  # the reviewer read the page, then claimed it in another tab
    request = _claimed(officer, request)
    with pytest.raises(review.Refused) as refused:
        review.approve(officer, request.id, seen, actor_for(officer))
    assert refused.value.reason == "stale"
    request = _fresh(request)
    assert request.status == "in_review"
    assert db.session.get(FinancialAddress, request.proposed_address_id).status == "proposed"
    assert db.session.scalar(select(Notification).where(Notification.kind ==
                                                        "change_approved")) is None
    assert "review.decision_refused" in _actions(request.id)


def test_a_decision_is_never_applied_twice(app):
    officer = make_officer()
    request = _claimed(officer, make_change_request(beneficiary=_beneficiary()))
    version = request.version
    review.approve(officer, request.id, version, actor_for(officer))
    with pytest.raises(review.Refused) as refused:
        review.approve(officer, request.id, version, actor_for(officer))
    assert refused.value.reason == "stale"
    with pytest.raises(review.Refused) as refused:
        review.reject(officer, request.id, _fresh(request).version, "other", "x",
                      actor_for(officer))
    assert refused.value.reason == "closed"
    assert _actions(request.id).count("review.approved") == 1
    assert len(db.session.scalars(select(Notification)).all()) == 1


def test_a_change_made_elsewhere_between_reading_and_writing_is_refused(app):
    officer = make_officer()
    request = _claimed(officer, make_change_request(beneficiary=_beneficiary()))
    version = request.version
    # The beneficiary cancels in the same moment, through another connection.
    with db.engine.begin() as connection:
        connection.execute(
            ChangeRequest.__table__.update()
            .where(ChangeRequest.id == request.id)
            .values(status="cancelled", version=version + 1)
        )
    with pytest.raises(review.Refused) as refused:
        review.approve(officer, request.id, version, actor_for(officer))
    assert refused.value.reason == "stale"
    assert _fresh(request).status == "cancelled"


# --- Two approvals for a high-risk request ---


@time_machine.travel(TUESDAY_10_MARCH, tick=False)
def test_a_failing_check_needs_an_officer_and_then_a_different_supervisor(app):
    commune = make_commune()
    officer = make_officer(commune=commune)
    other_officer = make_officer(commune=commune)
    supervisor = make_supervisor()
    second_supervisor = make_supervisor()
    beneficiary = _beneficiary()
    request = make_change_request(
        beneficiary=beneficiary, holder_name="TRAN VAN B", high_risk=True,
        checks=[failing_name_check(beneficiary, "TRAN VAN B")],
    )
    request = _claimed(officer, request)
    decision = review.approve(officer, request.id, request.version, actor_for(officer))
    assert decision.outcome == "first_approval"
    request = _fresh(request)
    assert request.status == "in_review"
    assert request.first_approved_by_staff_id == officer.id
    assert request.claimed_by_staff_id is None
    assert db.session.get(FinancialAddress, request.proposed_address_id).status == "proposed"
    assert db.session.scalars(select(Notification)).all() == []

    # No officer can give the second approval, the first approver included.
    for staff in (officer, other_officer):
        with pytest.raises(review.Refused) as refused:
            review.claim(staff, request.id, actor_for(staff))
        assert refused.value.reason == "needs_supervisor"

    request = _claimed(supervisor, request)
    decision = review.approve(supervisor, request.id, request.version, actor_for(supervisor))
    assert decision.outcome == "approved"
    request = _fresh(request)
    assert (request.status, request.decided_by_staff_id) == ("approved", supervisor.id)
    assert request.first_approved_by_staff_id == officer.id
    assert _actions(request.id) == ["review.claimed", "review.first_approved",
                                    "review.claimed", "review.approved"]
    assert second_supervisor.id != supervisor.id


def test_a_supervisor_who_gave_the_first_approval_cannot_give_the_second(app):
    first = make_supervisor()
    second = make_supervisor()
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary, high_risk=True,
                                  checks=[failing_name_check(beneficiary, "X")])
    request = _claimed(first, request)
    review.approve(first, request.id, request.version, actor_for(first))
    with pytest.raises(review.Refused) as refused:
        review.claim(first, request.id, actor_for(first))
    assert refused.value.reason == "same_approver"
    request = _claimed(second, request)
    assert review.approve(second, request.id, request.version,
                          actor_for(second)).outcome == "approved"


def test_a_failing_check_alone_makes_a_request_need_two_approvals(app):
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary, high_risk=False,
                                  checks=[failing_name_check(beneficiary, "X")])
    assert review.needs_second_approval(request)


# --- Maker-checker ---


def test_whoever_opened_a_request_can_never_decide_it(app):
    commune = make_commune()
    maker = make_officer(commune=commune)
    request = make_change_request(beneficiary=_beneficiary(), opened_by_kind="support",
                                  opened_by_staff_id=maker.id)
    with pytest.raises(review.Refused) as refused:
        review.claim(maker, request.id, actor_for(maker))
    assert refused.value.reason == "conflict"
    # Even holding a claim (given before the rule could see it) does not let them approve.
    db.session.execute(
        ChangeRequest.__table__.update().where(ChangeRequest.id == request.id)
        .values(claimed_by_staff_id=maker.id, claimed_at=datetime.now(UTC), status="in_review")
    )
    db.session.commit()
    request = _fresh(request)
    with pytest.raises(review.Refused) as refused:
        review.approve(maker, request.id, request.version, actor_for(maker))
    assert refused.value.reason == "conflict"
    assert _fresh(request).status == "in_review"
    assert _actions(request.id) == ["review.decision_refused"]


def test_a_staff_member_who_helped_as_family_cannot_decide(app):
    helper = make_person(full_name="Trần Thị Mai", birth_date=date(1972, 8, 2))
    officer = make_officer()
    officer.id_number_index = id_number_index(helper.id_number)
    db.session.commit()
    request = make_change_request(beneficiary=_beneficiary(), opened_by_kind="helper",
                                  opened_by_person_id=helper.id)
    with pytest.raises(review.Refused) as refused:
        review.claim(officer, request.id, actor_for(officer))
    assert refused.value.reason == "conflict"
    assert "family helper" in refused.value.message


def test_nobody_decides_a_request_about_themselves(app):
    beneficiary = _beneficiary(full_name="Đỗ Thị Hạnh")
    officer = make_officer()
    officer.id_number_index = id_number_index(beneficiary.person.id_number)
    db.session.commit()
    request = make_change_request(beneficiary=beneficiary)
    with pytest.raises(review.Refused) as refused:
        review.claim(officer, request.id, actor_for(officer))
    assert "about you" in refused.value.message


def test_a_request_of_a_person_since_deceased_cannot_be_approved(app):
    officer = make_officer()
    beneficiary = _beneficiary()
    request = _claimed(officer, make_change_request(beneficiary=beneficiary))
    beneficiary.person.status = "deceased"
    db.session.commit()
    with pytest.raises(review.Refused) as refused:
        review.approve(officer, request.id, _fresh(request).version, actor_for(officer))
    assert refused.value.reason == "deceased"


# --- Reveal, log, queue, dashboard ---


def test_revealing_a_full_number_needs_a_reason_and_is_audited(app):
    officer = make_officer()
    request = make_change_request(beneficiary=_beneficiary(), number="0011009876543")
    proposed = request.proposed_address_id
    with pytest.raises(review.ValidationError):
        review.reveal_number(officer, request.id, proposed, "", None, actor_for(officer))
    with pytest.raises(review.ValidationError):
        review.reveal_number(officer, request.id, proposed, "other", "", actor_for(officer))
    assert "review.number_revealed" not in _actions()
    revealed = review.reveal_number(officer, request.id, proposed, "other",
                                    "Bank form 0011009876543 checked", actor_for(officer))
    assert revealed.number == "0011009876543"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                       "review.number_revealed"))
    assert event.details["reason"] == "other"
    assert event.details["which"] == "proposed"
    assert "0011009876543" not in str(event.details)
    current = review.reveal_number(officer, request.id, request.previous_address_id,
                                   "paper_form", None, actor_for(officer))
    assert current.number == "1506205123456"
    # Only the request's own two addresses: any other address id is not found.
    other = make_change_request(beneficiary=_beneficiary())
    with pytest.raises(review.NotFound):
        review.reveal_number(officer, request.id, other.proposed_address_id, "paper_form", None,
                             actor_for(officer))


def test_the_audit_log_of_a_person_is_found_within_the_reviewers_area(app):
    home = make_commune(code="08701", name="Phường Cao Lãnh")
    other = make_commune(code="08702", name="Xã Tháp Mười")
    officer = make_officer(commune=home)
    beneficiary = _beneficiary(commune=home)
    stranger = _beneficiary(commune=other)
    request = _claimed(officer, make_change_request(beneficiary=beneficiary))
    log = review.beneficiary_log(officer, beneficiary.person.id_number, actor_for(officer))
    actions = [event.action for event in log.events]
    assert actions[0] == "review.audit_searched"  # newest first: the look-up itself
    assert "review.claimed" in actions
    assert request.id
    with pytest.raises(review.NotFound):
        review.beneficiary_log(officer, stranger.person.id_number, actor_for(officer))


def test_the_queue_filters_by_status_risk_and_commune(app):
    cao_lanh = make_commune(code="08701", name="Phường Cao Lãnh")
    thap_muoi = make_commune(code="08702", name="Xã Tháp Mười")
    supervisor = make_supervisor()
    officer = make_officer(commune=cao_lanh)
    now = datetime.now(UTC)
    normal = make_change_request(beneficiary=_beneficiary(commune=cao_lanh),
                                 created_at=now - timedelta(days=2))
    risky = make_change_request(beneficiary=_beneficiary(commune=thap_muoi), high_risk=True,
                                created_at=now - timedelta(days=3))
    closed = make_change_request(beneficiary=_beneficiary(commune=cao_lanh), status="rejected")
    _claimed(officer, normal)

    def ids(**filters):
        return [row.request.id for row in review.queue(supervisor,
                                                       review.QueueFilter(**filters)).rows]

    assert ids() == [risky.id, normal.id]  # oldest first
    assert ids(risk="high") == [risky.id]
    assert ids(risk="normal") == [normal.id]
    assert ids(commune="08701") == [normal.id]
    assert ids(status="waiting") == [risky.id]
    assert ids(status="in_review") == [normal.id]
    assert ids(status="rejected") == [closed.id]
    assert ids(status="all") == [risky.id, normal.id, closed.id]


def test_working_days_skip_weekends():
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert review.working_days_between(friday, monday) == 1
    assert review.working_days_between(friday, friday) == 0
    assert review.working_days_between(monday, date(2026, 3, 16)) == 5
    assert review.working_days_between(monday, date(2026, 3, 17)) == 6
    assert review.working_days_between(monday, friday) == 0


@time_machine.travel(datetime(2026, 3, 17, 3, 0, tzinfo=UTC), tick=False)
def test_requests_past_five_working_days_are_overdue(app):
    officer = make_officer()
    monday = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
    old = make_change_request(beneficiary=_beneficiary(), created_at=monday)
    recent = make_change_request(beneficiary=_beneficiary(),
                                 created_at=monday + timedelta(days=1))
    rows = {row.request.id: row for row in review.queue(officer, review.QueueFilter()).rows}
    assert (rows[old.id].working_days, rows[old.id].overdue) == (6, True)
    assert (rows[recent.id].working_days, rows[recent.id].overdue) == (5, False)


def test_notes_in_the_audit_log_never_keep_long_numbers():
    assert review.scrub_numbers("acct 0011009876543, ref 12345") == "acct •••••••••••••, ref 12345"
