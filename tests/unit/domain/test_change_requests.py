"""Change requests: one open at a time, cancel, expiry, and a code bound to what was reviewed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from domain import addresses, change_lock, change_requests, cycles, otp
from domain.actors import Actor
from domain.change_requests import ChangeContent, ChangeRefused
from domain.errors import ValidationError
from domain.models import AuditEvent, ChangeRequest, FinancialAddress, Notification
from domain.providers import Provider, all_providers
from domain.vietqr import VietQR, encode, static_payload
from extensions import db
from tests.change_factories import citizen, content, make_change_request, make_sim_account
from tests.factories import make_beneficiary, make_staff

CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


@pytest.fixture
def beneficiary(app):
    return make_beneficiary(full_name="Nguyễn Văn An", phone="0903123456",
                            account=("bank", "970405", "1506205123456"))


def _messages(phone: str) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.phone == phone).order_by(Notification.id)
    ))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _last_code(phone: str) -> str:
    (code,) = CODE.findall(_messages(phone)[-1].text)
    return code


# --- Content and validation ---


def test_content_asks_the_bank_for_the_holder_name(beneficiary):
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN VAN AN")
    found = change_requests.content_for(beneficiary, "bank", "970436", "0071 000.123456")
    assert found == ChangeContent("bank", "970436", "0071000123456", "NGUYEN VAN AN")
    assert found.masked_number == "•••• 3456"
    assert change_requests.holder_matches(beneficiary, found)


def test_unknown_accounts_get_a_made_up_holder_that_does_not_match(beneficiary):
    found = change_requests.content_for(beneficiary, "bank", "970436", "0071000999999")
    assert found.holder_name
    assert found.holder_name == change_requests.content_for(
        beneficiary, "bank", "970436", "0071000999999"
    ).holder_name
    assert not change_requests.holder_matches(beneficiary, found)


@pytest.mark.parametrize(
    ("kind", "provider_code", "number", "words"),
    [
        ("cash", None, "", "Choose how you want to be paid"),
        ("bank", "momo", "0071000123456", "Choose your bank"),
        ("bank", "999999", "0071000123456", "Choose your bank"),
        ("ewallet", "970436", "0903123456", "Choose the provider"),
        ("bank", "970436", "12ab", "digits only"),
        ("bank", "970436", "123", "10 to 14 digits"),
        ("ewallet", "momo", "12345", "10 digits starting with 0"),
        ("mobile_money", "viettelmoney", "0912345678", "Viettel"),
        ("mobile_money", "vnptmoney", "0987654321", "VinaPhone"),
        ("mobile_money", "mobifonemoney", "0912345678", "MobiFone"),
    ],
)
def test_content_refuses_what_a_person_can_correct(beneficiary, kind, provider_code, number,
                                                    words):
    with pytest.raises(ValidationError) as caught:
        change_requests.content_for(beneficiary, kind, provider_code, number)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("provider_code", "number"),
    [("viettelmoney", "0987654321"), ("vnptmoney", "0912345678"),
     ("mobifonemoney", "0903123456")],
)
def test_mobile_money_numbers_of_the_right_carrier(beneficiary, provider_code, number):
    assert change_requests.content_for(beneficiary, "mobile_money", provider_code,
                                       number).number == number


@given(st.text(), st.sampled_from(all_providers()))
def test_normalize_number_only_raises_validation_error(text: str, provider: Provider) -> None:
    try:
        number = change_requests.normalize_number(provider, text)
    except ValidationError:
        return
    assert number.isdigit() and len(number) <= 19


def test_the_account_in_force_is_refused(beneficiary):
    with pytest.raises(ValidationError, match="already paid into this account"):
        change_requests.content_for(beneficiary, "bank", "970405", "1506 2051 23456")


def test_content_from_a_vietqr_code(beneficiary):
    found = change_requests.content_from_vietqr(
        beneficiary, "  " + static_payload("970436", "0071000123456") + "\n"
    )
    assert (found.kind, found.provider_code, found.number) == ("bank", "970436", "0071000123456")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Paste the code text"),
        ("hello", "not a VietQR code"),
        (static_payload("970436", "0071000123456")[:-1] + "0", "check digits"),
        (encode(VietQR(bin="970436", account="0071000123456", service="QRIBFTTC")), "card"),
        (static_payload("999999", "0071000123456"), "cannot pay into"),
        (static_payload("970436", "12"), "10 to 14 digits"),
    ],
)
def test_vietqr_codes_that_cannot_be_used(beneficiary, text, words):
    with pytest.raises(ValidationError) as caught:
        change_requests.content_from_vietqr(beneficiary, text)
    assert words in str(caught.value)


# --- Submitting ---


def test_submit_records_a_pending_request_and_keeps_the_account_in_force(beneficiary):
    current = addresses.active_address(beneficiary.id)
    with time_machine.travel(datetime(2026, 3, 5, 3, 0, tzinfo=UTC), tick=False):
        request = make_change_request(beneficiary=beneficiary)
    assert re.fullmatch(r"YC-[A-Z2-9]{4}-[A-Z2-9]{4}", request.reference)
    assert request.status == "pending"
    assert request.opened_by_kind == "self"
    assert request.expires_at == datetime(2026, 4, 4, 3, 0, tzinfo=UTC)
    assert request.previous_address_id == current.id
    proposed = request.proposed_address
    assert proposed.status == "proposed"
    assert proposed.number_last4 == "3456"
    assert addresses.full_number(proposed) == "0071000123456"
    assert b"0071000123456" not in proposed.number_encrypted
    assert addresses.active_address(beneficiary.id).id == current.id
    assert [check["code"] for check in request.checks][:2] == ["holder_name", "registry_status"]
    assert "change_request.submitted" in _actions()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "change_request.submitted")
    )
    assert "0071000123456" not in str(event.details)
    assert event.on_behalf_of_person_id == beneficiary.person_id


def test_submission_tells_the_registered_phone_with_a_report_code(beneficiary):
    request = make_change_request(beneficiary=beneficiary)
    (message,) = _messages("0903123456")
    assert request.reference in message.text
    assert message.report_code and message.report_code in message.text
    assert message.change_request_id == request.id
    assert "Vietcombank •••• 3456" in message.text
    assert "0071000123456" not in message.text


def test_a_wallet_on_another_number_gets_a_notice_too(beneficiary):
    request = make_change_request(beneficiary=beneficiary, kind="ewallet", provider_code="momo",
                                  number="0977111222")
    (notice,) = _messages("0977111222")
    assert notice.kind == "change_new_number"
    assert notice.report_code in notice.text
    assert notice.change_request_id == request.id
    assert len(_messages("0903123456")) == 1


def test_a_wallet_on_the_registered_phone_gets_no_second_notice(beneficiary):
    make_change_request(beneficiary=beneficiary, kind="ewallet", provider_code="momo",
                        number="0903123456")
    assert [m.kind for m in _messages("0903123456")] == ["change_submitted"]


def test_one_open_request_per_beneficiary(beneficiary):
    first = make_change_request(beneficiary=beneficiary)
    with pytest.raises(ChangeRefused) as caught:
        make_change_request(beneficiary=beneficiary, number="0071000654321")
    assert caught.value.reason == "open_request"
    assert caught.value.request.id == first.id
    first.status = "in_review"
    db.session.commit()
    assert change_requests.blocker(beneficiary).reason == "open_request"
    first.status = "rejected"
    first.closed_at = datetime.now(UTC)
    db.session.commit()
    assert change_requests.blocker(beneficiary) is None
    make_change_request(beneficiary=beneficiary, number="0071000654321")


def test_requests_of_different_beneficiaries_do_not_block_each_other(beneficiary):
    other = make_beneficiary(full_name="Trần Thị Mai")
    make_change_request(beneficiary=beneficiary)
    assert change_requests.blocker(other) is None


def test_a_deceased_or_ended_beneficiary_cannot_change(beneficiary):
    beneficiary.status = "ended"
    db.session.commit()
    assert change_requests.blocker(beneficiary).reason == "not_active"
    with pytest.raises(ChangeRefused):
        make_change_request(beneficiary=beneficiary)


# --- Cancelling ---


def test_cancel_a_pending_request(beneficiary):
    request = make_change_request(beneficiary=beneficiary)
    change_requests.cancel(beneficiary, request, citizen(beneficiary))
    assert request.status == "cancelled"
    assert request.closed_at is not None
    assert request.proposed_address.status == "withdrawn"
    cancelled = _messages("0903123456")[-1]
    assert cancelled.kind == "change_cancelled"
    assert request.reference in cancelled.text and cancelled.report_code in cancelled.text
    assert "change_request.cancelled" in _actions()
    assert change_requests.blocker(beneficiary) is None


def test_a_claimed_request_cannot_be_cancelled(beneficiary):
    officer = make_staff()
    request = make_change_request(beneficiary=beneficiary, claimed_by=officer)
    assert not change_requests.can_cancel(request)
    with pytest.raises(ChangeRefused) as caught:
        change_requests.cancel(beneficiary, request, citizen(beneficiary))
    assert caught.value.reason == "not_cancellable"
    db.session.refresh(request)
    assert request.status == "pending"


def test_closed_requests_cannot_be_cancelled(beneficiary):
    request = make_change_request(beneficiary=beneficiary, status="rejected")
    with pytest.raises(ChangeRefused) as caught:
        change_requests.cancel(beneficiary, request, citizen(beneficiary))
    assert caught.value.reason == "closed"


def test_nobody_cancels_another_beneficiary_s_request(beneficiary):
    other = make_beneficiary(full_name="Trần Thị Mai")
    request = make_change_request(beneficiary=beneficiary)
    with pytest.raises(PermissionError):
        change_requests.cancel(other, request, citizen(other))
    assert change_requests.find_request(other, request.id) is None
    assert change_requests.find_request(beneficiary, request.id).id == request.id


# --- Expiry ---


def test_a_request_expires_30_days_after_submission_when_read(beneficiary):
    start = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        request = make_change_request(beneficiary=beneficiary)
    with time_machine.travel(start + timedelta(days=29, hours=23), tick=False):
        assert change_requests.open_request(beneficiary).id == request.id
    with time_machine.travel(start + timedelta(days=30), tick=False):
        assert change_requests.open_request(beneficiary) is None
    db.session.refresh(request)
    assert request.status == "expired"
    assert request.proposed_address.status == "withdrawn"
    assert _messages("0903123456")[-1].kind == "change_expired"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "change_request.expired")
    )
    assert event.actor_kind == "system"


def test_requests_under_review_do_not_expire(beneficiary):
    start = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        request = make_change_request(beneficiary=beneficiary, status="in_review",
                                      claimed_by=make_staff())
    with time_machine.travel(start + timedelta(days=90), tick=False):
        assert change_requests.expire_overdue() == 0
        assert change_requests.open_request(beneficiary).id == request.id


def test_the_expire_command(app, beneficiary):
    other = make_beneficiary(full_name="Trần Thị Mai")
    start = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        make_change_request(beneficiary=beneficiary)
    with time_machine.travel(start + timedelta(days=10), tick=False):
        make_change_request(beneficiary=other)
    runner = app.test_cli_runner()
    with time_machine.travel(start + timedelta(days=31), tick=False):
        result = runner.invoke(args=["requests", "expire"])
        assert result.exit_code == 0, result.output
        assert "Expired 1 change request." in result.output
        result = runner.invoke(args=["requests", "expire"])
        assert "Expired 0 change requests." in result.output
    statuses = sorted(db.session.scalars(select(ChangeRequest.status)))
    assert statuses == ["expired", "pending"]


# --- The one-time code is bound to the reviewed content ---


def test_the_code_confirms_exactly_the_reviewed_content(beneficiary):
    actor = citizen(beneficiary)
    reviewed = content(beneficiary)
    challenge = change_requests.send_code(beneficiary, reviewed, actor)
    sms = _messages("0903123456")[-1].text
    assert "Vietcombank •••• 3456" in sms
    assert len(CODE.findall(sms)) == 1
    assert challenge.purpose == "confirm_change"
    assert challenge.binding_hash == change_requests.binding_hash(beneficiary, reviewed)

    confirmed = change_requests.confirm(beneficiary, challenge, _last_code("0903123456"),
                                        reviewed, actor)
    assert confirmed.outcome is otp.Outcome.ACCEPTED
    assert confirmed.request.status == "pending"
    assert confirmed.request.proposed_address.number_last4 == "3456"


def test_a_code_for_one_review_cannot_confirm_another(beneficiary):
    actor = citizen(beneficiary)
    reviewed = content(beneficiary)
    challenge = change_requests.send_code(beneficiary, reviewed, actor)
    code = _last_code("0903123456")
    other = content(beneficiary, number="0071000999999")
    confirmed = change_requests.confirm(beneficiary, challenge, code, other, actor)
    assert confirmed.outcome is otp.Outcome.MISMATCH
    assert confirmed.request is None
    assert db.session.scalar(select(ChangeRequest)) is None
    # The challenge is over: not even the reviewed content can use it now.
    again = change_requests.confirm(beneficiary, challenge, code, reviewed, actor)
    assert again.outcome is otp.Outcome.CLOSED


def test_the_binding_covers_every_field_and_the_beneficiary(beneficiary):
    other = make_beneficiary(full_name="Trần Thị Mai")
    reviewed = ChangeContent("bank", "970436", "0071000123456", "NGUYEN VAN AN")
    bindings = {
        change_requests.binding_hash(beneficiary, reviewed),
        change_requests.binding_hash(other, reviewed),
        change_requests.binding_hash(beneficiary, ChangeContent(
            "bank", "970418", "0071000123456", "NGUYEN VAN AN")),
        change_requests.binding_hash(beneficiary, ChangeContent(
            "bank", "970436", "0071000123457", "NGUYEN VAN AN")),
        change_requests.binding_hash(beneficiary, ChangeContent(
            "bank", "970436", "0071000123456", "NGUYEN VAN ANH")),
    }
    assert len(bindings) == 5


def test_wrong_codes_count_down_and_a_used_code_is_spent(beneficiary):
    actor = citizen(beneficiary)
    reviewed = content(beneficiary)
    challenge = change_requests.send_code(beneficiary, reviewed, actor)
    code = _last_code("0903123456")
    wrong = "000000" if code != "000000" else "111111"
    confirmed = change_requests.confirm(beneficiary, challenge, wrong, reviewed, actor)
    assert confirmed.outcome is otp.Outcome.WRONG
    assert confirmed.attempts_left == 4
    assert change_requests.confirm(beneficiary, challenge, code, reviewed,
                                   actor).outcome is otp.Outcome.ACCEPTED
    assert change_requests.confirm(beneficiary, challenge, code, reviewed,
                                   actor).outcome is otp.Outcome.CLOSED
    assert db.session.query(ChangeRequest).count() == 1


def test_a_code_is_not_sent_while_a_change_cannot_start(beneficiary):
    make_change_request(beneficiary=beneficiary)
    with pytest.raises(ChangeRefused):
        change_requests.send_code(beneficiary, content(beneficiary, number="0071000999999"),
                                  citizen(beneficiary))


def test_a_refusal_after_the_code_keeps_the_code_spent(beneficiary):
    actor = citizen(beneficiary)
    reviewed = content(beneficiary)
    challenge = change_requests.send_code(beneficiary, reviewed, actor)
    code = _last_code("0903123456")
    make_change_request(beneficiary=beneficiary, number="0071000999999")  # e.g. another tab
    confirmed = change_requests.confirm(beneficiary, challenge, code, reviewed, actor)
    assert confirmed.refused.reason == "open_request"
    db.session.refresh(challenge)
    assert challenge.status == "used"


def test_resend_refuses_other_content(beneficiary):
    actor = citizen(beneficiary)
    challenge = change_requests.send_code(beneficiary, content(beneficiary), actor)
    with pytest.raises(ValidationError):
        change_requests.resend_code(beneficiary, challenge,
                                    content(beneficiary, number="0071000999999"), actor)


# --- The lock on online changes ---


def test_the_lock_refuses_changes_and_unlocking_waits_24_hours(beneficiary):
    actor = citizen(beneficiary)
    challenge = change_lock.send_code(beneficiary, True, actor)
    assert challenge.purpose == "lock_on"
    checked = change_lock.confirm(beneficiary, challenge, _last_code("0903123456"), True, actor)
    assert checked.outcome is otp.Outcome.ACCEPTED
    assert beneficiary.online_changes_locked
    assert change_requests.blocker(beneficiary).reason == "locked"
    with pytest.raises(ChangeRefused):
        change_requests.send_code(beneficiary, content(beneficiary), actor)
    with pytest.raises(ChangeRefused):
        make_change_request(beneficiary=beneficiary)

    unlocked_at = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    with time_machine.travel(unlocked_at, tick=False):
        challenge = change_lock.send_code(beneficiary, False, actor)
        change_lock.confirm(beneficiary, challenge, _last_code("0903123456"), False, actor)
        assert not beneficiary.online_changes_locked
        assert beneficiary.changes_allowed_from == unlocked_at + timedelta(hours=24)
        refused = change_requests.blocker(beneficiary)
        assert refused.reason == "cooling_off"
        assert refused.params["until"] == unlocked_at + timedelta(hours=24)
    notice = _messages("0903123456")[-1]
    assert notice.kind == "lock_off" and notice.report_code in notice.text
    with time_machine.travel(unlocked_at + timedelta(hours=24), tick=False):
        assert change_requests.blocker(beneficiary) is None
    assert {"change_lock.on", "change_lock.off"} <= set(_actions())


def test_a_lock_code_is_bound_to_its_direction(beneficiary):
    actor = citizen(beneficiary)
    challenge = change_lock.send_code(beneficiary, True, actor)
    checked = change_lock.confirm(beneficiary, challenge, _last_code("0903123456"), False, actor)
    assert checked.outcome is otp.Outcome.MISMATCH
    assert not beneficiary.online_changes_locked


def test_only_the_beneficiary_switches_their_lock(beneficiary):
    helper = Actor("citizen", beneficiary.person_id + 1000, None, None, "127.0.0.1")
    with pytest.raises(PermissionError):
        change_lock.send_code(beneficiary, True, helper)


def test_the_lock_cannot_be_switched_to_the_state_it_is_in(beneficiary):
    with pytest.raises(ValidationError, match="not locked"):
        change_lock.send_code(beneficiary, False, citizen(beneficiary))


# --- What the home page shows of a request ---


@pytest.mark.parametrize(
    ("status", "states"),
    [
        ("pending", ["done", "todo", "todo"]),
        ("in_review", ["done", "current", "todo"]),
        ("approved", ["done", "done", "done"]),
        ("rejected", ["done", "done", "bad"]),
        ("cancelled", ["done", "bad"]),
        ("expired", ["done", "bad"]),
    ],
)
def test_timeline(beneficiary, status, states):
    request = make_change_request(beneficiary=beneficiary, status=status)
    assert [step.state for step in change_requests.timeline(request)] == states


def test_rejection_reasons_read_for_the_beneficiary(beneficiary):
    request = make_change_request(beneficiary=beneficiary, status="rejected")
    request.reject_reason = "holder_name_mismatch"
    assert "your own name" in change_requests.reject_reason_text(request)
    request.reject_reason = "a_code_this_module_does_not_know"
    assert change_requests.reject_reason_text(request) == change_requests.REJECT_REASONS["other"]


def test_effective_from_the_next_cutoff(app):
    with time_machine.travel(datetime(2026, 3, 19, 3, 0, tzinfo=UTC), tick=False):
        assert change_requests.effective_if_approved_now() == cycles.next_cutoff()
        assert change_requests.effective_if_approved_now().isoformat() == "2026-03-20"


def test_addresses_are_not_duplicated_by_a_rejected_submission(beneficiary):
    make_change_request(beneficiary=beneficiary)
    before = db.session.query(FinancialAddress).count()
    with pytest.raises(ChangeRefused):
        make_change_request(beneficiary=beneficiary, number="0071000999999")
    db.session.rollback()
    assert db.session.query(FinancialAddress).count() == before


@pytest.mark.postgres_only
def test_two_submissions_at_once_leave_one_open_request(app, beneficiary):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    import threading

    from domain.models import Beneficiary

    reviewed = [content(beneficiary), content(beneficiary, number="0071000999999")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(which: ChangeContent) -> None:
        with app.app_context():
            mine = db.session.get(Beneficiary, beneficiary.id)
            barrier.wait()
            try:
                change_requests.submit_change(mine, which, citizen(mine))
                outcomes.append("submitted")
            except ChangeRefused as refused:
                outcomes.append(refused.reason)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(which,)) for which in reviewed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["open_request", "submitted"]
    assert db.session.query(ChangeRequest).count() == 1
