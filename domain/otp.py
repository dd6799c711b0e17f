"""One-time codes: 6 digits, single use, stored hashed, bound to a purpose and a content.

NIST SP 800-63B-4 and OWASP ASVS 5.0: short validity, a limited number of tries per
challenge, and a new code ("resend") never resets the count of failed tries.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from flask import current_app
from sqlalchemy import select, update

from domain.models import OtpChallenge
from domain.security import new_token, same_secret, secret_hash
from extensions import db


class Outcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"  # wrong code, tries left
    FAILED = "failed"  # wrong code, no tries left: the challenge is over
    EXPIRED = "expired"
    CLOSED = "closed"  # used, superseded or failed earlier
    MISMATCH = "mismatch"  # the code was issued for other content


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    attempts_left: int = 0


def generate_code() -> str:
    # A fresh random secret per code: HOTP at counter 0 gives 6 uniformly random digits.
    return pyotp.HOTP(pyotp.random_base32(), digits=6).at(0)


def _code_purpose(challenge_public_id: str) -> str:
    return f"otp:{challenge_public_id}"


def issue(
    *,
    purpose: str,
    subject_index: str,
    person_id: int | None,
    binding_hash: str | None = None,
) -> tuple[OtpChallenge, str]:
    """Open a challenge and return it with its code; earlier open ones for the same purpose end."""
    now = datetime.now(UTC)
    for earlier in db.session.scalars(
        select(OtpChallenge).where(
            OtpChallenge.subject_index == subject_index,
            OtpChallenge.purpose == purpose,
            OtpChallenge.status == "open",
        )
    ):
        earlier.status = "superseded"
        earlier.ended_at = now
    public_id = new_token(16)
    code = generate_code()
    challenge = OtpChallenge(
        public_id=public_id,
        purpose=purpose,
        subject_index=subject_index,
        person_id=person_id,
        binding_hash=binding_hash,
        code_hash=secret_hash(code, purpose=_code_purpose(public_id)),
        attempts=0,
        sends=1,
        created_at=now,
        last_sent_at=now,
        expires_at=now + timedelta(seconds=current_app.config["OTP_TTL_SECONDS"]),
        status="open",
    )
    db.session.add(challenge)
    db.session.flush()
    return challenge, code


def find_open(public_id: str | None, *, purpose: str) -> OtpChallenge | None:
    if not public_id:
        return None
    return db.session.scalar(
        select(OtpChallenge).where(
            OtpChallenge.public_id == public_id,
            OtpChallenge.purpose == purpose,
            OtpChallenge.status == "open",
        )
    )


def seconds_until_resend(challenge: OtpChallenge, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    ready = challenge.last_sent_at + timedelta(
        seconds=current_app.config["OTP_RESEND_AFTER_SECONDS"]
    )
    return max(0, int((ready - now).total_seconds() + 0.999))


def resend(challenge: OtpChallenge) -> str:
    """A new code on the same challenge: the failure count stays, the clock restarts."""
    now = datetime.now(UTC)
    code = generate_code()
    challenge.code_hash = secret_hash(code, purpose=_code_purpose(challenge.public_id))
    challenge.sends += 1
    challenge.last_sent_at = now
    challenge.expires_at = now + timedelta(seconds=current_app.config["OTP_TTL_SECONDS"])
    db.session.flush()
    return code


def is_usable(challenge: OtpChallenge, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return challenge.status == "open" and challenge.expires_at > now


def check(challenge: OtpChallenge, code: str, *, binding_hash: str | None = None) -> Check:
    """Check a code against its challenge, counting the try; the caller commits."""
    now = datetime.now(UTC)
    max_attempts = current_app.config["OTP_MAX_ATTEMPTS"]
    if challenge.status != "open":
        return Check(Outcome.CLOSED)
    if challenge.expires_at <= now:
        challenge.status = "expired"
        challenge.ended_at = now
        return Check(Outcome.EXPIRED)
    if challenge.binding_hash is not None and challenge.binding_hash != binding_hash:
        challenge.status = "superseded"
        challenge.ended_at = now
        return Check(Outcome.MISMATCH)
    if same_secret(code, challenge.code_hash, purpose=_code_purpose(challenge.public_id)):
        # Conditional update: of two requests racing with the right code, one wins.
        won = db.session.execute(
            update(OtpChallenge)
            .where(OtpChallenge.id == challenge.id, OtpChallenge.status == "open")
            .values(status="used", ended_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.refresh(challenge)
        return Check(Outcome.ACCEPTED if won == 1 else Outcome.CLOSED)
    db.session.execute(
        update(OtpChallenge)
        .where(OtpChallenge.id == challenge.id)
        .values(attempts=OtpChallenge.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(challenge)
    left = max_attempts - challenge.attempts
    if left <= 0:
        challenge.status = "failed"
        challenge.ended_at = now
        return Check(Outcome.FAILED)
    return Check(Outcome.WRONG, attempts_left=left)
