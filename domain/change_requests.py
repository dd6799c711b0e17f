"""Change requests: asking to have the benefit paid into another account.

A request is `pending` when sent, `in_review` once an officer claims it, then `approved` or
`rejected`; the requester may cancel it while it is still pending, and it expires when nobody
reviewed it within 30 days. One open request per beneficiary. The account in force stays so
until approval. The request is confirmed with a one-time code bound to exactly the reviewed
content, so a code issued for one review cannot confirm another.

Every function takes the beneficiary acted for and the actor separately: a family helper or
a support agent may act for a beneficiary, and the code always goes to the beneficiary's
registered phone.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from domain import addresses, audit, change_lock, checks, cycles, notifications, otp, vietqr
from domain.actors import Actor
from domain.errors import N_, ValidationError
from domain.identifiers import carrier_of, mask_account, normalize_account_number
from domain.models import Beneficiary, ChangeRequest, FinancialAddress, OtpChallenge, Person
from domain.names import names_match
from domain.ports import bank_name_inquiry
from domain.providers import PROVIDER_KINDS, Provider, bank_by_bin, find_provider
from domain.security import account_index, blind_index, id_number_index
from extensions import db

PURPOSE = "confirm_change"
EXPIRES_AFTER = timedelta(days=30)
# How long a closed request stays on the home page after its decision.
RECENT_CLOSED = timedelta(days=30)
REFERENCE_ALPHABET = notifications.REPORT_CODE_ALPHABET
OPENED_BY_KINDS = ("self", "helper", "support")

CARRIER_NAMES = {"viettel": "Viettel", "vinaphone": "VinaPhone", "mobifone": "MobiFone"}

# Why a request was rejected, as the beneficiary reads it; the codes are those the officer
# chooses from (domain/review.py). An unknown code reads as "other".
REJECT_REASONS = {
    "holder_name_mismatch": N_(
        "The name on the account is not your name. Link an account in your own name"
    ),
    "account_not_found": N_(
        "The bank or provider could not confirm the account. Check the number with them and "
        "send a new request"
    ),
    "account_linked_elsewhere": N_(
        "This account is used for someone else's benefit. Link an account of your own"
    ),
    "provider_not_accepting": N_(
        "This provider cannot receive benefit payments. Choose another bank or wallet"
    ),
    "not_confirmed_by_beneficiary": N_(
        "We could not confirm that you want this change. If you do, bring your chip ID card "
        "to your commune office"
    ),
    "registry_mismatch": N_(
        "Your details in the population registry do not match. Bring your chip ID card to "
        "your commune office"
    ),
    "other": N_("More checks are needed. Contact your commune office"),
}


# --- What a request asks for ---


@dataclass(frozen=True)
class ChangeContent:
    """Exactly what the person reviews and confirms."""

    kind: str
    provider_code: str
    number: str
    holder_name: str

    @property
    def provider(self) -> Provider:
        found = find_provider(self.provider_code)
        if found is None:
            raise ValueError(f"unknown provider {self.provider_code!r}")
        return found

    @property
    def masked_number(self) -> str:
        return mask_account(self.number)

    def as_json(self, beneficiary_id: int) -> str:
        return json.dumps(
            [beneficiary_id, self.kind, self.provider_code, self.number, self.holder_name],
            ensure_ascii=False,
        )


class ChangeRefused(ValidationError):
    """A change that cannot be made now; `reason` says why, `request` names the open one."""

    def __init__(self, reason: str, message: str, *, request: ChangeRequest | None = None,
                 **params) -> None:
        super().__init__(message, **params)
        self.reason = reason
        self.request = request


def provider_for(kind: str, provider_code: str | None) -> Provider:
    """The provider of this kind with this code; ValidationError otherwise."""
    if kind not in PROVIDER_KINDS:
        raise ValidationError(N_("Choose how you want to be paid"))
    found = find_provider(provider_code or "")
    if found is None or found.kind != kind:
        if kind == "bank":
            raise ValidationError(N_("Choose your bank from the list"))
        raise ValidationError(N_("Choose the provider from the list"))
    return found


def normalize_number(provider: Provider, text: str) -> str:
    """The account number or phone number at this provider, as it will be stored.

    Mobile money lives on the provider's own SIM: the number must belong to that carrier.
    """
    number = normalize_account_number(text, provider)
    if provider.carrier is not None and carrier_of(number) != provider.carrier:
        raise ValidationError(
            N_(
                "A %(provider)s account uses a %(carrier)s phone number. "
                "Enter a %(carrier)s number, or choose the service of your phone's network"
            ),
            provider=provider.short_name,
            carrier=CARRIER_NAMES[provider.carrier],
        )
    return number


def _same_as(address: FinancialAddress | None, kind: str, provider_code: str,
             number: str) -> bool:
    # Compared by the blind index: no need to decrypt the stored number.
    return address is not None and address.number_index == account_index(
        kind, provider_code, number
    )


def content_for(beneficiary: Beneficiary, kind: str, provider_code: str | None,
                number_text: str) -> ChangeContent:
    """Validate what was entered and ask the bank for the holder's name.

    Raises ValidationError for anything a person can correct, including asking for the
    account the benefit already goes to.
    """
    provider = provider_for(kind, provider_code)
    number = normalize_number(provider, number_text)
    today = cycles.today()
    for current in (addresses.effective_address(beneficiary.id, today),
                    addresses.upcoming_address(beneficiary.id, today)):
        if _same_as(current, kind, provider.code, number):
            raise ValidationError(
                N_("Your benefit is already paid into this account. Enter a different one")
            )
    holder = bank_name_inquiry().holder_name(provider.code, number).holder_name
    return ChangeContent(kind, provider.code, number, holder)


def content_from_vietqr(beneficiary: Beneficiary, text: str) -> ChangeContent:
    """Bank and account from a pasted VietQR code, then the holder's name from the bank."""
    qr = vietqr.decode(text)
    if qr.service != vietqr.TO_ACCOUNT:
        raise ValidationError(
            N_("This code is for a card, not an account. Use the QR code of your bank account")
        )
    bank = bank_by_bin(qr.bin)
    if bank is None:
        raise ValidationError(
            N_(
                "This code is for a bank this service cannot pay into. "
                "Choose your bank from the list instead"
            )
        )
    return content_for(beneficiary, "bank", bank.code, qr.account)


def holder_matches(beneficiary: Beneficiary, content: ChangeContent) -> bool:
    return names_match(content.holder_name, beneficiary.person.full_name)


def binding_hash(beneficiary: Beneficiary, content: ChangeContent) -> str:
    """A keyed hash of exactly what was reviewed, for whom: what the code confirms."""
    return blind_index(content.as_json(beneficiary.id), purpose=PURPOSE)


def review_fingerprint(beneficiary: Beneficiary, content: ChangeContent) -> str:
    """A short keyed hash of the reviewed content, carried by the page's forms."""
    return blind_index(content.as_json(beneficiary.id), purpose="review")[:32]


# --- Whether a change may start ---


def open_request(beneficiary: Beneficiary, now: datetime | None = None) -> ChangeRequest | None:
    """The beneficiary's pending or in-review request, if any (an overdue one expires first)."""
    expire_overdue(now=now, beneficiary_id=beneficiary.id)
    return db.session.scalar(
        select(ChangeRequest)
        .where(
            ChangeRequest.beneficiary_id == beneficiary.id,
            ChangeRequest.status.in_(ChangeRequest.OPEN_STATUSES),
        )
        .order_by(ChangeRequest.id.desc())
        .limit(1)
    )


def blocker(beneficiary: Beneficiary, now: datetime | None = None, *,
            in_person: bool = False) -> ChangeRefused | None:
    """Why a change cannot start now, or None when it can.

    The opt-in lock stops online changes only: a request the support desk opens with the
    beneficiary present (`in_person`, still confirmed by their code) is the way a locked
    account is changed "at the commune office".
    """
    now = now or datetime.now(UTC)
    person = beneficiary.person
    if not person.is_alive or beneficiary.status != "active":
        return ChangeRefused(
            "not_active",
            N_(
                "Your benefit is not being paid at the moment, so the account cannot be "
                "changed online. Ask your commune office"
            ),
        )
    if not person.phone:
        return ChangeRefused(
            "no_phone",
            N_(
                "The population registry has no phone number for you, so we cannot send you a "
                "code. Ask your commune office to change the account"
            ),
        )
    lock = change_lock.state(beneficiary, now)
    if not in_person and lock.blocked is change_lock.Blocked.LOCKED:
        return ChangeRefused(
            "locked",
            N_(
                "You have locked online changes. The account your benefit is paid into can only "
                "be changed at your commune office"
            ),
        )
    if not in_person and lock.blocked is change_lock.Blocked.COOLING_OFF:
        return ChangeRefused(
            "cooling_off",
            N_(
                "You unlocked online changes recently. For your safety a change can start from "
                "%(until)s"
            ),
            until=lock.changes_allowed_from,
        )
    existing = open_request(beneficiary, now)
    if existing is not None:
        return ChangeRefused(
            "open_request",
            N_(
                "You already have a request waiting (%(reference)s). Wait for the decision, or "
                "cancel it before you ask again"
            ),
            request=existing,
            reference=existing.reference,
        )
    return None


def ensure_can_change(beneficiary: Beneficiary, now: datetime | None = None, *,
                      in_person: bool = False) -> None:
    refused = blocker(beneficiary, now, in_person=in_person)
    if refused is not None:
        raise refused


# --- Confirming with a one-time code ---


def _code_text(code: str, content: ChangeContent) -> str:
    minutes = current_app.config["OTP_TTL_SECONDS"] // 60
    where = f"{content.provider.short_name} {content.masked_number}"
    return (
        f"An Sinh Link: ma {code} xac nhan doi tai khoan nhan tro cap sang {where} / "
        f"code to confirm paying your benefit to {where}. "
        f"Hieu luc {minutes} phut / valid {minutes} minutes. "
        "Khong dua ma cho bat ky ai, ke ca can bo / never share it, not even with staff."
    )


def send_code(beneficiary: Beneficiary, content: ChangeContent, actor: Actor, *,
              in_person: bool = False) -> OtpChallenge:
    """Send a code bound to this content to the beneficiary's registered phone."""
    ensure_can_change(beneficiary, in_person=in_person)
    person = beneficiary.person
    challenge, code = otp.issue(
        purpose=PURPOSE,
        subject_index=id_number_index(person.id_number),
        person_id=person.id,
        binding_hash=binding_hash(beneficiary, content),
    )
    notifications.enqueue(person.phone, _code_text(code, content), kind="otp_change",
                          person_id=person.id)
    audit.record(
        actor,
        "change_request.code_sent",
        subject_type="beneficiary",
        subject_id=beneficiary.id,
        on_behalf_of_person_id=person.id,
        details=_audit_content(content),
    )
    db.session.commit()
    return challenge


def resend_code(beneficiary: Beneficiary, challenge: OtpChallenge, content: ChangeContent,
                actor: Actor) -> int:
    """A new code on the same challenge (same tries left); returns the seconds still to wait.

    The content must be what the challenge was issued for, or nothing is sent.
    """
    if challenge.binding_hash != binding_hash(beneficiary, content):
        raise ValidationError(
            N_("The details changed after we sent the code. Check them and ask for a new code")
        )
    wait = otp.seconds_until_resend(challenge)
    if wait > 0 or not otp.is_usable(challenge):
        return wait
    code = otp.resend(challenge)
    notifications.enqueue(beneficiary.person.phone, _code_text(code, content),
                          kind="otp_change", person_id=beneficiary.person_id)
    audit.record(actor, "change_request.code_resent", subject_type="beneficiary",
                 subject_id=beneficiary.id, on_behalf_of_person_id=beneficiary.person_id)
    db.session.commit()
    return 0


def find_challenge(public_id: str | None) -> OtpChallenge | None:
    return otp.find_open(public_id, purpose=PURPOSE)


@dataclass(frozen=True)
class Confirmed:
    outcome: otp.Outcome
    request: ChangeRequest | None = None
    attempts_left: int = 0
    refused: ChangeRefused | None = None


def confirm(
    beneficiary: Beneficiary,
    challenge: OtpChallenge,
    code: str,
    content: ChangeContent,
    actor: Actor,
    *,
    opened_by_kind: str = "self",
    opened_by_person_id: int | None = None,
) -> Confirmed:
    """Check the code against this content; when it is right, submit the request."""
    if challenge.person_id != beneficiary.person_id:
        raise PermissionError("this code was not sent for this beneficiary")
    checked = otp.check(challenge, code, binding_hash=binding_hash(beneficiary, content))
    if checked.outcome is not otp.Outcome.ACCEPTED:
        audit.record(
            actor,
            "change_request.code_" + checked.outcome.value,
            subject_type="beneficiary",
            subject_id=beneficiary.id,
            on_behalf_of_person_id=beneficiary.person_id,
            details={"attempts_left": checked.attempts_left},
        )
        db.session.commit()
        return Confirmed(checked.outcome, attempts_left=checked.attempts_left)
    try:
        request = submit_change(beneficiary, content, actor, opened_by_kind=opened_by_kind,
                                opened_by_person_id=opened_by_person_id)
    except ChangeRefused as refused:
        db.session.commit()  # the code stays used
        return Confirmed(otp.Outcome.ACCEPTED, refused=refused)
    return Confirmed(otp.Outcome.ACCEPTED, request=request)


# --- Submitting, cancelling, expiring ---


def new_reference() -> str:
    """A reference people can read out: YC-7KQ2-M9PX (no 0/O or 1/I to confuse)."""
    while True:
        body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"YC-{body[:4]}-{body[4:]}"
        taken = db.session.scalar(
            select(ChangeRequest.id).where(ChangeRequest.reference == reference)
        )
        if taken is None:
            return reference


def _audit_content(content: ChangeContent) -> dict:
    return {
        "kind": content.kind,
        "provider": content.provider_code,
        "number_last4": content.number[-4:],
    }


def _lock_beneficiary(beneficiary: Beneficiary) -> None:
    # Serialises two submissions for one beneficiary on PostgreSQL (SQLite serialises writers).
    db.session.execute(
        select(Beneficiary.id).where(Beneficiary.id == beneficiary.id).with_for_update()
    )


def submit_change(
    beneficiary: Beneficiary,
    content: ChangeContent,
    actor: Actor,
    opened_by_kind: str = "self",
    opened_by_person_id: int | None = None,
    opened_by_staff_id: int | None = None,
) -> ChangeRequest:
    """Record the request with its automated checks and tell the registered phone.

    The account in force is untouched; the proposed one waits for an officer.
    """
    if opened_by_kind not in OPENED_BY_KINDS:
        raise ValueError(f"unknown opener {opened_by_kind!r}")
    now = datetime.now(UTC)
    # Expire first (it commits), then hold the lock until this transaction commits.
    expire_overdue(now=now, beneficiary_id=beneficiary.id)
    audit.lock_chain()  # the audit lock first, then rows: the order every writer keeps
    _lock_beneficiary(beneficiary)
    ensure_can_change(beneficiary, now, in_person=opened_by_kind == "support")
    provider = provider_for(content.kind, content.provider_code)
    if normalize_number(provider, content.number) != content.number or not content.holder_name:
        raise ValueError("content was not validated")
    today = cycles.today()
    for current in (addresses.effective_address(beneficiary.id, today),
                    addresses.upcoming_address(beneficiary.id, today)):
        if _same_as(current, content.kind, content.provider_code, content.number):
            raise ChangeRefused(
                "same_address",
                N_("Your benefit is already paid into this account. Enter a different one"),
            )

    proposed = addresses.build_address(
        beneficiary_id=beneficiary.id,
        kind=content.kind,
        provider_code=content.provider_code,
        number=content.number,
        holder_name=content.holder_name,
        status="proposed",
    )
    db.session.add(proposed)
    db.session.flush()
    helper = (
        db.session.get(Person, opened_by_person_id)
        if opened_by_kind == "helper" and opened_by_person_id is not None
        else None
    )
    results = checks.run_checks(beneficiary, proposed, content.number, now, helper=helper)
    previous = addresses.effective_address(beneficiary.id, today)
    request = ChangeRequest(
        reference=new_reference(),
        beneficiary_id=beneficiary.id,
        proposed_address_id=proposed.id,
        previous_address_id=previous.id if previous else None,
        status="pending",
        opened_by_kind=opened_by_kind,
        opened_by_person_id=opened_by_person_id,
        opened_by_staff_id=opened_by_staff_id,
        created_at=now,
        expires_at=now + EXPIRES_AFTER,
        checks=results,
        high_risk=checks.is_high_risk(results),
    )
    db.session.add(request)
    db.session.flush()

    person = beneficiary.person
    where = f"{provider.short_name} {content.masked_number}"
    report_code = notifications.new_report_code()
    by_helper = (
        f"{helper.full_name} (nguoi giup ban / your helper) da gui yeu cau nay / sent this. "
        if helper is not None
        else ""
    )
    notifications.enqueue(
        person.phone,
        (
            f"An Sinh Link: {by_helper}da nhan yeu cau {request.reference} doi tai khoan nhan "
            "tro cap sang "
            f"{where}; tro cap van tra vao tai khoan cu den khi duoc duyet. "
            f"Khong phai ban? Bao tong dai ma {report_code}. / We received request "
            f"{request.reference} to pay your benefit to {where}; it is paid as before until "
            f"approval. Not you? Tell the support desk code {report_code}."
        ),
        kind="change_submitted",
        person_id=person.id,
        change_request_id=request.id,
        report_code=report_code,
    )
    if content.kind in ("ewallet", "mobile_money") and content.number != person.phone:
        notice_code = notifications.new_report_code()
        notifications.enqueue(
            content.number,
            (
                f"An Sinh Link: so nay vua duoc de nghi lam tai khoan {provider.short_name} "
                "nhan tro cap an sinh xa hoi. Neu ban khong biet viec nay, bao tong dai ma "
                f"{notice_code}. / This number was just proposed as the {provider.short_name} "
                "account for a social-security benefit. If you know nothing of it, tell the "
                f"support desk code {notice_code}."
            ),
            kind="change_new_number",
            change_request_id=request.id,
            report_code=notice_code,
        )
    audit.record(
        actor,
        "change_request.submitted",
        subject_type="change_request",
        subject_id=request.id,
        on_behalf_of_person_id=person.id,
        details={
            **_audit_content(content),
            "reference": request.reference,
            "opened_by": opened_by_kind,
            "high_risk": request.high_risk,
            "failed_checks": [r["code"] for r in results if r["result"] == checks.FAIL],
        },
    )
    db.session.commit()
    return request


def can_cancel(request: ChangeRequest) -> bool:
    """Until an officer claims it."""
    return request.status == "pending" and request.claimed_by_staff_id is None


def cancel(beneficiary: Beneficiary, request: ChangeRequest, actor: Actor) -> ChangeRequest:
    """Withdraw a pending request; the account in force stays as it is."""
    if request.beneficiary_id != beneficiary.id:
        raise PermissionError("not this beneficiary's request")
    not_now = ChangeRefused(
        "not_cancellable",
        N_("This request can no longer be cancelled: an officer has started checking it"),
        request=request,
    )
    expire_overdue(beneficiary_id=beneficiary.id)
    db.session.refresh(request)
    if request.status in ("cancelled", "expired", "approved", "rejected"):
        raise ChangeRefused(
            "closed", N_("This request is already closed"), request=request
        )
    if not can_cancel(request):
        raise not_now
    now = datetime.now(UTC)
    audit.lock_chain()  # before the row's lock, as every writer does
    request.status = "cancelled"
    request.closed_at = now
    request.proposed_address.status = "withdrawn"
    report_code = notifications.new_report_code()
    person = beneficiary.person
    try:
        db.session.flush()  # the version check: an officer may have claimed it meanwhile
    except StaleDataError:
        db.session.rollback()
        raise not_now from None
    if person.phone:
        notifications.enqueue(
            person.phone,
            (
                f"An Sinh Link: yeu cau {request.reference} da duoc huy; tro cap van tra nhu cu. "
                f"Khong phai ban huy? Bao tong dai ma {report_code}. / Request "
                f"{request.reference} was cancelled; your benefit is paid as before. "
                f"Not you? Tell the support desk code {report_code}."
            ),
            kind="change_cancelled",
            person_id=person.id,
            change_request_id=request.id,
            report_code=report_code,
        )
    audit.record(
        actor,
        "change_request.cancelled",
        subject_type="change_request",
        subject_id=request.id,
        on_behalf_of_person_id=person.id,
        details={"reference": request.reference},
    )
    db.session.commit()
    return request


def expire_overdue(now: datetime | None = None, beneficiary_id: int | None = None) -> int:
    """Expire pending requests nobody reviewed within 30 days; returns how many."""
    now = now or datetime.now(UTC)
    query = select(ChangeRequest).where(
        ChangeRequest.status == "pending",
        ChangeRequest.claimed_by_staff_id.is_(None),
        ChangeRequest.expires_at <= now,
    )
    if beneficiary_id is not None:
        query = query.where(ChangeRequest.beneficiary_id == beneficiary_id)
    overdue = list(db.session.scalars(query.order_by(ChangeRequest.id)))
    if not overdue:
        return 0
    expired = 0
    system = Actor.system("request-expiry")
    for request in overdue:
        audit.lock_chain()  # before the row's lock, as every writer does
        request.status = "expired"
        request.closed_at = now
        request.proposed_address.status = "withdrawn"
        try:
            db.session.flush()
        except StaleDataError:  # claimed or cancelled meanwhile: leave it
            db.session.rollback()
            continue
        beneficiary = db.session.get(Beneficiary, request.beneficiary_id)
        person = beneficiary.person
        if person.phone:
            notifications.enqueue(
                person.phone,
                (
                    f"An Sinh Link: yeu cau {request.reference} da het han vi chua duoc xem xet; "
                    "tro cap van tra nhu cu. Ban co the gui yeu cau moi. / Request "
                    f"{request.reference} expired before it was reviewed; your benefit is paid "
                    "as before. You can send a new request."
                ),
                kind="change_expired",
                person_id=person.id,
                change_request_id=request.id,
            )
        audit.record(
            system,
            "change_request.expired",
            subject_type="change_request",
            subject_id=request.id,
            on_behalf_of_person_id=person.id,
            details={"reference": request.reference},
        )
        db.session.commit()
        expired += 1
    return expired


# --- Reading requests ---


def find_request(beneficiary: Beneficiary, request_id: int) -> ChangeRequest | None:
    """One of this beneficiary's requests; None for anyone else's."""
    expire_overdue(beneficiary_id=beneficiary.id)
    request = db.session.get(ChangeRequest, request_id)
    if request is None or request.beneficiary_id != beneficiary.id:
        return None
    return request


def latest_request(beneficiary: Beneficiary, now: datetime | None = None) -> ChangeRequest | None:
    """The open request, or else one closed in the last 30 days, for the home page."""
    now = now or datetime.now(UTC)
    found = open_request(beneficiary, now)
    if found is not None:
        return found
    return db.session.scalar(
        select(ChangeRequest)
        .where(
            ChangeRequest.beneficiary_id == beneficiary.id,
            ChangeRequest.closed_at >= now - RECENT_CLOSED,
        )
        .order_by(ChangeRequest.closed_at.desc(), ChangeRequest.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Step:
    label: str  # English msgid
    state: str  # done | current | bad | todo
    on: datetime | date | None = None


def timeline(request: ChangeRequest) -> list[Step]:
    """Sent → being checked → approved or rejected (or cancelled, expired)."""
    steps = [Step(N_("Sent"), "done", request.created_at)]
    if request.status == "pending":
        steps.append(Step(N_("Being checked by an officer"), "todo"))
        steps.append(Step(N_("Decision"), "todo"))
    elif request.status == "in_review":
        steps.append(Step(N_("Being checked by an officer"), "current", request.claimed_at))
        steps.append(Step(N_("Decision"), "todo"))
    elif request.status in ("approved", "rejected"):
        steps.append(Step(N_("Checked by an officer"), "done", request.claimed_at))
        if request.status == "approved":
            steps.append(Step(N_("Approved"), "done", request.decided_at))
        else:
            steps.append(Step(N_("Rejected"), "bad", request.decided_at))
    elif request.status == "cancelled":
        steps.append(Step(N_("Cancelled"), "bad", request.closed_at))
    elif request.status == "expired":
        steps.append(Step(N_("Expired: nobody checked it within 30 days"), "bad",
                          request.closed_at))
    return steps


def reject_reason_text(request: ChangeRequest) -> str | None:
    """The reason as the beneficiary reads it (an English msgid), or None."""
    if request.status != "rejected" or not request.reject_reason:
        return None
    return REJECT_REASONS.get(request.reject_reason, REJECT_REASONS["other"])


def effective_if_approved_now(on: date | None = None) -> date:
    """The cut-off from which the new account is used if an officer approves it on `on`."""
    return cycles.next_cutoff(on or cycles.today())
