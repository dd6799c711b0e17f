"""The opt-in lock on online changes: while it is on, changes are made only at the commune office.

Switching it on or off takes a one-time code sent to the registered phone. Switching it off
also starts a 24-hour wait before an online change may begin, and sends a notice, so that
someone who got hold of a phone for a moment cannot unlock and redirect the benefit at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from domain import audit, notifications, otp
from domain.actors import Actor
from domain.cycles import VIETNAM
from domain.errors import N_, ValidationError
from domain.models import Beneficiary, OtpChallenge
from domain.security import blind_index, id_number_index
from extensions import db

COOLING_OFF = timedelta(hours=24)
PURPOSES = {True: "lock_on", False: "lock_off"}


class Blocked(enum.Enum):
    LOCKED = "locked"
    COOLING_OFF = "cooling_off"


@dataclass(frozen=True)
class LockState:
    locked: bool
    changes_allowed_from: datetime | None  # set while the wait after unlocking runs

    @property
    def blocked(self) -> Blocked | None:
        if self.locked:
            return Blocked.LOCKED
        if self.changes_allowed_from is not None:
            return Blocked.COOLING_OFF
        return None


def state(beneficiary: Beneficiary, now: datetime | None = None) -> LockState:
    now = now or datetime.now(UTC)
    allowed_from = beneficiary.changes_allowed_from
    if allowed_from is not None and allowed_from <= now:
        allowed_from = None
    return LockState(bool(beneficiary.online_changes_locked), allowed_from)


def _binding(beneficiary: Beneficiary, turn_on: bool) -> str:
    return blind_index(f"{beneficiary.id}:{'on' if turn_on else 'off'}", purpose="change_lock")


def _ensure_self(beneficiary: Beneficiary, actor: Actor) -> None:
    # Only the beneficiary, signed in as themselves, turns their own lock on or off.
    if actor.kind != "citizen" or actor.id != beneficiary.person_id:
        raise PermissionError("only the beneficiary can change their lock")


def _code_text(code: str, turn_on: bool) -> str:
    minutes = current_app.config["OTP_TTL_SECONDS"] // 60
    if turn_on:
        what = "bat khoa thay doi truc tuyen / code to lock online changes"
    else:
        what = "mo khoa thay doi truc tuyen / code to unlock online changes"
    return (
        f"An Sinh Link: ma {code} de {what}. "
        f"Hieu luc {minutes} phut / valid {minutes} minutes. "
        "Khong dua ma cho bat ky ai / never share it."
    )


def send_code(beneficiary: Beneficiary, turn_on: bool, actor: Actor) -> OtpChallenge:
    """Send a code to switch the lock on (turn_on) or off; refused if it is already so."""
    _ensure_self(beneficiary, actor)
    if bool(beneficiary.online_changes_locked) == turn_on:
        raise ValidationError(
            N_("Online changes are already locked")
            if turn_on
            else N_("Online changes are not locked")
        )
    person = beneficiary.person
    if not person.phone:
        raise ValidationError(
            N_(
                "There is no phone number in the registry to send a code to. "
                "Ask your commune office"
            )
        )
    challenge, code = otp.issue(
        purpose=PURPOSES[turn_on],
        subject_index=id_number_index(person.id_number),
        person_id=person.id,
        binding_hash=_binding(beneficiary, turn_on),
    )
    notifications.enqueue(person.phone, _code_text(code, turn_on), kind="otp_lock",
                          person_id=person.id)
    audit.record(
        actor,
        "change_lock.code_sent",
        subject_type="beneficiary",
        subject_id=beneficiary.id,
        on_behalf_of_person_id=person.id,
        details={"turn_on": turn_on},
    )
    db.session.commit()
    return challenge


def resend_code(beneficiary: Beneficiary, challenge: OtpChallenge, turn_on: bool,
                actor: Actor) -> int:
    """A new code on the same challenge once the wait is over; returns seconds still to wait."""
    _ensure_self(beneficiary, actor)
    wait = otp.seconds_until_resend(challenge)
    if wait > 0 or not otp.is_usable(challenge):
        return wait
    code = otp.resend(challenge)
    notifications.enqueue(beneficiary.person.phone, _code_text(code, turn_on), kind="otp_lock",
                          person_id=beneficiary.person_id)
    audit.record(actor, "change_lock.code_resent", subject_type="beneficiary",
                 subject_id=beneficiary.id, on_behalf_of_person_id=beneficiary.person_id)
    db.session.commit()
    return 0


def find_challenge(public_id: str | None, turn_on: bool) -> OtpChallenge | None:
    return otp.find_open(public_id, purpose=PURPOSES[turn_on])


def _notice_text(turn_on: bool, allowed_from: datetime | None, report_code: str) -> str:
    if turn_on:
        return (
            "An Sinh Link: da bat khoa thay doi truc tuyen; moi thay doi tai khoan nhan tro cap "
            "chi lam tai UBND xa/phuong. / Online changes are now locked: the account your "
            "benefit is paid into can only be changed at the commune office. "
            f"Khong phai ban? Bao tong dai ma {report_code} / Not you? Tell the support desk "
            f"code {report_code}."
        )
    local = allowed_from.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    return (
        "An Sinh Link: da mo khoa thay doi truc tuyen; co the gui yeu cau doi tai khoan tu "
        f"{local}. / Online changes were unlocked; a change can be asked for from {local}. "
        f"Khong phai ban? Bao tong dai ma {report_code} / Not you? Tell the support desk "
        f"code {report_code}."
    )


def confirm(
    beneficiary: Beneficiary,
    challenge: OtpChallenge,
    code: str,
    turn_on: bool,
    actor: Actor,
) -> otp.Check:
    """Check the code and, when it is right, switch the lock; the outcome says what happened."""
    _ensure_self(beneficiary, actor)
    checked = otp.check(challenge, code, binding_hash=_binding(beneficiary, turn_on))
    if checked.outcome is not otp.Outcome.ACCEPTED:
        audit.record(
            actor,
            "change_lock.code_" + checked.outcome.value,
            subject_type="beneficiary",
            subject_id=beneficiary.id,
            on_behalf_of_person_id=beneficiary.person_id,
        )
        db.session.commit()
        return checked
    now = datetime.now(UTC)
    beneficiary.online_changes_locked = turn_on
    beneficiary.lock_changed_at = now
    beneficiary.changes_allowed_from = None if turn_on else now + COOLING_OFF
    report_code = notifications.new_report_code()
    notifications.enqueue(
        beneficiary.person.phone,
        _notice_text(turn_on, beneficiary.changes_allowed_from, report_code),
        kind="lock_on" if turn_on else "lock_off",
        person_id=beneficiary.person_id,
        report_code=report_code,
    )
    audit.record(
        actor,
        "change_lock.on" if turn_on else "change_lock.off",
        subject_type="beneficiary",
        subject_id=beneficiary.id,
        on_behalf_of_person_id=beneficiary.person_id,
        details={"changes_allowed_from": beneficiary.changes_allowed_from.isoformat()
                 if beneficiary.changes_allowed_from else None},
    )
    db.session.commit()
    return checked
