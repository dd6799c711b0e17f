"""Officers' verification of change requests: the queue, claims, decisions and reveals.

Scope: an officer sees the requests of beneficiaries living in their commune, a supervisor
those of their province; anything else is "not found". Whoever opened a request, or is its
subject, never decides it. A request with a failing check needs two approvals by two people,
the second a supervisor's. Decisions carry the version the reviewer saw; a request that changed
meanwhile is refused, never decided twice.

Every state change records its audit event first: on PostgreSQL that takes the audit chain's
lock before any row lock, the same order as every other writer, so writers never deadlock.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, false, func, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from domain import addresses, audit, cycles, notifications
from domain.actors import Actor
from domain.errors import N_, ValidationError
from domain.identifiers import mask_id_number
from domain.models import (
    AuditEvent,
    Beneficiary,
    ChangeRequest,
    Commune,
    FinancialAddress,
    Person,
    Province,
    StaffUser,
)
from domain.names import names_match
from domain.ports import NameInquiryResult, bank_name_inquiry
from domain.security import id_number_index
from extensions import db

log = logging.getLogger("ansinh.review")

REVIEWER_ROLES = ("officer", "supervisor")
CLAIM_LAPSES_AFTER = timedelta(hours=2)
OVERDUE_AFTER_WORKING_DAYS = 5
PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
OPEN = ChangeRequest.OPEN_STATUSES

# Why a request is rejected: a label for the officer, and what the beneficiary is told by SMS
# (Vietnamese without diacritics / English) and should do next.
REJECT_REASONS: dict[str, dict[str, str]] = {
    "holder_name_mismatch": {
        "label": N_("The account holder is not the beneficiary"),
        "sms_vi": "ten chu tai khoan khong trung voi ten cua ban. Hay lien ket tai khoan "
                  "dung ten ban",
        "sms_en": "the account holder's name is not yours. Link an account in your own name",
    },
    "account_not_found": {
        "label": N_("The bank or provider could not confirm the account"),
        "sms_vi": "ngan hang khong xac nhan duoc tai khoan. Hay kiem tra so tai khoan voi "
                  "ngan hang roi gui yeu cau moi",
        "sms_en": "the bank could not confirm the account. Check the number with your bank "
                  "and make a new request",
    },
    "account_linked_elsewhere": {
        "label": N_("The account is used for another beneficiary"),
        "sms_vi": "tai khoan nay dang dung cho nguoi khac. Hay lien ket tai khoan cua "
                  "chinh ban",
        "sms_en": "this account is used for someone else. Link an account of your own",
    },
    "provider_not_accepting": {
        "label": N_("The provider cannot receive benefit payments"),
        "sms_vi": "don vi nay chua nhan chi tra tro cap. Hay chon ngan hang hoac vi khac",
        "sms_en": "this provider cannot receive benefit payments. Choose another bank or "
                  "wallet",
    },
    "not_confirmed_by_beneficiary": {
        "label": N_("We could not confirm the beneficiary wants this change"),
        "sms_vi": "chung toi chua xac nhan duoc ban muon thay doi nay. Neu dung la ban, "
                  "hay mang CCCD den UBND xa",
        "sms_en": "we could not confirm you want this change. If you do, bring your ID card "
                  "to the commune office",
    },
    "registry_mismatch": {
        "label": N_("The population registry details do not match"),
        "sms_vi": "thong tin dan cu khong khop. Hay mang CCCD den UBND xa",
        "sms_en": "your registry details do not match. Bring your ID card to the commune "
                  "office",
    },
    "other": {
        "label": N_("Another reason (write it in the note)"),
        "sms_vi": "can kiem tra them. Hay lien he UBND xa",
        "sms_en": "more checks are needed. Contact your commune office",
    },
}

REVEAL_REASONS: dict[str, str] = {
    "paper_form": N_("Compare it with a paper form or bank document"),
    "call_provider": N_("Check the account with the bank or provider"),
    "beneficiary_asked": N_("The beneficiary asked at the counter"),
    "other": N_("Another reason (write it in the note)"),
}

NOTE_MAX = 1000
REVEAL_NOTE_MAX = 300

# What the queue can be filtered by.
STATUS_FILTERS = (
    "open", "waiting", "mine", "in_review", "second_approval",
    "approved", "rejected", "cancelled", "expired", "all",
)
RISK_FILTERS = ("any", "high", "normal")


_LONG_DIGITS = re.compile(r"\d{6,}")


def scrub_numbers(text: str) -> str:
    """Mask runs of 6 or more digits: an audit note never keeps an ID or account number."""
    return _LONG_DIGITS.sub(lambda m: "•" * len(m.group()), text)


class NotFound(LookupError):
    """No such request, or not in the reviewer's locality: both answer 404."""


class Refused(ValidationError):
    """A step the reviewer cannot take now; `reason` names the rule for tests and the audit."""

    def __init__(self, reason: str, message: str, **params) -> None:
        super().__init__(message, **params)
        self.reason = reason


# --- Scope and look-ups ---


def _scope(staff: StaffUser) -> ColumnElement[bool]:
    if staff.role == "officer" and staff.commune_id is not None:
        return Person.commune_id == staff.commune_id
    if staff.role == "supervisor" and staff.province_code:
        return Commune.province_code == staff.province_code
    return false()


def _scoped(*entities):
    return (
        select(*entities)
        .select_from(ChangeRequest)
        .join(Beneficiary, ChangeRequest.beneficiary_id == Beneficiary.id)
        .join(Person, Beneficiary.person_id == Person.id)
        .join(Commune, Person.commune_id == Commune.id)
    )


def get_request(staff: StaffUser, request_id: int) -> ChangeRequest:
    found = db.session.scalar(
        _scoped(ChangeRequest).where(ChangeRequest.id == request_id, _scope(staff))
    )
    if found is None:
        raise NotFound(request_id)
    return found


def _person_of(request: ChangeRequest) -> Person:
    beneficiary = db.session.get(Beneficiary, request.beneficiary_id)
    return beneficiary.person


def communes_in_scope(staff: StaffUser) -> list[Commune]:
    query = select(Commune).order_by(Commune.name)
    if staff.role == "officer":
        query = query.where(Commune.id == staff.commune_id)
    elif staff.role == "supervisor":
        query = query.where(Commune.province_code == staff.province_code)
    else:
        return []
    return list(db.session.scalars(query))


def scope_name(staff: StaffUser) -> str:
    if staff.role == "officer" and staff.commune_id is not None:
        commune = db.session.get(Commune, staff.commune_id)
        return commune.name if commune else ""
    if staff.role == "supervisor" and staff.province_code:
        province = db.session.get(Province, staff.province_code)
        return province.name if province else ""
    return ""


# --- Rules ---


def needs_second_approval(request: ChangeRequest) -> bool:
    return bool(request.high_risk) or any(c.get("result") == "fail" for c in request.checks or [])


def awaiting_supervisor(request: ChangeRequest) -> bool:
    return request.is_open and request.first_approved_by_staff_id is not None


def claim_is_current(request: ChangeRequest, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return (
        request.claimed_by_staff_id is not None
        and request.claimed_at is not None
        and request.claimed_at > now - CLAIM_LAPSES_AFTER
    )


def expired_unreviewed(request: ChangeRequest, now: datetime | None = None) -> bool:
    """Past its 30 days with nobody on it: the self-service side closes it as expired."""
    now = now or datetime.now(UTC)
    return (
        request.status == "pending"
        and request.claimed_by_staff_id is None
        and request.expires_at <= now
    )


EXPIRED_MESSAGE = N_("Nobody claimed this request within 30 days, so it has expired. The "
                     "beneficiary can send a new one.")


def conflict(staff: StaffUser, request: ChangeRequest, person: Person) -> str | None:
    """Why this staff member may not decide this request at all (maker-checker), or None."""
    if request.opened_by_staff_id == staff.id:
        return N_("You opened this request, so another officer must decide it.")
    if staff.id_number_index:
        if id_number_index(person.id_number) == staff.id_number_index:
            return N_("This request is about you, so another officer must decide it.")
        if request.opened_by_person_id is not None:
            opener = db.session.get(Person, request.opened_by_person_id)
            if opener is not None and id_number_index(opener.id_number) == staff.id_number_index:
                return N_("You opened this request as a family helper, so another officer "
                          "must decide it.")
    return None


def _second_step_problem(staff: StaffUser, request: ChangeRequest) -> Refused | None:
    if not awaiting_supervisor(request):
        return None
    if staff.role != "supervisor":
        return Refused("needs_supervisor",
                       N_("An officer approved this high-risk request. It now needs a "
                          "supervisor's approval."))
    if staff.id == request.first_approved_by_staff_id:
        return Refused("same_approver",
                       N_("You gave the first approval. A different supervisor must give the "
                          "second."))
    return None


CLOSED_MESSAGES = {
    "approved": N_("This request was approved already."),
    "rejected": N_("This request was rejected already."),
    "cancelled": N_("The beneficiary cancelled this request."),
    "expired": N_("This request has expired."),
}


def _closed(request: ChangeRequest) -> Refused:
    return Refused("closed", CLOSED_MESSAGES.get(request.status,
                                                 N_("This request is closed.")))


def _refuse_if_closed(request: ChangeRequest) -> None:
    if not request.is_open:
        raise _closed(request)


# --- The queue ---


@dataclass
class QueueFilter:
    status: str = "open"
    risk: str = "any"
    commune: str | None = None  # commune code
    page: int = 1

    def as_args(self) -> dict:
        args = {"status": self.status, "risk": self.risk}
        if self.commune:
            args["commune"] = self.commune
        return args


@dataclass
class QueueRow:
    request: ChangeRequest
    person: Person
    commune: Commune
    proposed: FinancialAddress
    claimed_by: StaffUser | None
    age: timedelta
    working_days: int
    overdue: bool
    awaiting_supervisor: bool
    flags: list[dict] = field(default_factory=list)  # failing and warning checks

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.person.id_number)


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (holidays not counted)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def _local_date(moment: datetime) -> date:
    return moment.astimezone(cycles.VIETNAM).date()


def _filtered(staff: StaffUser, filters: QueueFilter, now: datetime):
    lapse = now - CLAIM_LAPSES_AFTER
    query = _scoped(ChangeRequest, Person, Commune).where(_scope(staff))
    status = filters.status
    if status == "open":
        query = query.where(ChangeRequest.status.in_(OPEN))
    elif status == "waiting":
        query = query.where(
            ChangeRequest.status.in_(OPEN),
            ChangeRequest.first_approved_by_staff_id.is_(None),
            or_(ChangeRequest.claimed_by_staff_id.is_(None), ChangeRequest.claimed_at <= lapse),
            or_(ChangeRequest.status != "pending", ChangeRequest.expires_at > now),
        )
    elif status == "mine":
        query = query.where(
            ChangeRequest.status.in_(OPEN),
            ChangeRequest.claimed_by_staff_id == staff.id,
            ChangeRequest.claimed_at > lapse,
        )
    elif status == "in_review":
        query = query.where(
            ChangeRequest.status.in_(OPEN),
            ChangeRequest.claimed_by_staff_id.is_not(None),
            ChangeRequest.claimed_at > lapse,
        )
    elif status == "second_approval":
        query = query.where(
            ChangeRequest.status.in_(OPEN),
            ChangeRequest.first_approved_by_staff_id.is_not(None),
        )
    elif status in ("approved", "rejected", "cancelled", "expired"):
        query = query.where(ChangeRequest.status == status)
    if filters.risk == "high":
        query = query.where(ChangeRequest.high_risk.is_(True))
    elif filters.risk == "normal":
        query = query.where(ChangeRequest.high_risk.is_(False))
    if filters.commune:
        query = query.where(Commune.code == filters.commune)
    return query


def _rows(results, now: datetime) -> list[QueueRow]:
    results = list(results)
    claimant_ids = {r[0].claimed_by_staff_id for r in results if r[0].claimed_by_staff_id}
    claimants = {
        s.id: s
        for s in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(claimant_ids)))
    } if claimant_ids else {}
    today = _local_date(now)
    rows = []
    for request, person, commune in results:
        working = working_days_between(_local_date(request.created_at), today)
        current = claim_is_current(request, now)
        rows.append(
            QueueRow(
                request=request,
                person=person,
                commune=commune,
                proposed=request.proposed_address,
                claimed_by=claimants.get(request.claimed_by_staff_id) if current else None,
                age=now - request.created_at,
                working_days=working,
                overdue=request.is_open and working > OVERDUE_AFTER_WORKING_DAYS,
                awaiting_supervisor=awaiting_supervisor(request),
                flags=[c for c in request.checks or [] if c.get("result") in ("fail", "warn")],
            )
        )
    return rows


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int


def queue(staff: StaffUser, filters: QueueFilter) -> QueuePage:
    """The reviewer's requests, oldest first."""
    now = datetime.now(UTC)
    query = _filtered(staff, filters, now)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    results = db.session.execute(
        query.options(selectinload(ChangeRequest.proposed_address))
        .order_by(ChangeRequest.created_at, ChangeRequest.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return QueuePage(_rows(results, now), total, page, pages)


EXPORT_COLUMNS = (
    "reference", "submitted_at", "working_days", "overdue", "commune", "beneficiary_id_masked",
    "beneficiary_name", "kind", "provider", "account_masked", "high_risk", "failing_checks",
    "status", "opened_by", "claimed_by",
)


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start with these as formulas.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def export_csv(staff: StaffUser, filters: QueueFilter, actor: Actor) -> tuple[str, int]:
    """The filtered queue as CSV (masked numbers only); the export itself is audited."""
    now = datetime.now(UTC)
    results = db.session.execute(
        _filtered(staff, filters, now)
        .options(selectinload(ChangeRequest.proposed_address))
        .order_by(ChangeRequest.created_at, ChangeRequest.id)
        .limit(EXPORT_LIMIT)
    )
    rows = _rows(results, now)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        request = row.request
        state = "second_approval" if row.awaiting_supervisor else request.status
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    request.reference,
                    request.created_at.astimezone(cycles.VIETNAM).strftime("%Y-%m-%d %H:%M"),
                    row.working_days,
                    "yes" if row.overdue else "no",
                    row.commune.name,
                    row.masked_id,
                    row.person.full_name,
                    row.proposed.kind,
                    addresses.provider_name(row.proposed),
                    addresses.masked_number(row.proposed),
                    "yes" if request.high_risk else "no",
                    " ".join(c.get("code", "") for c in row.flags if c.get("result") == "fail"),
                    state,
                    request.opened_by_kind,
                    row.claimed_by.username if row.claimed_by else "",
                )
            ]
        )
    audit.record(
        actor,
        "review.queue_exported",
        details={**filters.as_args(), "rows": len(rows)},
    )
    db.session.commit()
    return "\ufeff" + out.getvalue(), len(rows)  # the BOM makes Excel read UTF-8


# --- The review page ---


@dataclass
class ReviewView:
    request: ChangeRequest
    beneficiary: Beneficiary
    person: Person
    commune: Commune
    province: Province | None
    current: FinancialAddress | None
    proposed: FinancialAddress
    inquiry: NameInquiryResult | None
    inquiry_failed: bool
    inquiry_matches_registry: bool | None
    checks: list[dict]
    history: list[AuditEvent]
    earlier: list[ChangeRequest]
    claimed_by: StaffUser | None
    first_approver: StaffUser | None
    decided_by: StaffUser | None
    opened_by_staff: StaffUser | None
    conflict: str | None
    second_step_problem: str | None
    needs_second_approval: bool
    working_days: int
    overdue: bool
    claim_expires_at: datetime | None
    viewer_id: int
    expired_unreviewed: bool

    @property
    def claim_is_mine(self) -> bool:
        return self.claimed_by is not None and self.viewer_id == self.claimed_by.id

    @property
    def can_claim(self) -> bool:
        return (
            self.request.is_open
            and not self.expired_unreviewed
            and self.conflict is None
            and self.second_step_problem is None
            and (self.claimed_by is None or self.claim_is_mine)
        )

    @property
    def can_decide(self) -> bool:
        return self.can_claim and self.claim_is_mine


def current_address(request: ChangeRequest) -> FinancialAddress | None:
    if request.previous_address_id is not None:
        return request.previous_address
    return addresses.active_address(request.beneficiary_id)


def _name_inquiry(address: FinancialAddress) -> tuple[NameInquiryResult | None, bool]:
    number = addresses.full_number(address)
    if number is None or address.provider_code is None:
        return None, False
    try:
        return bank_name_inquiry().holder_name(address.provider_code, number), False
    except Exception:  # an outside system that does not answer must not stop the review
        log.warning("name inquiry failed for address %s", address.id)
        return None, True


def request_history(request: ChangeRequest) -> list[AuditEvent]:
    return audit.search(subjects={"change_request": [request.id]}, oldest_first=True)


def review_view(staff: StaffUser, request_id: int) -> ReviewView:
    request = get_request(staff, request_id)
    beneficiary = db.session.get(Beneficiary, request.beneficiary_id)
    person = beneficiary.person
    commune = person.commune
    now = datetime.now(UTC)
    inquiry, inquiry_failed = _name_inquiry(request.proposed_address)
    earlier = list(
        db.session.scalars(
            select(ChangeRequest)
            .where(ChangeRequest.beneficiary_id == beneficiary.id, ChangeRequest.id != request.id)
            .order_by(ChangeRequest.created_at.desc())
            .limit(20)
        )
    )

    def staff_member(staff_id: int | None) -> StaffUser | None:
        return db.session.get(StaffUser, staff_id) if staff_id else None

    second = _second_step_problem(staff, request)
    working = working_days_between(_local_date(request.created_at), _local_date(now))
    claimed = claim_is_current(request, now)
    return ReviewView(
        request=request,
        beneficiary=beneficiary,
        person=person,
        commune=commune,
        province=db.session.get(Province, commune.province_code),
        current=current_address(request),
        proposed=request.proposed_address,
        inquiry=inquiry,
        inquiry_failed=inquiry_failed,
        inquiry_matches_registry=(
            names_match(inquiry.holder_name, person.full_name) if inquiry else None
        ),
        checks=list(request.checks or []),
        history=request_history(request),
        earlier=earlier,
        claimed_by=staff_member(request.claimed_by_staff_id) if claimed else None,
        first_approver=staff_member(request.first_approved_by_staff_id),
        decided_by=staff_member(request.decided_by_staff_id),
        opened_by_staff=staff_member(request.opened_by_staff_id),
        conflict=conflict(staff, request, person),
        second_step_problem=second.message if second else None,
        needs_second_approval=needs_second_approval(request),
        working_days=working,
        overdue=request.is_open and working > OVERDUE_AFTER_WORKING_DAYS,
        claim_expires_at=(request.claimed_at + CLAIM_LAPSES_AFTER) if claimed else None,
        viewer_id=staff.id,
        expired_unreviewed=expired_unreviewed(request, now),
    )


# --- Claims ---


def claim(staff: StaffUser, request_id: int, actor: Actor) -> ChangeRequest:
    """Take a request to review. Of two reviewers claiming at once, exactly one gets it."""
    request = get_request(staff, request_id)
    person = _person_of(request)
    _refuse_if_closed(request)
    now = datetime.now(UTC)
    if expired_unreviewed(request, now):
        raise Refused("expired", EXPIRED_MESSAGE)
    problem = conflict(staff, request, person)
    if problem:
        raise Refused("conflict", problem)
    second = _second_step_problem(staff, request)
    if second is not None:
        raise second
    audit.record(
        actor,
        "review.claimed",
        subject_type="change_request",
        subject_id=request.id,
        on_behalf_of_person_id=person.id,
        details={"reference": request.reference},
    )
    # A conditional update: only a free, lapsed or own claim is taken.
    taken = db.session.execute(
        update(ChangeRequest)
        .where(
            ChangeRequest.id == request.id,
            ChangeRequest.status.in_(OPEN),
            or_(
                ChangeRequest.claimed_by_staff_id.is_(None),
                ChangeRequest.claimed_at <= now - CLAIM_LAPSES_AFTER,
                ChangeRequest.claimed_by_staff_id == staff.id,
            ),
        )
        .values(
            claimed_by_staff_id=staff.id,
            claimed_at=now,
            status="in_review",
            version=ChangeRequest.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        db.session.rollback()
        request = get_request(staff, request_id)
        _refuse_if_closed(request)
        holder = db.session.get(StaffUser, request.claimed_by_staff_id or 0)
        raise Refused("claimed", N_("%(name)s is already reviewing this request."),
                      name=holder.display_name if holder else "")
    db.session.commit()
    return request


def claim_next(staff: StaffUser, actor: Actor) -> ChangeRequest | None:
    """Claim the oldest waiting request this reviewer may decide; None if there is none."""
    now = datetime.now(UTC)
    candidates = db.session.scalars(
        _filtered(staff, QueueFilter(status="waiting"), now)
        .with_only_columns(ChangeRequest.id)
        .order_by(ChangeRequest.created_at, ChangeRequest.id)
        .limit(10)
    ).all()
    for request_id in candidates:
        try:
            return claim(staff, request_id, actor)
        except Refused:
            continue
    return None


def release(staff: StaffUser, request_id: int, actor: Actor) -> ChangeRequest:
    """Give a claim back; a supervisor may also free a colleague's claim in their province."""
    request = get_request(staff, request_id)
    person = _person_of(request)
    _refuse_if_closed(request)
    holder_id = request.claimed_by_staff_id
    if holder_id is None or (holder_id != staff.id and staff.role != "supervisor"):
        raise Refused("not_claimed", N_("You are not reviewing this request."))
    try:
        audit.record(
            actor,
            "review.released",
            subject_type="change_request",
            subject_id=request.id,
            on_behalf_of_person_id=person.id,
            details={"reference": request.reference, "claim_of": holder_id},
        )
        request.claimed_by_staff_id = None
        request.claimed_at = None
        if request.first_approved_by_staff_id is None:
            request.status = "pending"
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise _stale() from None
    return request


# --- Decisions ---


def _stale() -> Refused:
    return Refused("stale", N_("This request changed while you were looking at it. Nothing was "
                               "done: read it again before you decide."))


def _check_can_decide(staff: StaffUser, request: ChangeRequest, person: Person,
                      version: int | None, actor: Actor) -> None:
    problem: Refused | None = None
    interest = conflict(staff, request, person)
    if version is None or version != request.version:
        problem = _stale()
    elif not request.is_open:
        problem = _closed(request)
    elif interest:
        problem = Refused("conflict", interest)
    elif not (request.claimed_by_staff_id == staff.id and claim_is_current(request)):
        problem = Refused("not_claimed", N_("Claim this request before you decide it."))
    else:
        problem = _second_step_problem(staff, request)
    if problem is not None:
        audit.record(
            actor,
            "review.decision_refused",
            subject_type="change_request",
            subject_id=request.id,
            on_behalf_of_person_id=person.id,
            details={"reference": request.reference, "rule": problem.reason},
        )
        db.session.commit()
        raise problem


@dataclass(frozen=True)
class Decision:
    outcome: str  # first_approval | approved | rejected
    request: ChangeRequest
    effective_from: date | None = None


def _sms_account(address: FinancialAddress) -> tuple[str, str]:
    if address.kind == "cash":
        return "tien mat tai UBND xa", "cash at the commune office"
    where = f"{addresses.provider_name(address)} *{address.number_last4 or ''}"
    return where, where


def approval_text(request: ChangeRequest, address: FinancialAddress, effective: date,
                  report_code: str) -> str:
    where_vi, where_en = _sms_account(address)
    day = effective.strftime("%d/%m/%Y")
    return (
        f"An Sinh Link: yeu cau {request.reference} da duoc duyet. Tro cap se tra vao "
        f"{where_vi} tu ky chot ngay {day}. Khong phai ban yeu cau? Goi tong dai ho tro, "
        f"ma {report_code}. / Your request {request.reference} was approved: your benefit "
        f"is paid to {where_en} from the cut-off on {day}. Not you? Call the support desk, "
        f"code {report_code}."
    )


def rejection_text(request: ChangeRequest, reason: str, report_code: str) -> str:
    why = REJECT_REASONS[reason]
    return (
        f"An Sinh Link: yeu cau {request.reference} khong duoc duyet: {why['sms_vi']}. "
        f"Tai khoan nhan tro cap khong thay doi. / Your request {request.reference} was not "
        f"approved: {why['sms_en']}. Where your benefit is paid has not changed. "
        f"Ma/code {report_code}."
    )


def approve(staff: StaffUser, request_id: int, version: int | None, actor: Actor) -> Decision:
    """Approve: the first of two approvals for a high-risk request, else the final one."""
    request = get_request(staff, request_id)
    person = _person_of(request)
    proposed = request.proposed_address
    _check_can_decide(staff, request, person, version, actor)
    if request.on_hold:
        # The support desk held it ("this was not me", or a reset to cash): the request can
        # only be rejected (or cancelled by the beneficiary), never approved.
        audit.record(actor, "review.decision_refused", subject_type="change_request",
                     subject_id=request.id, on_behalf_of_person_id=person.id,
                     details={"reference": request.reference, "rule": "on_hold"})
        db.session.commit()
        raise Refused("on_hold", N_("The support desk put this request on hold: the "
                                    "beneficiary did not ask for it, or their account may be "
                                    "stolen. It cannot be approved. Reject it, or wait for "
                                    "the beneficiary to cancel it."))
    if not person.is_alive:
        raise Refused("deceased", N_("The population registry records this person as "
                                     "deceased. Reject the request."))
    now = datetime.now(UTC)
    try:
        if needs_second_approval(request) and request.first_approved_by_staff_id is None:
            audit.record(
                actor,
                "review.first_approved",
                subject_type="change_request",
                subject_id=request.id,
                on_behalf_of_person_id=person.id,
                details={"reference": request.reference},
            )
            request.first_approved_by_staff_id = staff.id
            request.first_approved_at = now
            request.claimed_by_staff_id = None
            request.claimed_at = None
            request.status = "in_review"
            db.session.commit()
            return Decision("first_approval", request)

        effective = cycles.next_cutoff(cycles.today())
        audit.record(
            actor,
            "review.approved",
            subject_type="change_request",
            subject_id=request.id,
            on_behalf_of_person_id=person.id,
            details={
                "reference": request.reference,
                "effective_from": effective.isoformat(),
                "second_approval": request.first_approved_by_staff_id is not None,
            },
        )
        if request.previous_address_id is None:
            active = addresses.active_address(request.beneficiary_id)
            request.previous_address_id = active.id if active is not None else None
        request.status = "approved"
        request.decided_by_staff_id = staff.id
        request.decided_at = now
        request.closed_at = now
        request.effective_from = effective
        request.claimed_by_staff_id = None
        request.claimed_at = None
        addresses.switch_to(proposed, effective)
        _tell_beneficiary(person, request, "change_approved",
                          lambda code: approval_text(request, proposed, effective, code))
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise _stale() from None
    return Decision("approved", request, effective)


def _tell_beneficiary(person: Person, request: ChangeRequest, kind: str, text) -> None:
    """The decision notice to the registered phone, with its own "not me" report code."""
    if not person.phone:
        return
    report_code = notifications.new_report_code()
    notifications.enqueue(person.phone, text(report_code), kind=kind, person_id=person.id,
                          change_request_id=request.id, report_code=report_code)


def reject(staff: StaffUser, request_id: int, version: int | None, reason: str,
           note: str | None, actor: Actor) -> Decision:
    """Reject with a reason from the list (and a note); the beneficiary is told why."""
    request = get_request(staff, request_id)
    note = (note or "").strip()
    if reason not in REJECT_REASONS:
        raise ValidationError(N_("Choose why the request is rejected"))
    if reason == "other" and not note:
        raise ValidationError(N_("Write why the request is rejected in the note"))
    if len(note) > NOTE_MAX:
        raise ValidationError(N_("Write a note of at most %(count)d characters"), count=NOTE_MAX)
    person = _person_of(request)
    proposed = request.proposed_address
    _check_can_decide(staff, request, person, version, actor)
    now = datetime.now(UTC)
    try:
        audit.record(
            actor,
            "review.rejected",
            subject_type="change_request",
            subject_id=request.id,
            on_behalf_of_person_id=person.id,
            details={"reference": request.reference, "reason": reason},
        )
        request.status = "rejected"
        request.reject_reason = reason
        request.decision_note = scrub_numbers(note) or None
        request.decided_by_staff_id = staff.id
        request.decided_at = now
        request.closed_at = now
        request.claimed_by_staff_id = None
        request.claimed_at = None
        proposed.status = "rejected"
        _tell_beneficiary(person, request, "change_rejected",
                          lambda code: rejection_text(request, reason, code))
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise _stale() from None
    return Decision("rejected", request)


# --- Revealing a full number ---


@dataclass(frozen=True)
class Revealed:
    request: ChangeRequest
    address: FinancialAddress
    number: str


def reveal_note(reason: str, note: str | None) -> str:
    """Check the reason given for seeing a full number; the cleaned note (support uses it too)."""
    note = (note or "").strip()
    if reason not in REVEAL_REASONS:
        raise ValidationError(N_("Choose why you need to see the full number"))
    if reason == "other" and not note:
        raise ValidationError(N_("Write why you need to see the full number"))
    if len(note) > REVEAL_NOTE_MAX:
        raise ValidationError(N_("Write a note of at most %(count)d characters"),
                              count=REVEAL_NOTE_MAX)
    return note


def reveal_number(staff: StaffUser, request_id: int, address_id: int, reason: str,
                  note: str | None, actor: Actor) -> Revealed:
    """The full account number of the request's proposed or current address, for a reason."""
    request, address, which = _reveal_target(staff, request_id, address_id)
    note = reveal_note(reason, note)
    number = addresses.full_number(address)
    person = _person_of(request)
    audit.record(
        actor,
        "review.number_revealed",
        subject_type="change_request",
        subject_id=request.id,
        on_behalf_of_person_id=person.id,
        details={"reference": request.reference, "which": which, "address_id": address.id,
                 "reason": reason, "note": scrub_numbers(note)},
    )
    db.session.commit()
    return Revealed(request, address, number)


def _reveal_target(staff: StaffUser, request_id: int,
                   address_id: int) -> tuple[ChangeRequest, FinancialAddress, str]:
    request = get_request(staff, request_id)
    current = current_address(request)
    if address_id == request.proposed_address_id:
        address, which = request.proposed_address, "proposed"
    elif current is not None and address_id == current.id:
        address, which = current, "current"
    else:
        raise NotFound(request_id)
    if address.number_encrypted is None:
        raise NotFound(request_id)
    return request, address, which


def reveal_target(staff: StaffUser, request_id: int, address_id: int) -> FinancialAddress:
    """The address whose number would be revealed: the request's proposed or current one."""
    return _reveal_target(staff, request_id, address_id)[1]


# --- A beneficiary's audit log ---


@dataclass(frozen=True)
class BeneficiaryLog:
    person: Person
    beneficiary: Beneficiary | None
    events: list[AuditEvent]


def beneficiary_log(staff: StaffUser, id_number: str, actor: Actor) -> BeneficiaryLog:
    """Everything recorded about one person in the reviewer's locality; the look-up is audited."""
    query = (
        select(Person)
        .join(Commune, Person.commune_id == Commune.id)
        .where(Person.id_number == id_number)
    )
    if staff.role == "officer":
        query = query.where(Person.commune_id == staff.commune_id)
    elif staff.role == "supervisor":
        query = query.where(Commune.province_code == staff.province_code)
    else:
        query = query.where(false())
    person = db.session.scalar(query)
    if person is None:
        raise NotFound(id_number)
    beneficiary = db.session.scalar(select(Beneficiary).where(Beneficiary.person_id == person.id))
    audit.record(
        actor,
        "review.audit_searched",
        subject_type="person",
        subject_id=person.id,
        on_behalf_of_person_id=person.id,
        details={"id_number": mask_id_number(person.id_number)},
    )
    db.session.commit()
    subjects: dict[str, list] = {"person": [person.id]}
    if beneficiary is not None:
        request_ids = list(
            db.session.scalars(
                select(ChangeRequest.id).where(ChangeRequest.beneficiary_id == beneficiary.id)
            )
        )
        subjects["change_request"] = request_ids
        subjects["beneficiary"] = [beneficiary.id]
    events = audit.search(person_id=person.id, subjects=subjects, limit=500)
    return BeneficiaryLog(person, beneficiary, events)


# --- The supervisor's dashboard ---

DASHBOARD_STATUSES = ("pending", "in_review", "approved", "rejected", "cancelled", "expired")
DASHBOARD_WEEKS = 8


@dataclass(frozen=True)
class DecisionCount:
    week_start: date
    staff: StaffUser
    approved: int
    rejected: int
    first_approvals: int


@dataclass
class Dashboard:
    communes: list[Commune]
    counts: dict[tuple[str, str], int]
    totals: dict[str, int]
    open_count: int
    oldest_open: QueueRow | None
    overdue: list[QueueRow]
    decisions: list[DecisionCount]


def _week_start(moment: datetime) -> date:
    day = _local_date(moment)
    return day - timedelta(days=day.weekday())


def dashboard(staff: StaffUser) -> Dashboard:
    now = datetime.now(UTC)
    communes = communes_in_scope(staff)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for code, status, count in db.session.execute(
        _scoped(Commune.code, ChangeRequest.status, func.count())
        .where(_scope(staff))
        .group_by(Commune.code, ChangeRequest.status)
    ):
        counts[(code, status)] = count
        totals[status] += count
    open_rows = _rows(
        db.session.execute(
            _filtered(staff, QueueFilter(status="open"), now)
            .options(selectinload(ChangeRequest.proposed_address))
            .order_by(ChangeRequest.created_at, ChangeRequest.id)
            .limit(EXPORT_LIMIT)
        ),
        now,
    )
    since = datetime.combine(
        _week_start(now) - timedelta(weeks=DASHBOARD_WEEKS - 1), datetime.min.time(),
        tzinfo=cycles.VIETNAM,
    )
    tallies: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    scoped = _scoped(ChangeRequest).where(_scope(staff))
    for request in db.session.scalars(scoped.where(ChangeRequest.decided_at >= since)):
        if request.decided_by_staff_id and request.status in ("approved", "rejected"):
            key = (_week_start(request.decided_at), request.decided_by_staff_id)
            tallies[key][0 if request.status == "approved" else 1] += 1
    for request in db.session.scalars(scoped.where(ChangeRequest.first_approved_at >= since)):
        key = (_week_start(request.first_approved_at), request.first_approved_by_staff_id)
        tallies[key][2] += 1
    people = {
        s.id: s
        for s in db.session.scalars(
            select(StaffUser).where(StaffUser.id.in_({k[1] for k in tallies}))
        )
    } if tallies else {}
    decisions = sorted(
        (
            DecisionCount(week, people[staff_id], *values)
            for (week, staff_id), values in tallies.items()
            if staff_id in people
        ),
        key=lambda d: (-d.week_start.toordinal(), d.staff.display_name),
    )
    return Dashboard(
        communes=communes,
        counts=dict(counts),
        totals=dict(totals),
        open_count=len(open_rows),
        oldest_open=open_rows[0] if open_rows else None,
        overdue=[row for row in open_rows if row.overdue],
        decisions=decisions,
    )
