"""One-time-code challenges, sign-in lockouts and server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.types import UTCDateTime, utcnow
from extensions import db


class OtpChallenge(db.Model):
    """A one-time code sent for one purpose, bound to one subject and one content."""

    __tablename__ = "otp_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    purpose: Mapped[str] = mapped_column(String(24))  # signin | confirm_change | lock | ...
    subject_index: Mapped[str] = mapped_column(String(64), index=True)  # keyed hash of ID number
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    binding_hash: Mapped[str | None] = mapped_column(String(64))  # what the code confirms
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sends: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # open | used | failed | expired | superseded
    status: Mapped[str] = mapped_column(String(12), default="open")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SigninLockout(db.Model):
    __tablename__ = "signin_lockout"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_index: Mapped[str] = mapped_column(String(64), index=True)
    subject_kind: Mapped[str] = mapped_column(String(10), default="citizen")  # citizen | staff
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class StaffSigninFailure(db.Model):
    __tablename__ = "staff_signin_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_index: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuthSession(db.Model):
    """A signed-in session; the cookie carries only its random token."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    principal_kind: Mapped[str] = mapped_column(String(8))  # citizen | staff
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    acting_for_beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("beneficiary.id"))
    # For a staff session still between password and TOTP: "password" → "full".
    stage: Mapped[str] = mapped_column(String(10), default="full")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_address: Mapped[str | None] = mapped_column(String(64))
