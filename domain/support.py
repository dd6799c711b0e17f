"""The support desk: find one beneficiary exactly, see a masked profile, repair their links.

Support staff work for the whole country, so they find a person only by an EXACT personal ID
number or an EXACT registered phone number: no partial match, no name search, nothing to
browse. What they see is masked (ID, phone, account numbers, and any code in a message).

Every action needs a reason from REASONS and a note, is audited with the staff member as the
actor and the beneficiary's person as the person acted for, and is told to the beneficiary's
registered phone. Support never approves a change (domain/review.py refuses every role but
officers and supervisors, and the opener of a request), never sees a full account number
without an audited reason, and never sets a secret.

Conflicts of interest (`conflict`): a staff member may not open the profile of, or act for,
- themselves: their own ID number's keyed hash (`StaffUser.id_number_index`) is the
  beneficiary's; or
- a relative: a person who has or had a family-helper link (a Delegation of any status,
  invited, active, declined, revoked or expired) with the staff member's own ID number, in
  either direction: the staff member helps or helped the beneficiary, or the beneficiary helps
  or helped the staff member.
Another support agent must serve them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import or_, select

from domain import addresses, audit, change_requests, cycles, delegations, notifications, otp
from domain.actors import Actor
from domain.change_requests import ChangeContent
from domain.errors import N_, ValidationError
from domain.identifiers import mask_id_number, mask_phone, normalize_id_number, normalize_phone
from domain.models import (
    Beneficiary,
    ChangeRequest,
    Delegation,
    FinancialAddress,
    Notification,
    NotMeReport,
    Person,
    SigninLockout,
    StaffUser,
)
from domain.providers import find_provider
from domain.review import reveal_note, scrub_numbers
from domain.security import id_number_index
from extensions import db

SUPPORT_ROLES = ("support", "admin")
NOTE_MAX = 500
RECENT_NOTIFICATIONS = 10

# Why a support agent acts; the label is for staff, the code goes into the audit log.
REASONS: dict[str, str] = {
    "caller_verified": N_("The beneficiary called and answered the security questions"),
    "at_the_desk": N_("The beneficiary came to the desk with their ID card"),
    "lost_phone": N_("The beneficiary lost their phone or SIM card"),
    "account_closed": N_("The bank account or wallet was closed"),
    "suspected_fraud": N_("Suspected fraud or a stolen account"),
    "helper_misuse": N_("A helper is acting against the beneficiary's wishes"),
    "other": N_("Another reason (explain in the note)"),
}

ACTIONS = ("unlock", "reset_cash", "revoke", "assisted", "resend", "not_me")

_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
_REPORT_CODE = re.compile(r"[A-Z0-9]{8}")


class NotFound(LookupError):
    """No such beneficiary (or not one this agent may serve): the pages answer 404."""


class Refused(ValidationError):
    """An action the agent may not take; `reason` names the rule for tests and the audit."""

    def __init__(self, reason: str, message: str, **params) -> None:
        super().__init__(message, **params)
        self.reason = reason


# --- Finding a beneficiary ---


def _looks_like_id(text: str) -> bool:
    return len(re.sub(r"\D", "", text)) == 12


def find(staff: StaffUser, query: str, actor: Actor) -> Beneficiary:
    """The beneficiary with exactly this ID number or registered phone; the look-up is audited.

    Raises ValidationError for input that is neither, NotFound when nobody matches.
    """
    query = (query or "").strip()
    if not query:
        raise ValidationError(N_("Enter a personal ID number (12 digits) or a registered "
                                 "phone number (10 digits)"))
    if _looks_like_id(query):
        by = "id_number"
        condition = Person.id_number == normalize_id_number(query)
    else:
        try:
            phone = normalize_phone(query)
        except ValidationError:
            raise ValidationError(N_("Enter a personal ID number (12 digits) or a registered "
                                     "phone number (10 digits)")) from None
        by = "phone"
        condition = Person.phone == phone
    found = list(
        db.session.scalars(
            select(Beneficiary).join(Person, Beneficiary.person_id == Person.id).where(condition)
            .limit(2)
        )
    )
    if not found:
        audit.record(actor, "support.search_no_match", details={"by": by})
        db.session.commit()
        raise NotFound(by)
    if len(found) > 1:
        audit.record(actor, "support.search_ambiguous", details={"by": by})
        db.session.commit()
        raise ValidationError(N_("More than one beneficiary has this phone number. Search by "
                                 "the personal ID number instead"))
    beneficiary = found[0]
    audit.record(actor, "support.searched", subject_type="beneficiary", subject_id=beneficiary.id,
                 on_behalf_of_person_id=beneficiary.person_id,
                 details={"by": by, "id_number": mask_id_number(beneficiary.person.id_number)})
    db.session.commit()
    return beneficiary


def get_beneficiary(beneficiary_id: int) -> Beneficiary:
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    if beneficiary is None:
        raise NotFound(beneficiary_id)
    return beneficiary


# --- Conflicts of interest ---


def conflict(staff: StaffUser, beneficiary: Beneficiary) -> str | None:
    """Why this staff member may not serve this beneficiary (see the module docstring)."""
    own = staff.id_number_index
    if not own:
        return None
    person = beneficiary.person
    if id_number_index(person.id_number) == own:
        return N_("This is your own record. Another support agent must help with it.")
    # People who help or helped this beneficiary.
    helpers = db.session.scalars(
        select(Person)
        .join(Delegation, Delegation.helper_person_id == Person.id)
        .where(Delegation.beneficiary_id == beneficiary.id)
    )
    # People this beneficiary helps or helped.
    helped = db.session.scalars(
        select(Person)
        .join(Beneficiary, Beneficiary.person_id == Person.id)
        .join(Delegation, Delegation.beneficiary_id == Beneficiary.id)
        .where(Delegation.helper_person_id == person.id)
    )
    for relative in [*helpers, *helped]:
        if id_number_index(relative.id_number) == own:
            return N_("This person is linked to you as a family helper. Another support agent "
                      "must help with this record.")
    return None


def ensure_may_serve(staff: StaffUser, beneficiary: Beneficiary, actor: Actor,
                     action: str) -> None:
    """Refuse (and record the refusal) when the agent has a conflict of interest."""
    problem = conflict(staff, beneficiary)
    if problem is None:
        return
    audit.record(actor, "support.refused", subject_type="beneficiary", subject_id=beneficiary.id,
                 on_behalf_of_person_id=beneficiary.person_id,
                 details={"action": action, "rule": "conflict_of_interest"})
    db.session.commit()
    raise Refused("conflict", problem)


# --- The masked profile ---


def mask_codes(text: str) -> str:
    """A message as support may read it: any one-time code and long number masked."""
    return scrub_numbers(_CODE.sub("••••••", text))


@dataclass
class MessageView:
    notification: Notification
    text: str


@dataclass
class Profile:
    beneficiary: Beneficiary
    person: Person
    masked_id: str
    masked_phone: str
    current: FinancialAddress | None
    upcoming: FinancialAddress | None
    suspended: list[FinancialAddress]
    open_requests: list[ChangeRequest]
    helpers: list[Delegation]
    lockouts: list[SigninLockout]
    messages: list[MessageView]
    reports: list[NotMeReport]
    can_resend: bool = field(default=False)


def active_lockouts(person: Person, now: datetime | None = None) -> list[SigninLockout]:
    now = now or datetime.now(UTC)
    return list(
        db.session.scalars(
            select(SigninLockout).where(
                SigninLockout.subject_index == id_number_index(person.id_number),
                SigninLockout.subject_kind == "citizen",
                SigninLockout.locked_until > now,
                SigninLockout.lifted_at.is_(None),
            ).order_by(SigninLockout.locked_at.desc())
        )
    )


def open_requests(beneficiary: Beneficiary) -> list[ChangeRequest]:
    change_requests.expire_overdue(beneficiary_id=beneficiary.id)
    return list(
        db.session.scalars(
            select(ChangeRequest).where(
                ChangeRequest.beneficiary_id == beneficiary.id,
                ChangeRequest.status.in_(ChangeRequest.OPEN_STATUSES),
            ).order_by(ChangeRequest.id.desc())
        )
    )


def _messages(person: Person) -> list[Notification]:
    if not person.phone:
        return []
    return list(
        db.session.scalars(
            select(Notification)
            .where(or_(Notification.person_id == person.id, Notification.phone == person.phone))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(RECENT_NOTIFICATIONS)
        )
    )


def last_message(person: Person) -> Notification | None:
    """The newest message to the registered phone that may be sent again (not a code)."""
    if not person.phone:
        return None
    return db.session.scalar(
        select(Notification)
        .where(Notification.phone == person.phone, Notification.kind.not_like("otp%"))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(1)
    )


def profile(staff: StaffUser, beneficiary: Beneficiary, actor: Actor) -> Profile:
    ensure_may_serve(staff, beneficiary, actor, "profile")
    person = beneficiary.person
    today = cycles.today()
    reports = list(
        db.session.scalars(
            select(NotMeReport).where(NotMeReport.beneficiary_id == beneficiary.id)
            .order_by(NotMeReport.created_at.desc(), NotMeReport.id.desc())
        )
    )
    suspended = list(
        db.session.scalars(
            select(FinancialAddress).where(
                FinancialAddress.beneficiary_id == beneficiary.id,
                FinancialAddress.status == "suspended",
            ).order_by(FinancialAddress.suspended_at.desc())
        )
    )
    helpers = list(
        db.session.scalars(
            select(Delegation).where(
                Delegation.beneficiary_id == beneficiary.id,
                Delegation.status.in_(delegations.OPEN_STATUSES),
            ).order_by(Delegation.created_at)
        )
    )
    return Profile(
        beneficiary=beneficiary,
        person=person,
        masked_id=mask_id_number(person.id_number),
        masked_phone=mask_phone(person.phone) if person.phone else "",
        current=addresses.effective_address(beneficiary.id, today),
        upcoming=addresses.upcoming_address(beneficiary.id, today),
        suspended=suspended,
        open_requests=open_requests(beneficiary),
        helpers=helpers,
        lockouts=active_lockouts(person),
        messages=[MessageView(m, mask_codes(m.text)) for m in _messages(person)],
        reports=reports,
        can_resend=last_message(person) is not None,
    )


# --- Shared by every action ---


def _checked_reason(reason: str | None, note: str | None) -> tuple[str, str]:
    note = (note or "").strip()
    if reason not in REASONS:
        raise ValidationError(N_("Choose the reason for this action"))
    if not note:
        raise ValidationError(N_("Write a note: what the beneficiary told you and what you "
                                 "checked"))
    if len(note) > NOTE_MAX:
        raise ValidationError(N_("Write a note of at most %(count)d characters"), count=NOTE_MAX)
    return reason, scrub_numbers(note)


def _details(reason: str, note: str, **more) -> dict:
    return {"reason": reason, "note": note, **more}


def _notify(person: Person, vi: str, en: str, *, kind: str,
            change_request_id: int | None = None) -> None:
    if not person.phone:
        return
    code = notifications.new_report_code()
    notifications.enqueue(
        person.phone,
        f"An Sinh Link: {vi} Khong phai ban yeu cau? Goi tong dai ho tro, ma {code}. / "
        f"{en} Not you? Call the support desk, code {code}.",
        kind=kind, person_id=person.id, change_request_id=change_request_id, report_code=code,
    )


def _prepare(staff: StaffUser, beneficiary: Beneficiary, actor: Actor, action: str,
             reason: str | None, note: str | None) -> tuple[str, str]:
    ensure_may_serve(staff, beneficiary, actor, action)
    return _checked_reason(reason, note)


# --- Unlock a sign-in lockout ---


def unlock(staff: StaffUser, beneficiary: Beneficiary, reason: str | None, note: str | None,
           actor: Actor) -> int:
    """Lift the beneficiary's active sign-in lockouts; returns how many were lifted."""
    reason, note = _prepare(staff, beneficiary, actor, "unlock", reason, note)
    person = beneficiary.person
    lockouts = active_lockouts(person)
    if not lockouts:
        raise Refused("no_lockout", N_("Signing in is not locked for this beneficiary. There is "
                                       "nothing to unlock."))
    audit.record(actor, "support.lockout_lifted", subject_type="beneficiary",
                 subject_id=beneficiary.id, on_behalf_of_person_id=person.id,
                 details=_details(reason, note, lockouts=[row.id for row in lockouts]))
    now = datetime.now(UTC)
    for row in lockouts:
        row.lifted_at = now
        row.lifted_by_staff_id = staff.id
    _notify(person, "tong dai ho tro da mo khoa dang nhap cho ban.",
            "the support desk unlocked signing in for you.", kind="support_unlocked")
    db.session.commit()
    return len(lockouts)


# --- Reset the payment link to cash ---


@dataclass(frozen=True)
class CashReset:
    suspended: list[FinancialAddress]
    cash: FinancialAddress
    held: list[ChangeRequest]


def _accounts_in_force_or_coming(beneficiary_id: int, today: date) -> list[FinancialAddress]:
    return list(
        db.session.scalars(
            select(FinancialAddress).where(
                FinancialAddress.beneficiary_id == beneficiary_id,
                FinancialAddress.kind != "cash",
                FinancialAddress.status.in_(addresses.IN_FORCE_STATUSES),
                or_(FinancialAddress.active_until.is_(None),
                    FinancialAddress.active_until > today),
            ).order_by(FinancialAddress.id)
        )
    )


def reset_to_cash(staff: StaffUser, beneficiary: Beneficiary, reason: str | None,
                  note: str | None, actor: Actor) -> CashReset:
    """Stop paying into any account at once: every account in force today or approved for
    later is suspended, and cash at the commune office is in force from today. An open
    change request stays for the officer, put on hold. The beneficiary links a new account
    through the normal, officer-verified journey."""
    reason, note = _prepare(staff, beneficiary, actor, "reset_cash", reason, note)
    person = beneficiary.person
    today = cycles.today()
    accounts = _accounts_in_force_or_coming(beneficiary.id, today)
    if not accounts:
        raise Refused("already_cash", N_("This benefit is already paid in cash at the commune "
                                         "office. There is no account link to reset."))
    held = open_requests(beneficiary)
    audit.record(actor, "support.reset_to_cash", subject_type="beneficiary",
                 subject_id=beneficiary.id, on_behalf_of_person_id=person.id,
                 details=_details(reason, note, suspended=[a.id for a in accounts],
                                  held=[r.reference for r in held]))
    now = datetime.now(UTC)
    current = addresses.effective_address(beneficiary.id, today)
    for account in accounts:
        account.status = "suspended"
        account.suspended_at = now
        account.active_until = today
    if current is not None and current.kind == "cash":
        cash = current
    else:
        cash = addresses.build_address(beneficiary_id=beneficiary.id, kind="cash",
                                       provider_code=None, number=None, holder_name=None,
                                       status="active", active_from=today)
        db.session.add(cash)
    for request in held:
        request.on_hold = True
    db.session.flush()
    _notify(
        person,
        "tai khoan nhan tro cap cua ban da bi tam dung. Tu nay tro cap tra bang tien mat tai "
        "UBND xa cho den khi ban lien ket tai khoan moi.",
        "the account your benefit was paid into is suspended. Your benefit is paid in cash at "
        "the commune office until you link a new account.",
        kind="support_reset_cash",
    )
    db.session.commit()
    return CashReset(accounts, cash, held)


# --- Revoke a helper ---


def find_delegation(beneficiary: Beneficiary, delegation_id: int) -> Delegation:
    found = delegations.find_for_beneficiary(beneficiary, delegation_id)
    if found is None:
        raise NotFound(delegation_id)
    return found


def revoke_delegation(staff: StaffUser, beneficiary: Beneficiary, delegation_id: int,
                      reason: str | None, note: str | None, actor: Actor) -> Delegation:
    """End a helper's access (domain.delegations.end, by "support"); both sides are told."""
    delegation = find_delegation(beneficiary, delegation_id)
    reason, note = _prepare(staff, beneficiary, actor, "revoke", reason, note)
    if delegation.status not in delegations.OPEN_STATUSES:
        raise Refused("ended", N_("This helper has already stopped"))
    person = beneficiary.person
    was_active = delegation.status == "active"
    audit.record(actor, "support.delegation_revoked", subject_type="delegation",
                 subject_id=delegation.id, on_behalf_of_person_id=person.id,
                 details=_details(reason, note, status=delegation.status))
    if not was_active:  # an accepted helper's ending is told by delegations.end
        _notify(person, "tong dai ho tro da huy loi moi nguoi giup cua ban.",
                "the support desk cancelled your invitation to a helper.",
                kind="support_revoked")
    try:
        delegations.end(delegation, by="support", actor=actor, note=f"{reason}: {note}")
    except ValidationError:
        db.session.rollback()
        raise
    return delegation


# --- Resend the last message ---


def resend_last(staff: StaffUser, beneficiary: Beneficiary, reason: str | None,
                note: str | None, actor: Actor) -> Notification:
    """The newest message (not a one-time code) again, to the registered phone."""
    reason, note = _prepare(staff, beneficiary, actor, "resend", reason, note)
    person = beneficiary.person
    last = last_message(person)
    if last is None:
        raise Refused("nothing", N_("There is no message to send again."))
    audit.record(actor, "support.message_resent", subject_type="notification",
                 subject_id=last.id, on_behalf_of_person_id=person.id,
                 details=_details(reason, note, kind=last.kind))
    copy = notifications.enqueue(person.phone, last.text, kind="resend", person_id=person.id,
                                 change_request_id=last.change_request_id)
    db.session.commit()
    return copy


# --- "This was not me" ---


def _message_with_code(beneficiary: Beneficiary, code: str) -> Notification:
    normalised = re.sub(r"[\s\-]+", "", code).upper()
    if not _REPORT_CODE.fullmatch(normalised):
        raise ValidationError(N_("A message code has 8 letters and digits, as in the message. "
                                 "Leave it empty if the person does not have one"))
    person = beneficiary.person
    message = db.session.scalar(select(Notification).where(Notification.report_code == normalised))
    if message is None:
        raise ValidationError(N_("No message to this beneficiary has that code. Check it with "
                                 "the person"))
    mine = message.person_id == person.id or (person.phone and message.phone == person.phone)
    if not mine and message.change_request_id is not None:
        request = db.session.get(ChangeRequest, message.change_request_id)
        mine = request is not None and request.beneficiary_id == beneficiary.id
    if not mine:
        raise ValidationError(N_("No message to this beneficiary has that code. Check it with "
                                 "the person"))
    return message


@dataclass(frozen=True)
class Reported:
    report: NotMeReport
    held: list[ChangeRequest]


def record_not_me(staff: StaffUser, beneficiary: Beneficiary, report_code: str | None,
                  reason: str | None, note: str | None, actor: Actor) -> Reported:
    """Record that the beneficiary did not ask for something; every open request is put on
    hold, so no officer can approve it (domain/review.py), and flagged in the queue."""
    reason, note = _prepare(staff, beneficiary, actor, "not_me", reason, note)
    message = _message_with_code(beneficiary, report_code) if (report_code or "").strip() \
        else None
    held = open_requests(beneficiary)
    person = beneficiary.person
    audit.record(actor, "support.not_me_recorded", subject_type="beneficiary",
                 subject_id=beneficiary.id, on_behalf_of_person_id=person.id,
                 details=_details(reason, note, message_kind=message.kind if message else None,
                                  held=[r.reference for r in held]))
    request_id = message.change_request_id if message is not None else None
    if request_id is None and held:
        request_id = held[0].id
    report = NotMeReport(
        beneficiary_id=beneficiary.id,
        notification_id=message.id if message is not None else None,
        change_request_id=request_id,
        recorded_by_staff_id=staff.id,
        note=note,
        status="open",
        created_at=datetime.now(UTC),
    )
    db.session.add(report)
    for request in held:
        request.on_hold = True
    db.session.flush()
    if held:
        references = ", ".join(r.reference for r in held)
        vi = (f"chung toi da ghi nhan bao cao cua ban. Yeu cau {references} tam dung de can bo "
              "kiem tra; tai khoan nhan tro cap khong doi.")
        en = (f"we recorded your report. Request {references} is on hold for an officer to "
              "check; where your benefit is paid has not changed.")
    else:
        vi = "chung toi da ghi nhan bao cao cua ban."
        en = "we recorded your report."
    _notify(person, vi, en, kind="support_not_me")
    db.session.commit()
    return Reported(report, held)


# --- An assisted change request, the beneficiary present ---


def assisted_content(staff: StaffUser, beneficiary: Beneficiary, provider_code: str | None,
                     number: str | None, actor: Actor) -> ChangeContent:
    """Check what the beneficiary asks for (and that a change may start now)."""
    ensure_may_serve(staff, beneficiary, actor, "assisted")
    change_requests.ensure_can_change(beneficiary, in_person=True)
    provider = find_provider(provider_code or "")
    if provider is None:
        raise ValidationError(N_("Choose the bank or provider from the list"))
    return change_requests.content_for(beneficiary, provider.kind, provider.code, number or "")


def assisted_send_code(staff: StaffUser, beneficiary: Beneficiary, content: ChangeContent,
                       reason: str | None, note: str | None, actor: Actor):
    """Send the confirmation code to the beneficiary's registered phone."""
    reason, note = _prepare(staff, beneficiary, actor, "assisted", reason, note)
    audit.record(actor, "support.assisted_started", subject_type="beneficiary",
                 subject_id=beneficiary.id, on_behalf_of_person_id=beneficiary.person_id,
                 details=_details(reason, note, kind=content.kind,
                                  provider=content.provider_code,
                                  number_last4=content.number[-4:]))
    return change_requests.send_code(beneficiary, content, actor, in_person=True)  # commits


@dataclass(frozen=True)
class AssistedResult:
    outcome: otp.Outcome
    request: ChangeRequest | None = None
    attempts_left: int = 0
    refused: ValidationError | None = None


def assisted_confirm(staff: StaffUser, beneficiary: Beneficiary, challenge, code: str,
                     content: ChangeContent, actor: Actor) -> AssistedResult:
    """Check the code the beneficiary reads out; when right, submit the request for an
    officer, opened by support (so this agent can never decide it)."""
    ensure_may_serve(staff, beneficiary, actor, "assisted")
    if challenge.person_id != beneficiary.person_id:
        raise NotFound(challenge.public_id)
    checked = otp.check(challenge, code,
                        binding_hash=change_requests.binding_hash(beneficiary, content))
    if checked.outcome is not otp.Outcome.ACCEPTED:
        audit.record(actor, "change_request.code_" + checked.outcome.value,
                     subject_type="beneficiary", subject_id=beneficiary.id,
                     on_behalf_of_person_id=beneficiary.person_id,
                     details={"attempts_left": checked.attempts_left, "opened_by": "support"})
        db.session.commit()
        return AssistedResult(checked.outcome, attempts_left=checked.attempts_left)
    try:
        request = change_requests.submit_change(beneficiary, content, actor,
                                                opened_by_kind="support",
                                                opened_by_staff_id=staff.id)
    except ValidationError as refused:
        db.session.commit()  # the code stays used
        return AssistedResult(otp.Outcome.ACCEPTED, refused=refused)
    return AssistedResult(otp.Outcome.ACCEPTED, request=request)


# --- Revealing a full account number, for a reason ---


def reveal_number(staff: StaffUser, beneficiary: Beneficiary, address_id: int,
                  reason: str | None, note: str | None, actor: Actor) -> tuple[FinancialAddress,
                                                                              str]:
    """The full number of one of the beneficiary's accounts, audited with the reason."""
    ensure_may_serve(staff, beneficiary, actor, "reveal")
    address = db.session.get(FinancialAddress, address_id)
    if (address is None or address.beneficiary_id != beneficiary.id
            or address.number_encrypted is None):
        raise NotFound(address_id)
    note = reveal_note(reason, note)
    audit.record(actor, "support.number_revealed", subject_type="financial_address",
                 subject_id=address.id, on_behalf_of_person_id=beneficiary.person_id,
                 details={"reason": reason, "note": scrub_numbers(note)})
    db.session.commit()
    return address, addresses.full_number(address)
