"""Staff sign-in rules: passwords, one-time TOTP codes, lockouts, set-up links, resets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import func, select

from domain import staff_auth
from domain.actors import Actor
from domain.errors import ValidationError
from domain.models import AuditEvent, AuthSession, SigninLockout, StaffSigninFailure, StaffUser
from domain.security import decrypt
from extensions import db
from tests.factories import make_commune
from tests.review_factories import (
    STAFF_PASSWORD,
    STAFF_SECRET,
    actor_for,
    make_admin,
    make_officer,
)

NOON = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
ANONYMOUS = Actor("anonymous", client_address="10.0.0.1")


def _password_step(staff, password=STAFF_PASSWORD):
    step = staff_auth.check_password(staff.username, password, ANONYMOUS)
    return step, staff_auth.pending(step.token)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_right_password_opens_a_pending_session_not_a_full_one(app):
    officer = make_officer()
    step, row = _password_step(officer)
    assert step.result is staff_auth.Result.NEEDS_CODE
    assert row.stage == "password" and row.staff_id == officer.id


@time_machine.travel(NOON, tick=False)
def test_a_code_signs_in_once_and_never_again(app):
    officer = make_officer()
    code = pyotp.TOTP(STAFF_SECRET).now()
    step, row = _password_step(officer)
    signed_in = staff_auth.verify_code(row, code, ANONYMOUS)
    assert signed_in.result is staff_auth.Result.SIGNED_IN
    assert db.session.get(AuthSession, row.id).ended_at is not None
    full = db.session.scalar(select(AuthSession).where(AuthSession.stage == "full"))
    assert full.staff_id == officer.id and full.principal_kind == "staff"
    # The same code again, in the same 30 seconds: refused.
    _step, row = _password_step(officer)
    assert staff_auth.verify_code(row, code, ANONYMOUS).result is staff_auth.Result.WRONG
    # And the previous step's code too: only newer codes work now.
    earlier = pyotp.TOTP(STAFF_SECRET).at(NOON - timedelta(seconds=30))
    assert staff_auth.verify_code(row, earlier, ANONYMOUS).result is staff_auth.Result.WRONG


def test_codes_one_step_either_side_are_accepted_and_no_further(app):
    totp = pyotp.TOTP(STAFF_SECRET)
    for offset, expected in ((-60, False), (-30, True), (0, True), (30, True), (60, False)):
        code = totp.at(NOON + timedelta(seconds=offset))
        assert (staff_auth.matching_step(STAFF_SECRET, code, NOON) is not None) is expected
    assert staff_auth.matching_step(STAFF_SECRET, "12345", NOON) is None
    assert staff_auth.matching_step(STAFF_SECRET, "abcdef", NOON) is None


def test_an_unknown_username_is_answered_and_counted_like_a_wrong_password(app):
    officer = make_officer()
    unknown = staff_auth.check_password("nobody.here", "whatever password", ANONYMOUS)
    wrong = staff_auth.check_password(officer.username, "not the password", ANONYMOUS)
    assert unknown.result is wrong.result is staff_auth.Result.WRONG
    assert _count(StaffSigninFailure) == 2
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "staff.signin_failed")).all()
    assert events[0].details == {"username_known": False, "stage": "password",
                                 "reason": "wrong"}
    assert events[1].details["username"] == officer.username


def test_five_failures_pause_sign_in_even_with_the_right_password(app):
    officer = make_officer()
    for _ in range(4):
        assert staff_auth.check_password(officer.username, "wrong", ANONYMOUS).result is (
            staff_auth.Result.WRONG)
    fifth = staff_auth.check_password(officer.username, "wrong", ANONYMOUS)
    assert fifth.result is staff_auth.Result.LOCKED
    lock = db.session.scalar(select(SigninLockout))
    assert lock.subject_kind == "staff"
    assert staff_auth.check_password(officer.username, STAFF_PASSWORD, ANONYMOUS).result is (
        staff_auth.Result.LOCKED)
    assert staff_auth.current_lockout(officer) is not None
    admin = make_admin()
    staff_auth.lift_lockout(officer, actor_for(admin))
    assert staff_auth.check_password(officer.username, STAFF_PASSWORD, ANONYMOUS).result is (
        staff_auth.Result.NEEDS_CODE)


def test_wrong_codes_count_towards_the_pause_and_end_the_pending_session(app):
    officer = make_officer()
    _step, row = _password_step(officer)
    results = [staff_auth.verify_code(row, "000000", ANONYMOUS).result for _ in range(5)]
    assert results[-1] is staff_auth.Result.LOCKED
    assert staff_auth.pending(_step.token) is None


def test_the_pending_session_lasts_five_minutes(app):
    officer = make_officer()
    with time_machine.travel(NOON, tick=False):
        step, _row = _password_step(officer)
    with time_machine.travel(NOON + timedelta(minutes=4, seconds=59), tick=False):
        assert staff_auth.pending(step.token) is not None
    with time_machine.travel(NOON + timedelta(minutes=5, seconds=1), tick=False):
        assert staff_auth.pending(step.token) is None


def test_a_switched_off_account_cannot_sign_in(app):
    officer = make_officer()
    staff_auth.disable(officer, actor_for(make_admin()))
    step = staff_auth.check_password(officer.username, STAFF_PASSWORD, ANONYMOUS)
    assert step.result is staff_auth.Result.DISABLED
    assert step.token is None


@time_machine.travel(NOON, tick=False)
def test_enrolment_makes_a_secret_once_and_the_first_code_proves_it(app):
    officer = make_officer(totp_secret=None)
    step, row = _password_step(officer)
    assert step.result is staff_auth.Result.NEEDS_ENROLMENT
    secret = staff_auth.enrolment_secret(row, ANONYMOUS)
    assert staff_auth.enrolment_secret(row, ANONYMOUS) == secret  # a reload shows the same
    assert len(secret) >= 32
    uri = staff_auth.provisioning_uri(officer, secret)
    assert uri.startswith("otpauth://totp/An%20Sinh%20Link:") and f"secret={secret}" in uri
    assert staff_auth.qr_svg(uri).startswith(b"<svg")
    assert staff_auth.verify_code(row, "000000", ANONYMOUS).result is staff_auth.Result.WRONG
    assert db.session.get(StaffUser, officer.id).totp_enrolled_at is None
    done = staff_auth.verify_code(row, pyotp.TOTP(secret).now(), ANONYMOUS)
    assert done.result is staff_auth.Result.SIGNED_IN
    assert db.session.get(StaffUser, officer.id).totp_enrolled_at is not None
    actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "staff.totp_enrolment_started" in actions and "staff.totp_enrolled" in actions


def test_an_admin_reset_clears_the_authenticator_and_never_sets_one(app):
    officer = make_officer()
    admin = make_admin()
    staff_auth.reset_totp(officer, actor_for(admin))
    officer = db.session.get(StaffUser, officer.id)
    assert officer.totp_secret_encrypted is None
    assert officer.totp_enrolled_at is None and officer.totp_last_step is None
    step, row = _password_step(officer)
    assert step.result is staff_auth.Result.NEEDS_ENROLMENT
    assert staff_auth.enrolment_secret(row, ANONYMOUS) != STAFF_SECRET


def test_a_reset_signs_the_person_out_everywhere(app):
    officer = make_officer()
    _step, row = _password_step(officer)
    staff_auth.reset_totp(officer, actor_for(make_admin()))
    assert staff_auth.pending(_step.token) is None


def test_administrators_cannot_act_on_their_own_account(app):
    admin = make_admin()
    for action in (staff_auth.disable, staff_auth.reset_totp, staff_auth.new_setup_link):
        with pytest.raises(ValidationError):
            action(admin, actor_for(admin))
    assert db.session.get(StaffUser, admin.id).disabled_at is None


def test_a_new_staff_member_chooses_their_own_password_through_a_one_time_link(app):
    commune = make_commune()
    admin = make_admin()
    staff, token = staff_auth.create_staff(username=" Officer.New ", display_name="Lê Thị Na",
                                           role="officer", locality=commune.code,
                                           actor=actor_for(admin))
    assert staff.username == "officer.new"
    assert staff.commune_id == commune.id and staff.province_code == commune.province_code
    assert staff.password_hash is None and staff.totp_secret_encrypted is None
    assert staff_auth.staff_state(staff) == "setup"
    assert staff_auth.find_by_setup_token(token).id == staff.id
    with pytest.raises(ValidationError, match="12 characters"):
        staff_auth.choose_password(token, "short", "short", ANONYMOUS)
    with pytest.raises(ValidationError, match="not the same"):
        staff_auth.choose_password(token, "a long enough password", "a long enough passw0rd",
                                   ANONYMOUS)
    with pytest.raises(ValidationError, match="username"):
        staff_auth.choose_password(token, "officer.new-2026!", "officer.new-2026!", ANONYMOUS)
    staff_auth.choose_password(token, "a long enough password", "a long enough password",
                               ANONYMOUS)
    assert staff_auth.find_by_setup_token(token) is None
    assert staff_auth.staff_state(staff) == "enrol"
    step = staff_auth.check_password("officer.new", "a long enough password", ANONYMOUS)
    assert step.result is staff_auth.Result.NEEDS_ENROLMENT


def test_a_set_up_link_expires_after_72_hours(app):
    with time_machine.travel(NOON, tick=False):
        _staff, token = staff_auth.create_staff(username="support.two", display_name="Huy",
                                                role="support", locality="",
                                                actor=Actor.system())
    with time_machine.travel(NOON + timedelta(hours=71), tick=False):
        assert staff_auth.find_by_setup_token(token) is not None
    with time_machine.travel(NOON + timedelta(hours=72, seconds=1), tick=False):
        assert staff_auth.find_by_setup_token(token) is None


def test_a_new_set_up_link_stops_the_old_password(app):
    officer = make_officer()
    token = staff_auth.new_setup_link(officer, actor_for(make_admin()))
    assert staff_auth.check_password(officer.username, STAFF_PASSWORD, ANONYMOUS).result is (
        staff_auth.Result.WRONG)
    staff_auth.choose_password(token, "another good password", "another good password",
                               ANONYMOUS)
    # The authenticator stays as it was.
    officer = db.session.get(StaffUser, officer.id)
    assert decrypt(officer.totp_secret_encrypted) == STAFF_SECRET


@pytest.mark.parametrize(
    ("role", "locality", "field"),
    [
        ("officer", "", "locality"),
        ("officer", "087", "locality"),
        ("supervisor", "08701", "locality"),
        ("supervisor", "999", "locality"),
        ("admin", "08701", "locality"),
        ("auditor", "", "role"),
    ],
)
def test_each_role_has_its_kind_of_locality(app, role, locality, field):
    make_commune()
    with pytest.raises(staff_auth.FieldError) as error:
        staff_auth.create_staff(username="someone", display_name="Ai Đó", role=role,
                                locality=locality, actor=Actor.system())
    assert error.value.field == field


def test_usernames_are_unique_and_well_formed(app):
    make_officer(username="officer.one")
    for username, message in (("officer.one", "taken"), ("a", "3 to 60"),
                              ("có dấu", "3 to 60")):
        with pytest.raises(staff_auth.FieldError, match=message):
            staff_auth.create_staff(username=username, display_name="X", role="admin",
                                    locality="", actor=Actor.system())


def test_a_staff_members_own_id_number_is_kept_only_as_a_keyed_hash(app):
    staff, _token = staff_auth.create_staff(username="support.three", display_name="Huy",
                                            role="support", locality="",
                                            id_number="001090007777", actor=Actor.system())
    assert staff.id_number_index and "001090007777" not in staff.id_number_index
    with pytest.raises(staff_auth.FieldError) as error:
        staff_auth.create_staff(username="support.four", display_name="Huy", role="support",
                                locality="", id_number="12", actor=Actor.system())
    assert error.value.field == "id_number"


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short", False), ("aaaaaaaaaaaaaaa", False), ("x" * 129, False),
     ("tre xanh bong mat", True)],
)
def test_password_rules(password, ok):
    assert (staff_auth.password_problem(password, username="officer.one") is None) is ok
