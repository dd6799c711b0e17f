"""What a beneficiary's home page shows: how the benefit is paid today and what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain import addresses, audit, change_lock, change_requests, cycles, vietqr
from domain.models import Beneficiary, ChangeRequest, Entitlement, FinancialAddress, Payment
from domain.providers import find_provider
from extensions import db

PROBLEM_STATUSES = ("failed", "returned")


@dataclass(frozen=True)
class AddressView:
    """An address as a person sees it: never the full number."""

    kind: str
    provider_name: str
    masked_number: str
    holder_name: str | None
    active_from: date | None

    @property
    def is_cash(self) -> bool:
        return self.kind == "cash"


def address_view(address: FinancialAddress | None) -> AddressView | None:
    if address is None:
        return None
    return AddressView(
        kind=address.kind,
        provider_name=addresses.provider_name(address),
        masked_number=addresses.masked_number(address),
        holder_name=address.holder_name,
        active_from=address.active_from,
    )


def current_address_view(beneficiary: Beneficiary) -> AddressView | None:
    """The address payments go to today."""
    return address_view(addresses.effective_address(beneficiary.id, cycles.today()))


@dataclass(frozen=True)
class PaymentView:
    period: str
    amount: int
    status: str
    paid_at: object | None
    provider_name: str
    masked_number: str
    kind: str | None
    failure_reason: str | None = None


@dataclass(frozen=True)
class NextPayment:
    period: str
    amount: int
    address: AddressView | None
    uses_upcoming: bool


@dataclass(frozen=True)
class Overview:
    current: AddressView | None
    upcoming: AddressView | None
    request: ChangeRequest | None
    proposed: AddressView | None
    timeline: list[change_requests.Step]
    reject_reason: str | None
    can_cancel: bool
    last_payment: PaymentView | None
    next_payment: NextPayment | None
    payment_problem: bool
    locked: bool
    is_bank: bool


def _payment_view(payment: Payment) -> PaymentView:
    found = find_provider(payment.fa_provider_code) if payment.fa_provider_code else None
    return PaymentView(
        period=payment.period,
        amount=payment.amount,
        status=payment.status,
        paid_at=payment.paid_at,
        provider_name=found.short_name if found else "",
        masked_number=payment.fa_masked or "",
        kind=payment.fa_kind,
        failure_reason=payment.failure_reason,
    )


def _next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year:04d}-{month:02d}"


def _monthly_amount(beneficiary: Beneficiary, on: date) -> int:
    entitlements = db.session.scalars(
        select(Entitlement).where(
            Entitlement.beneficiary_id == beneficiary.id,
            Entitlement.starts_on <= on,
            (Entitlement.ends_on.is_(None)) | (Entitlement.ends_on >= on),
        )
    )
    return sum(e.monthly_amount for e in entitlements)


def _next_payment(beneficiary: Beneficiary, last: Payment | None, today: date,
                  upcoming: FinancialAddress | None) -> NextPayment | None:
    if beneficiary.status != "active" or not beneficiary.person.is_alive:
        return None
    scheduled = db.session.scalar(
        select(Payment)
        .where(Payment.beneficiary_id == beneficiary.id, Payment.status == "scheduled")
        .order_by(Payment.period, Payment.id)
        .limit(1)
    )
    if scheduled is not None:
        period = scheduled.period
        amount = sum(
            db.session.scalars(
                select(Payment.amount).where(
                    Payment.beneficiary_id == beneficiary.id,
                    Payment.status == "scheduled",
                    Payment.period == period,
                )
            )
        )
    else:
        period = cycles.period_of(today)
        if last is not None and last.period >= period:
            period = _next_period(last.period)
        amount = _monthly_amount(beneficiary, cycles.cutoff_date(period))
    if amount <= 0:
        return None
    # The roster of a period uses the address in force at its cut-off.
    address = addresses.effective_address(beneficiary.id, cycles.cutoff_date(period))
    return NextPayment(
        period=period,
        amount=amount,
        address=address_view(address),
        uses_upcoming=upcoming is not None and address is not None and address.id == upcoming.id,
    )


def overview(beneficiary: Beneficiary) -> Overview:
    """Everything the home page shows (an overdue request expires on the way)."""
    today = cycles.today()
    current = addresses.effective_address(beneficiary.id, today)
    upcoming = addresses.upcoming_address(beneficiary.id, today)
    request = change_requests.latest_request(beneficiary)
    last = db.session.scalar(
        select(Payment)
        .where(Payment.beneficiary_id == beneficiary.id, Payment.status != "scheduled")
        .order_by(Payment.period.desc(), Payment.id.desc())
        .limit(1)
    )
    return Overview(
        current=address_view(current),
        upcoming=address_view(upcoming),
        request=request,
        proposed=address_view(request.proposed_address) if request else None,
        timeline=change_requests.timeline(request) if request else [],
        reject_reason=change_requests.reject_reason_text(request) if request else None,
        can_cancel=request is not None and change_requests.can_cancel(request),
        last_payment=_payment_view(last) if last else None,
        next_payment=_next_payment(beneficiary, last, today, upcoming),
        payment_problem=last is not None and last.status in PROBLEM_STATUSES,
        locked=change_lock.state(beneficiary).locked,
        is_bank=current is not None and current.kind == "bank",
    )


def request_view(request: ChangeRequest) -> dict:
    """A request's timeline and proposed account, for its own page."""
    return {
        "change_request": request,
        "proposed": address_view(request.proposed_address),
        "previous": address_view(request.previous_address),
        "timeline": change_requests.timeline(request),
        "reject_reason": change_requests.reject_reason_text(request),
        "can_cancel": change_requests.can_cancel(request),
    }


@dataclass(frozen=True)
class VietQRView:
    payload: str
    provider_name: str
    masked_number: str
    holder_name: str | None


def active_vietqr(beneficiary: Beneficiary, actor, *, record: bool = True) -> VietQRView | None:
    """The static VietQR of the bank account in force today, or None if it is not a bank.

    Showing it reveals the full number to the person, so the page view is audited.
    """
    address = addresses.effective_address(beneficiary.id, cycles.today())
    if address is None or address.kind != "bank":
        return None
    bank = find_provider(address.provider_code or "")
    number = addresses.full_number(address)
    if bank is None or bank.bin is None or number is None:
        return None
    view = VietQRView(
        payload=vietqr.static_payload(bank.bin, number),
        provider_name=bank.short_name,
        masked_number=addresses.masked_number(address),
        holder_name=address.holder_name,
    )
    if record:
        audit.record(
            actor,
            "address.vietqr_shown",
            subject_type="financial_address",
            subject_id=address.id,
            on_behalf_of_person_id=beneficiary.person_id,
        )
        db.session.commit()
    return view
