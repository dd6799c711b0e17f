"""Citizen sign-in with the simulated national e-ID: ID number, then a code by SMS.

Nothing here tells a registered ID number from an unregistered one: both get a challenge,
the same pages and the same counting of failures and lockouts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from domain import audit, notifications, otp, sessions
from domain.actors import Actor
from domain.identifiers import mask_id_number
from domain.models import OtpChallenge, Person, SigninLockout
from domain.ports import population_registry
from domain.security import id_number_index
from extensions import db

PURPOSE = "signin"


def signin_code_text(code: str) -> str:
    return (
        f"An Sinh Link: ma dang nhap / sign-in code {code}. "
        "Hieu luc 5 phut / valid 5 minutes. "
        "Khong dua ma cho bat ky ai / never share it."
    )


@dataclass(frozen=True)
class Started:
    challenge_id: str | None
    locked_until: datetime | None = None


class Result(enum.Enum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"
    FAILED = "failed"
    EXPIRED = "expired"
    LOCKED = "locked"


@dataclass(frozen=True)
class Verified:
    result: Result
    attempts_left: int = 0
    person: Person | None = None
    session_token: str | None = None
    locked_until: datetime | None = None


def active_lockout(subject_index: str, now: datetime | None = None) -> SigninLockout | None:
    now = now or datetime.now(UTC)
    return db.session.scalar(
        select(SigninLockout)
        .where(
            SigninLockout.subject_index == subject_index,
            SigninLockout.locked_until > now,
            SigninLockout.lifted_at.is_(None),
        )
        .order_by(SigninLockout.locked_until.desc())
        .limit(1)
    )


def _failures_since_last_lockout(subject_index: str, now: datetime) -> int:
    window = timedelta(seconds=current_app.config["SIGNIN_LOCKOUT_WINDOW_SECONDS"])
    since = now - window
    last_lock = db.session.scalar(
        select(func.max(SigninLockout.locked_at)).where(
            SigninLockout.subject_index == subject_index
        )
    )
    if last_lock is not None and last_lock > since:
        since = last_lock
    return db.session.scalar(
        select(func.count())
        .select_from(OtpChallenge)
        .where(
            OtpChallenge.subject_index == subject_index,
            OtpChallenge.purpose == PURPOSE,
            OtpChallenge.status == "failed",
            OtpChallenge.ended_at > since,
        )
    )


def _audit_label(id_number: str) -> dict:
    return {"id_number": mask_id_number(id_number)}


def start(id_number: str, actor: Actor) -> Started:
    """Open a sign-in challenge for a well-formed ID number, registered or not."""
    subject = id_number_index(id_number)
    lock = active_lockout(subject)
    if lock is not None:
        audit.record(actor, "signin.refused_locked", details=_audit_label(id_number))
        db.session.commit()
        return Started(None, lock.locked_until)
    person = population_registry().find_by_id_number(id_number)
    eligible = person is not None and person.is_alive and bool(person.phone)
    challenge, code = otp.issue(
        purpose=PURPOSE, subject_index=subject, person_id=person.id if eligible else None
    )
    if eligible:
        notifications.enqueue(
            person.phone, signin_code_text(code), kind="otp_signin", person_id=person.id
        )
    audit.record(
        actor,
        "signin.code_requested",
        on_behalf_of_person_id=person.id if eligible else None,
        details=_audit_label(id_number),
    )
    db.session.commit()
    return Started(challenge.public_id)


def resend(challenge: OtpChallenge, actor: Actor) -> int:
    """Send a new code if the wait is over; returns the seconds still to wait (0 when sent)."""
    wait = otp.seconds_until_resend(challenge)
    if wait > 0 or not otp.is_usable(challenge):
        return wait
    code = otp.resend(challenge)
    if challenge.person_id is not None:
        person = db.session.get(Person, challenge.person_id)
        notifications.enqueue(
            person.phone, signin_code_text(code), kind="otp_signin", person_id=person.id
        )
    audit.record(actor, "signin.code_resent", on_behalf_of_person_id=challenge.person_id)
    db.session.commit()
    return 0


def verify(challenge: OtpChallenge, code: str, actor: Actor) -> Verified:
    now = datetime.now(UTC)
    lock = active_lockout(challenge.subject_index, now)
    if lock is not None:
        return Verified(Result.LOCKED, locked_until=lock.locked_until)
    if challenge.person_id is None:
        # Nobody received a code for this number; count the try exactly as a wrong one.
        code = "not-a-code"
    checked = otp.check(challenge, code)
    person_id = challenge.person_id
    if checked.outcome is otp.Outcome.ACCEPTED:
        person = db.session.get(Person, person_id)
        session_row, token = sessions.create(
            kind="citizen", person_id=person.id, client_address=actor.client_address
        )
        audit.record(
            Actor("citizen", person.id, None, None, actor.client_address),
            "signin.success",
            subject_type="auth_session",
            subject_id=session_row.id,
            on_behalf_of_person_id=person.id,
        )
        db.session.commit()
        return Verified(Result.SIGNED_IN, person=person, session_token=token)
    if checked.outcome is otp.Outcome.WRONG:
        audit.record(
            actor,
            "signin.code_wrong",
            on_behalf_of_person_id=person_id,
            details={"attempts_left": checked.attempts_left},
        )
        db.session.commit()
        return Verified(Result.WRONG, attempts_left=checked.attempts_left)
    if checked.outcome is otp.Outcome.FAILED:
        audit.record(actor, "signin.challenge_failed", on_behalf_of_person_id=person_id)
        locked_until = None
        failures = _failures_since_last_lockout(challenge.subject_index, now)
        if failures >= current_app.config["SIGNIN_FAILED_CHALLENGES_FOR_LOCKOUT"]:
            locked_until = now + timedelta(seconds=current_app.config["SIGNIN_LOCKOUT_SECONDS"])
            db.session.add(
                SigninLockout(
                    subject_index=challenge.subject_index,
                    subject_kind="citizen",
                    locked_at=now,
                    locked_until=locked_until,
                )
            )
            audit.record(
                actor,
                "signin.lockout",
                on_behalf_of_person_id=person_id,
                details={"failed_challenges": failures, "until": locked_until.isoformat()},
            )
        db.session.commit()
        if locked_until is not None:
            return Verified(Result.LOCKED, locked_until=locked_until)
        return Verified(Result.FAILED)
    db.session.commit()
    return Verified(Result.EXPIRED)


def sign_out(session_row, actor: Actor) -> None:
    audit.record(actor, "signout", subject_type="auth_session", subject_id=session_row.id)
    sessions.end(session_row)
