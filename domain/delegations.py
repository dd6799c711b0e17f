"""Family helpers: a person who acts for a beneficiary, signed in as themselves.

The beneficiary invites a helper (by the helper's ID number, or with a QR code the helper
scans) and confirms with a one-time code; the helper accepts after signing in with their own
e-ID. A delegation has a scope — see payments, or see payments and ask for account changes —
lasts 12 months, and either side may end it at any time. At most 3 helpers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from domain import audit, notifications, otp
from domain.actors import Actor
from domain.errors import N_, ValidationError
from domain.identifiers import mask_id_number, normalize_id_number
from domain.models import AuditEvent, Beneficiary, Delegation, OtpChallenge, Person
from domain.security import blind_index, id_number_index, new_token, secret_hash
from extensions import db

PURPOSE = "confirm_delegation"
SCOPES = ("view", "view_and_request")
MAX_HELPERS = 3
LASTS = timedelta(days=365)
INVITATION_LASTS = timedelta(days=7)
QR_LASTS = timedelta(minutes=10)
OPEN_STATUSES = ("invited", "active")


class DelegationRefused(ValidationError):
    """A delegation step that the rules do not allow, with a message saying why."""


@dataclass(frozen=True)
class Invitation:
    """What the beneficiary confirms with a code: whom (or a QR code) and which scope."""

    scope: str
    helper_id_number: str | None = None  # None: an invitation by QR code

    @property
    def by_qr(self) -> bool:
        return self.helper_id_number is None

    @property
    def masked_helper(self) -> str:
        return mask_id_number(self.helper_id_number) if self.helper_id_number else ""


def _now() -> datetime:
    return datetime.now(UTC)


def scope_allows_changes(delegation: Delegation) -> bool:
    return delegation.scope == "view_and_request"


def is_live(delegation: Delegation, now: datetime | None = None) -> bool:
    now = now or _now()
    return delegation.status == "active" and (
        delegation.expires_at is None or delegation.expires_at > now
    )


def expire_overdue(now: datetime | None = None) -> int:
    """Active delegations past 12 months, and unanswered invitations, end."""
    now = now or _now()
    ended = 0
    overdue = db.session.scalars(
        select(Delegation).where(
            or_(
                (Delegation.status == "active") & (Delegation.expires_at <= now),
                (Delegation.status == "invited") & (Delegation.invite_expires_at <= now),
            )
        )
    ).all()
    for delegation in overdue:
        delegation.status = "expired"
        delegation.ended_at = now
        delegation.invite_token_hash = None
        audit.record(Actor.system("delegation-expiry"), "delegation.expired",
                     subject_type="delegation", subject_id=delegation.id,
                     on_behalf_of_person_id=_beneficiary_person_id(delegation))
        ended += 1
    if ended:
        db.session.commit()
    return ended


def _beneficiary_person_id(delegation: Delegation) -> int:
    return db.session.scalar(
        select(Beneficiary.person_id).where(Beneficiary.id == delegation.beneficiary_id)
    )


def helpers_of(beneficiary: Beneficiary) -> list[Delegation]:
    """Current helpers and open invitations, newest first."""
    expire_overdue()
    return list(
        db.session.scalars(
            select(Delegation)
            .where(Delegation.beneficiary_id == beneficiary.id,
                   Delegation.status.in_(OPEN_STATUSES))
            .order_by(Delegation.created_at.desc(), Delegation.id.desc())
        )
    )


def ended_helpers_of(beneficiary: Beneficiary, limit: int = 10) -> list[Delegation]:
    return list(
        db.session.scalars(
            select(Delegation)
            .where(Delegation.beneficiary_id == beneficiary.id,
                   Delegation.status.not_in(OPEN_STATUSES),
                   Delegation.helper_person_id.is_not(None))
            .order_by(Delegation.ended_at.desc(), Delegation.id.desc())
            .limit(limit)
        )
    )


def _open_count(beneficiary: Beneficiary) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Delegation)
        .where(Delegation.beneficiary_id == beneficiary.id,
               Delegation.status.in_(OPEN_STATUSES))
    )


def check_invitation(beneficiary: Beneficiary, inviter: Person, scope: str,
                     helper_id_number: str | None) -> Invitation:
    """Validate what the beneficiary asks for, before any code is sent."""
    expire_overdue()
    if scope not in SCOPES:
        raise DelegationRefused(N_("Choose what your helper may do"))
    number = None
    if helper_id_number is not None:
        number = normalize_id_number(helper_id_number)
        if number == inviter.id_number:
            raise DelegationRefused(N_("Enter the ID number of the person who will help you, "
                                       "not your own"))
        helper = db.session.scalar(select(Person).where(Person.id_number == number))
        if helper is not None and db.session.scalar(
            select(Delegation.id).where(
                Delegation.beneficiary_id == beneficiary.id,
                Delegation.helper_person_id == helper.id,
                Delegation.status.in_(OPEN_STATUSES),
            )
        ):
            raise DelegationRefused(N_("This person is already your helper or has an "
                                       "invitation from you"))
    if _open_count(beneficiary) >= MAX_HELPERS:
        raise DelegationRefused(
            N_("You already have %(count)d helpers or invitations. End one before you invite "
               "someone else"),
            count=MAX_HELPERS,
        )
    return Invitation(scope=scope, helper_id_number=number)


def binding_hash(beneficiary: Beneficiary, invitation: Invitation) -> str:
    who = id_number_index(invitation.helper_id_number) if invitation.helper_id_number else "qr"
    return blind_index(f"{beneficiary.id}|{who}|{invitation.scope}", purpose="delegation")


def _code_text(code: str, invitation: Invitation) -> str:
    minutes = current_app.config["OTP_TTL_SECONDS"] // 60
    what = ("xem khoan chi tra" if invitation.scope == "view"
            else "xem khoan chi tra va yeu cau doi tai khoan")
    what_en = ("see your payments" if invitation.scope == "view"
               else "see your payments and ask for account changes")
    who = f"nguoi co so dinh danh {invitation.masked_helper}" if not invitation.by_qr else (
        "nguoi quet ma QR")
    who_en = (f"the person with ID {invitation.masked_helper}" if not invitation.by_qr
              else "the person who scans the QR code")
    return (
        f"An Sinh Link: ma {code} de cho {who} {what} / code to let {who_en} {what_en}. "
        f"Hieu luc {minutes} phut / valid {minutes} minutes. Khong dua ma cho ai / never share it."
    )


def send_code(beneficiary: Beneficiary, invitation: Invitation, actor: Actor) -> OtpChallenge:
    person = beneficiary.person
    challenge, code = otp.issue(
        purpose=PURPOSE,
        subject_index=id_number_index(person.id_number),
        person_id=person.id,
        binding_hash=binding_hash(beneficiary, invitation),
    )
    notifications.enqueue(person.phone, _code_text(code, invitation), kind="otp_delegation",
                          person_id=person.id)
    audit.record(actor, "delegation.code_sent", subject_type="beneficiary",
                 subject_id=beneficiary.id, on_behalf_of_person_id=person.id,
                 details={"scope": invitation.scope, "by_qr": invitation.by_qr})
    db.session.commit()
    return challenge


def find_challenge(public_id: str | None) -> OtpChallenge | None:
    return otp.find_open(public_id, purpose=PURPOSE)


@dataclass(frozen=True)
class Confirmed:
    outcome: otp.Outcome
    delegation: Delegation | None = None
    qr_token: str | None = None
    attempts_left: int = 0


def confirm(beneficiary: Beneficiary, challenge: OtpChallenge, code: str,
            invitation: Invitation, actor: Actor) -> Confirmed:
    """Check the code for exactly this invitation; when right, create the invitation."""
    if challenge.person_id != beneficiary.person_id:
        raise PermissionError("this code was not sent for this beneficiary")
    checked = otp.check(challenge, code, binding_hash=binding_hash(beneficiary, invitation))
    if checked.outcome is not otp.Outcome.ACCEPTED:
        audit.record(actor, "delegation.code_" + checked.outcome.value,
                     subject_type="beneficiary", subject_id=beneficiary.id,
                     on_behalf_of_person_id=beneficiary.person_id)
        db.session.commit()
        return Confirmed(checked.outcome, attempts_left=checked.attempts_left)
    # The rules are checked again: another invitation may have been made meanwhile.
    check_invitation(beneficiary, beneficiary.person, invitation.scope,
                     invitation.helper_id_number)
    now = _now()
    delegation = Delegation(beneficiary_id=beneficiary.id, scope=invitation.scope,
                            status="invited", created_at=now)
    token = None
    if invitation.by_qr:
        token = new_token(24)
        delegation.invite_token_hash = secret_hash(token, purpose="delegation-qr")
        delegation.invite_expires_at = now + QR_LASTS
    else:
        helper = db.session.scalar(
            select(Person).where(Person.id_number == invitation.helper_id_number)
        )
        delegation.invite_expires_at = now + INVITATION_LASTS
        if helper is not None and helper.is_alive:
            delegation.helper_person_id = helper.id
    db.session.add(delegation)
    db.session.flush()
    audit.record(actor, "delegation.invited", subject_type="delegation",
                 subject_id=delegation.id, on_behalf_of_person_id=beneficiary.person_id,
                 details={"scope": invitation.scope, "by_qr": invitation.by_qr,
                          "helper": invitation.masked_helper})
    if delegation.helper_person_id is not None:
        helper = db.session.get(Person, delegation.helper_person_id)
        name = beneficiary.person.full_name
        notifications.enqueue(
            helper.phone,
            f"An Sinh Link: {name} moi ban giup ve tro cap an sinh / invites you to help with "
            "their benefit. Dang nhap An Sinh Link bang so dinh danh cua ban de chap nhan / "
            "sign in with your own ID number to accept.",
            kind="delegation_invited",
            person_id=helper.id,
        )
    db.session.commit()
    return Confirmed(otp.Outcome.ACCEPTED, delegation=delegation, qr_token=token)


def invitations_for(person: Person) -> list[Delegation]:
    expire_overdue()
    return list(
        db.session.scalars(
            select(Delegation)
            .where(Delegation.helper_person_id == person.id, Delegation.status == "invited")
            .order_by(Delegation.created_at.desc())
        )
    )


def find_by_token(token: str) -> Delegation | None:
    """An unused, unexpired QR invitation."""
    expire_overdue()
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(Delegation).where(
            Delegation.invite_token_hash == secret_hash(token, purpose="delegation-qr"),
            Delegation.status == "invited",
            Delegation.invite_expires_at > _now(),
        )
    )


def _accept_checks(delegation: Delegation, helper: Person) -> Beneficiary:
    beneficiary = db.session.get(Beneficiary, delegation.beneficiary_id)
    if beneficiary.person_id == helper.id:
        raise DelegationRefused(N_("You cannot be your own helper"))
    already = db.session.scalar(
        select(Delegation.id).where(
            Delegation.beneficiary_id == beneficiary.id,
            Delegation.helper_person_id == helper.id,
            Delegation.status == "active",
            Delegation.id != delegation.id,
        )
    )
    if already:
        raise DelegationRefused(N_("You already help this person"))
    return beneficiary


def accept(delegation: Delegation, helper: Person, actor: Actor, *, token: str | None = None
           ) -> Delegation:
    """The helper, signed in as themselves, accepts; a QR token works once."""
    now = _now()
    if delegation.status != "invited" or (
        delegation.invite_expires_at is not None and delegation.invite_expires_at <= now
    ):
        raise DelegationRefused(N_("This invitation is no longer valid. Ask for a new one"))
    if token is None and delegation.helper_person_id != helper.id:
        raise PermissionError("this invitation is for someone else")
    beneficiary = _accept_checks(delegation, helper)
    delegation.helper_person_id = helper.id
    delegation.status = "active"
    delegation.accepted_at = now
    delegation.expires_at = now + LASTS
    delegation.invite_token_hash = None  # single use
    report_code = notifications.new_report_code()
    owner = beneficiary.person
    notifications.enqueue(
        owner.phone,
        f"An Sinh Link: {helper.full_name} da tro thanh nguoi giup ban / is now your helper "
        f"({'xem' if delegation.scope == 'view' else 'xem va yeu cau doi tai khoan'}). "
        f"Khong phai ban? / Not you? Bao ma / quote {report_code} cho tong dai / to support.",
        kind="delegation_added",
        person_id=owner.id,
        report_code=report_code,
    )
    audit.record(actor, "delegation.accepted", subject_type="delegation",
                 subject_id=delegation.id, on_behalf_of_person_id=owner.id,
                 details={"scope": delegation.scope, "by_qr": token is not None})
    db.session.commit()
    return delegation


def decline(delegation: Delegation, helper: Person, actor: Actor) -> None:
    if delegation.helper_person_id != helper.id or delegation.status != "invited":
        raise PermissionError("not an open invitation for this person")
    delegation.status = "declined"
    delegation.ended_at = _now()
    delegation.ended_by = "helper"
    audit.record(actor, "delegation.declined", subject_type="delegation",
                 subject_id=delegation.id,
                 on_behalf_of_person_id=_beneficiary_person_id(delegation))
    db.session.commit()


def end(delegation: Delegation, *, by: str, actor: Actor, note: str | None = None) -> None:
    """End a delegation (beneficiary, helper or support); the other side is told."""
    if delegation.status not in OPEN_STATUSES:
        raise DelegationRefused(N_("This helper has already stopped"))
    beneficiary = db.session.get(Beneficiary, delegation.beneficiary_id)
    owner = beneficiary.person
    helper = db.session.get(Person, delegation.helper_person_id) if (
        delegation.helper_person_id) else None
    was_active = delegation.status == "active"
    delegation.status = "revoked"
    delegation.ended_at = _now()
    delegation.ended_by = by
    delegation.invite_token_hash = None
    audit.record(actor, "delegation.ended", subject_type="delegation", subject_id=delegation.id,
                 on_behalf_of_person_id=owner.id,
                 details={"by": by, "note": (note or "")[:200]})
    if helper is not None and was_active and by != "helper":
        notifications.enqueue(
            helper.phone,
            f"An Sinh Link: ban khong con giup {owner.full_name} / you no longer help "
            f"{owner.full_name}.",
            kind="delegation_ended", person_id=helper.id,
        )
    if helper is not None and was_active and by != "beneficiary":
        notifications.enqueue(
            owner.phone,
            f"An Sinh Link: {helper.full_name} khong con la nguoi giup ban / is no longer your "
            "helper.",
            kind="delegation_ended", person_id=owner.id,
        )
    db.session.commit()


def renew(delegation: Delegation, actor: Actor) -> Delegation:
    """Another 12 months, from today; the beneficiary asks for it."""
    if delegation.status not in ("active", "expired") or delegation.helper_person_id is None:
        raise DelegationRefused(N_("Only a helper who has accepted can be renewed"))
    now = _now()
    delegation.status = "active"
    delegation.expires_at = now + LASTS
    delegation.ended_at = None
    audit.record(actor, "delegation.renewed", subject_type="delegation",
                 subject_id=delegation.id,
                 on_behalf_of_person_id=_beneficiary_person_id(delegation))
    db.session.commit()
    return delegation


def helping(helper: Person) -> list[Delegation]:
    """The live delegations of a helper: whom they may act for."""
    expire_overdue()
    return list(
        db.session.scalars(
            select(Delegation)
            .where(Delegation.helper_person_id == helper.id, Delegation.status == "active")
            .order_by(Delegation.accepted_at)
        )
    )


def live_delegation(helper_person_id: int, beneficiary_id: int) -> Delegation | None:
    delegation = db.session.scalar(
        select(Delegation).where(
            Delegation.helper_person_id == helper_person_id,
            Delegation.beneficiary_id == beneficiary_id,
            Delegation.status == "active",
        )
    )
    return delegation if delegation is not None and is_live(delegation) else None


def find_for_beneficiary(beneficiary: Beneficiary, delegation_id: int) -> Delegation | None:
    return db.session.scalar(
        select(Delegation).where(Delegation.id == delegation_id,
                                 Delegation.beneficiary_id == beneficiary.id)
    )


def find_for_helper(helper: Person, delegation_id: int) -> Delegation | None:
    return db.session.scalar(
        select(Delegation).where(Delegation.id == delegation_id,
                                 Delegation.helper_person_id == helper.id)
    )


def recorded_action(delegation: Delegation) -> None:
    """Note that the helper just acted (shown to the beneficiary); the caller commits."""
    delegation.last_action_at = _now()


def last_actions(delegation: Delegation, limit: int = 5) -> list[AuditEvent]:
    if delegation.helper_person_id is None:
        return []
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.actor_kind == "citizen",
                AuditEvent.actor_id == delegation.helper_person_id,
                AuditEvent.on_behalf_of_person_id == _beneficiary_person_id(delegation),
                AuditEvent.action.not_like("delegation.%"),
            )
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )
