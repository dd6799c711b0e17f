"""Staff accounts and sign-in: username and password, then a code from an authenticator app.

The password step opens a short-lived server-side session at stage "password"; only a right,
never-used TOTP code turns it into a full staff session (a new token). Failures at either step
are counted per username, audited, and pause sign-in for that username after a few; unknown
usernames are counted and answered exactly like known ones.

OWASP ASVS 5.0: an administrator starts a reset (a set-up link, a new enrolment) but never
chooses anyone's password or authenticator secret.
"""

from __future__ import annotations

import enum
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import pyotp
import qrcode
import qrcode.image.svg
from flask import current_app
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from domain import audit, sessions
from domain.actors import Actor
from domain.errors import N_, ValidationError
from domain.identifiers import normalize_id_number
from domain.models import (
    AuthSession,
    Commune,
    Province,
    SigninLockout,
    StaffSigninFailure,
    StaffUser,
)
from domain.security import (
    blind_index,
    decrypt,
    encrypt,
    id_number_index,
    new_token,
    secret_hash,
)
from domain.signin import active_lockout
from extensions import db

ROLES = ("officer", "supervisor", "support", "admin")
ROLE_LABELS = {
    "officer": N_("Commune officer"),
    "supervisor": N_("Province supervisor"),
    "support": N_("Support staff"),
    "admin": N_("Administrator"),
}
TOTP_ISSUER = "An Sinh Link"
PENDING_SECONDS = 5 * 60  # from a right password to the authenticator code
SETUP_LINK_HOURS = 72
DEFAULT_FAILURES_FOR_LOCKOUT = 5
PASSWORD_MIN = 12
PASSWORD_MAX = 128
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")


class FieldError(ValidationError):
    """Input a person can fix, and which field of the form it belongs to."""

    def __init__(self, field: str, message: str, **params) -> None:
        super().__init__(message, **params)
        self.field = field


# --- Usernames, passwords, localities ---


def normalize_username(text: str) -> str:
    username = (text or "").strip().lower()
    if not _USERNAME.fullmatch(username):
        raise FieldError(
            "username",
            N_("Enter a username of 3 to 60 characters: letters, digits, dots, dashes or _")
        )
    return username


def username_index(username: str) -> str:
    """The key failures and lockouts are counted under, for known and unknown usernames alike."""
    return blind_index(username.strip().lower(), purpose="staff_username")


def password_problem(password: str, *, username: str) -> str | None:
    """An English msgid saying what to change, or None if the password can be used."""
    if len(password) < PASSWORD_MIN:
        return N_("Choose a password of at least 12 characters")
    if len(password) > PASSWORD_MAX:
        return N_("Choose a password of at most 128 characters")
    if username and username.lower() in password.lower():
        return N_("Choose a password that does not contain your username")
    if len(set(password)) < 5:
        return N_("Choose a password that is harder to guess: use more different characters")
    return None


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no-such-staff-member-password")


def _password_matches(staff: StaffUser | None, password: str) -> bool:
    if staff is None or not staff.password_hash:
        check_password_hash(_dummy_hash(), password)  # take as long as a real check
        return False
    return check_password_hash(staff.password_hash, password)


@dataclass(frozen=True)
class Locality:
    province_code: str | None
    commune_id: int | None


def resolve_locality(role: str, code: str | None) -> Locality:
    """A commune code (officers) or a province code (supervisors); optional for the others."""
    code = (code or "").strip()
    if role == "officer":
        commune = db.session.scalar(select(Commune).where(Commune.code == code)) if code else None
        if commune is None:
            raise FieldError("locality",
                             N_("An officer works in one commune: choose or enter its commune"))
        return Locality(commune.province_code, commune.id)
    if role == "supervisor":
        if not code or db.session.get(Province, code) is None:
            raise FieldError(
                "locality",
                N_("A supervisor works in one province: choose or enter its province"),
            )
        return Locality(code, None)
    if not code:
        return Locality(None, None)
    if db.session.get(Province, code) is None:
        raise FieldError("locality",
                         N_("Support staff and administrators work for the whole country or "
                            "one province: leave it empty or choose a province"))
    return Locality(code, None)


def locality_name(staff: StaffUser) -> str:
    if staff.commune_id is not None:
        commune = db.session.get(Commune, staff.commune_id)
        return commune.name if commune else ""
    if staff.province_code:
        province = db.session.get(Province, staff.province_code)
        return province.name if province else staff.province_code
    return ""


# --- Sign-in ---


class Result(enum.Enum):
    NEEDS_CODE = "needs_code"
    NEEDS_ENROLMENT = "needs_enrolment"
    WRONG = "wrong"
    LOCKED = "locked"
    DISABLED = "disabled"
    SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class Step:
    result: Result
    token: str | None = None  # the pending token after a password, the session token at the end
    staff: StaffUser | None = None
    locked_until: datetime | None = None


def _find(username: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


def _failures_for_lockout() -> int:
    return int(current_app.config.get("STAFF_FAILED_SIGNINS_FOR_LOCKOUT",
                                      DEFAULT_FAILURES_FOR_LOCKOUT))


def _failures_since_last_lockout(subject: str, now: datetime) -> int:
    since = now - timedelta(seconds=current_app.config["SIGNIN_LOCKOUT_WINDOW_SECONDS"])
    last_lock = db.session.scalar(
        select(func.max(SigninLockout.locked_at)).where(SigninLockout.subject_index == subject)
    )
    if last_lock is not None and last_lock > since:
        since = last_lock
    return db.session.scalar(
        select(func.count())
        .select_from(StaffSigninFailure)
        .where(StaffSigninFailure.subject_index == subject, StaffSigninFailure.created_at > since)
    )


def _who(staff: StaffUser | None) -> dict:
    # Never the typed text of an unknown username: people type passwords into that field.
    return {"username": staff.username} if staff is not None else {"username_known": False}


def _fail(subject: str, staff: StaffUser | None, actor: Actor, *, stage: str,
          reason: str = "wrong", pending: AuthSession | None = None) -> Step:
    now = datetime.now(UTC)
    db.session.add(StaffSigninFailure(subject_index=subject, created_at=now))
    audit.record(
        actor,
        "staff.signin_failed",
        subject_type="staff_user" if staff is not None else None,
        subject_id=staff.id if staff is not None else None,
        details={**_who(staff), "stage": stage, "reason": reason},
    )
    db.session.flush()
    failures = _failures_since_last_lockout(subject, now)
    if failures >= _failures_for_lockout():
        locked_until = now + timedelta(seconds=current_app.config["SIGNIN_LOCKOUT_SECONDS"])
        db.session.add(
            SigninLockout(subject_index=subject, subject_kind="staff", locked_at=now,
                          locked_until=locked_until)
        )
        audit.record(
            actor,
            "staff.signin_lockout",
            subject_type="staff_user" if staff is not None else None,
            subject_id=staff.id if staff is not None else None,
            details={**_who(staff), "failures": failures, "until": locked_until.isoformat()},
        )
        if pending is not None:
            pending.ended_at = now
        db.session.commit()
        return Step(Result.LOCKED, locked_until=locked_until)
    db.session.commit()
    return Step(Result.WRONG)


def check_password(username: str, password: str, actor: Actor) -> Step:
    """The first step: a right password opens a pending session for the authenticator code."""
    username = (username or "").strip().lower()
    subject = username_index(username)
    staff = _find(username)
    lock = active_lockout(subject)
    if lock is not None:
        audit.record(actor, "staff.signin_refused_locked", details=_who(staff))
        db.session.commit()
        return Step(Result.LOCKED, locked_until=lock.locked_until)
    if not _password_matches(staff, password):
        return _fail(subject, staff, actor, stage="password")
    if not staff.is_active:
        audit.record(actor, "staff.signin_refused_disabled", subject_type="staff_user",
                     subject_id=staff.id, details=_who(staff))
        db.session.commit()
        return Step(Result.DISABLED)
    row, token = sessions.create(kind="staff", staff_id=staff.id,
                                 client_address=actor.client_address)
    row.stage = "password"
    audit.record(actor, "staff.password_accepted", subject_type="staff_user",
                 subject_id=staff.id, details=_who(staff))
    db.session.commit()
    enrolled = staff.totp_enrolled_at is not None and staff.totp_secret_encrypted is not None
    return Step(Result.NEEDS_CODE if enrolled else Result.NEEDS_ENROLMENT, token=token,
                staff=staff)


def pending(token: str | None) -> AuthSession | None:
    """The session between a right password and the code, if it is still open."""
    if not token:
        return None
    row = db.session.scalar(
        select(AuthSession).where(
            AuthSession.token_hash == secret_hash(token, purpose="session"),
            AuthSession.principal_kind == "staff",
            AuthSession.stage == "password",
            AuthSession.ended_at.is_(None),
        )
    )
    if row is None:
        return None
    if datetime.now(UTC) - row.created_at > timedelta(seconds=PENDING_SECONDS):
        return None
    staff = db.session.get(StaffUser, row.staff_id)
    if staff is None or not staff.is_active:
        return None
    return row


def pending_staff(row: AuthSession) -> StaffUser:
    return db.session.get(StaffUser, row.staff_id)


def enrolment_secret(row: AuthSession, actor: Actor) -> str:
    """The secret the staff member is enrolling, made on first sight and kept until enrolled."""
    staff = pending_staff(row)
    if staff.totp_enrolled_at is not None and staff.totp_secret_encrypted is not None:
        raise ValueError("already enrolled")
    if staff.totp_secret_encrypted is None:
        staff.totp_secret_encrypted = encrypt(pyotp.random_base32())
        staff.totp_enrolled_at = None
        staff.totp_last_step = None
        audit.record(actor, "staff.totp_enrolment_started", subject_type="staff_user",
                     subject_id=staff.id, details=_who(staff))
        db.session.commit()
    return decrypt(staff.totp_secret_encrypted)


def provisioning_uri(staff: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=staff.username, issuer_name=TOTP_ISSUER)


def qr_svg(text: str) -> bytes:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    return image.to_string()


def grouped_secret(secret: str) -> str:
    """`JBSW Y3DP EHPK …`: easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step (30 s) whose code this is, within one step either side of now."""
    if not re.fullmatch(r"\d{6}", code or ""):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or datetime.now(UTC))
    found = None
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def verify_code(row: AuthSession, code: str, actor: Actor) -> Step:
    """The second step (or the end of enrolment): a right code, never used before, signs in."""
    staff = pending_staff(row)
    subject = username_index(staff.username)
    lock = active_lockout(subject)
    if lock is not None:
        row.ended_at = datetime.now(UTC)
        audit.record(actor, "staff.signin_refused_locked", details=_who(staff))
        db.session.commit()
        return Step(Result.LOCKED, locked_until=lock.locked_until)
    if staff.totp_secret_encrypted is None:
        return _fail(subject, staff, actor, stage="code", reason="not_enrolled", pending=row)
    enrolling = staff.totp_enrolled_at is None
    step = matching_step(decrypt(staff.totp_secret_encrypted), code)
    if step is None:
        return _fail(subject, staff, actor, stage="code", pending=row)
    now = datetime.now(UTC)
    values: dict = {"totp_last_step": step}
    if enrolling:
        values["totp_enrolled_at"] = now
    # Conditional update: a code (or an earlier one) already used, even by a racing request,
    # matches no row.
    used = db.session.execute(
        update(StaffUser)
        .where(
            StaffUser.id == staff.id,
            or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return _fail(subject, staff, actor, stage="code", reason="reused", pending=row)
    db.session.refresh(staff)
    row.ended_at = now
    session_row, token = sessions.create(kind="staff", staff_id=staff.id,
                                         client_address=actor.client_address)
    staff_actor = Actor("staff", staff.id, staff.username, None, actor.client_address)
    if enrolling:
        audit.record(staff_actor, "staff.totp_enrolled", subject_type="staff_user",
                     subject_id=staff.id)
    audit.record(staff_actor, "staff.signin_success", subject_type="auth_session",
                 subject_id=session_row.id)
    db.session.commit()
    return Step(Result.SIGNED_IN, token=token, staff=staff)


# --- Set-up links: the staff member chooses their own password ---


def _issue_setup_token(staff: StaffUser) -> str:
    token = new_token()
    staff.setup_token_hash = secret_hash(token, purpose="staff_setup")
    staff.setup_expires_at = datetime.now(UTC) + timedelta(hours=SETUP_LINK_HOURS)
    return token


def find_by_setup_token(token: str | None) -> StaffUser | None:
    if not token or len(token) > 100:
        return None
    staff = db.session.scalar(
        select(StaffUser).where(
            StaffUser.setup_token_hash == secret_hash(token, purpose="staff_setup")
        )
    )
    if staff is None or not staff.is_active or staff.setup_expires_at is None:
        return None
    if staff.setup_expires_at <= datetime.now(UTC):
        return None
    return staff


def choose_password(token: str, password: str, confirmation: str, actor: Actor) -> StaffUser:
    """Set the password from a set-up link; the link then stops working."""
    staff = find_by_setup_token(token)
    if staff is None:
        raise ValidationError(N_("This set-up link does not work any more. Ask an administrator "
                                 "for a new one"))
    problem = password_problem(password, username=staff.username)
    if problem:
        raise ValidationError(problem)
    if not hmac.compare_digest(password.encode(), (confirmation or "").encode()):
        raise ValidationError(N_("The two passwords are not the same. Type the same password "
                                 "twice"))
    staff.password_hash = generate_password_hash(password)
    staff.setup_token_hash = None
    staff.setup_expires_at = None
    _end_sessions(staff.id)
    audit.record(
        Actor("staff", staff.id, staff.username, None, actor.client_address),
        "staff.password_set",
        subject_type="staff_user",
        subject_id=staff.id,
    )
    db.session.commit()
    return staff


# --- Administration ---


def _end_sessions(staff_id: int) -> None:
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.staff_id == staff_id, AuthSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )


def create_staff(
    *,
    username: str,
    display_name: str,
    role: str,
    locality: str | None,
    actor: Actor,
    id_number: str | None = None,
) -> tuple[StaffUser, str]:
    """A new staff account without a password; returns it with its one-time set-up token."""
    username = normalize_username(username)
    display_name = " ".join((display_name or "").split())
    if not display_name or len(display_name) > 120:
        raise FieldError("display_name", N_("Enter the person's full name"))
    if role not in ROLES:
        raise FieldError("role", N_("Choose a role"))
    if _find(username) is not None:
        raise FieldError("username", N_("The username %(username)s is taken. Choose another"),
                         username=username)
    place = resolve_locality(role, locality)
    index = None
    if id_number:
        try:
            index = id_number_index(normalize_id_number(id_number))
        except ValidationError:
            raise FieldError("id_number", N_("Enter their personal ID number: 12 digits, or "
                                             "leave it empty")) from None
    staff = StaffUser(
        username=username,
        display_name=display_name,
        role=role,
        province_code=place.province_code,
        commune_id=place.commune_id,
        created_at=datetime.now(UTC),
    )
    staff.id_number_index = index
    token = _issue_setup_token(staff)
    db.session.add(staff)
    db.session.flush()
    audit.record(
        actor,
        "staff.created",
        subject_type="staff_user",
        subject_id=staff.id,
        details={"username": username, "role": role, "locality": (locality or "").strip()},
    )
    db.session.commit()
    return staff, token


def new_setup_link(staff: StaffUser, actor: Actor) -> str:
    """A password reset: the old password stops working and a new set-up link is made."""
    _refuse_self(staff, actor)
    staff.password_hash = None
    token = _issue_setup_token(staff)
    _end_sessions(staff.id)
    audit.record(actor, "staff.setup_link_issued", subject_type="staff_user",
                 subject_id=staff.id, details=_who(staff))
    db.session.commit()
    return token


def _refuse_self(staff: StaffUser, actor: Actor) -> None:
    if actor.kind == "staff" and actor.id == staff.id:
        raise ValidationError(N_("You cannot do this to your own account. Ask another "
                                 "administrator"))


def disable(staff: StaffUser, actor: Actor) -> None:
    _refuse_self(staff, actor)
    if staff.disabled_at is None:
        staff.disabled_at = datetime.now(UTC)
        _end_sessions(staff.id)
        audit.record(actor, "staff.disabled", subject_type="staff_user", subject_id=staff.id,
                     details=_who(staff))
    db.session.commit()


def enable(staff: StaffUser, actor: Actor) -> None:
    _refuse_self(staff, actor)
    if staff.disabled_at is not None:
        staff.disabled_at = None
        audit.record(actor, "staff.enabled", subject_type="staff_user", subject_id=staff.id,
                     details=_who(staff))
    db.session.commit()


def reset_totp(staff: StaffUser, actor: Actor) -> None:
    """Clear the authenticator so the person enrols a new one at their next sign-in."""
    _refuse_self(staff, actor)
    staff.totp_secret_encrypted = None
    staff.totp_enrolled_at = None
    staff.totp_last_step = None
    _end_sessions(staff.id)
    audit.record(actor, "staff.totp_reset", subject_type="staff_user", subject_id=staff.id,
                 details=_who(staff))
    db.session.commit()


def current_lockout(staff: StaffUser) -> SigninLockout | None:
    return active_lockout(username_index(staff.username))


def lift_lockout(staff: StaffUser, actor: Actor) -> None:
    lock = current_lockout(staff)
    if lock is not None:
        lock.lifted_at = datetime.now(UTC)
        lock.lifted_by_staff_id = actor.id if actor.kind == "staff" else None
        audit.record(actor, "staff.lockout_lifted", subject_type="staff_user",
                     subject_id=staff.id, details=_who(staff))
    db.session.commit()


def staff_state(staff: StaffUser) -> str:
    """disabled | setup (no password yet) | enrol (no authenticator yet) | active."""
    if staff.disabled_at is not None:
        return "disabled"
    if not staff.password_hash:
        return "setup"
    if staff.totp_enrolled_at is None or staff.totp_secret_encrypted is None:
        return "enrol"
    return "active"


def get_staff(staff_id: int) -> StaffUser | None:
    return db.session.get(StaffUser, staff_id)


def locality_choices() -> list[tuple[str, str]]:
    """(code, name) of every province followed by its communes, for a form's list."""
    choices = []
    for province in db.session.scalars(select(Province).order_by(Province.name)):
        choices.append((province.code, f"{province.name} ({province.code})"))
        for commune in db.session.scalars(
            select(Commune).where(Commune.province_code == province.code).order_by(Commune.name)
        ):
            choices.append((commune.code, f"— {commune.name} ({commune.code})"))
    return choices


def all_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.role,
                                                              StaffUser.username)))
