"""What a payment record may say: the rules the CSV import and the partner API share.

Each check returns the clean value or raises RowError with a stable code (the API's
`rjct.<code>`) and an English sentence (the import's rejected-rows file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.cycles import VIETNAM
from domain.errors import ValidationError
from domain.identifiers import mask_account, normalize_account_number
from domain.payments import STATUSES, is_period
from domain.programmes import PROGRAMMES
from domain.providers import find_provider
from domain.security import account_index

REFERENCE_PATTERN = r"[A-Za-z0-9._:/-]{1,64}"
_REFERENCE = re.compile(REFERENCE_PATTERN)
_MASKED = re.compile(r"[•*xX.\s]*([0-9]{4})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_AMOUNT = 1_000_000_000  # đồng; far above any monthly benefit, far below the column's limit
MAX_REASON_LENGTH = 500

# The fields whose values make two records "the same payment, same content".
CONTENT_FIELDS = (
    "beneficiary_id",
    "period",
    "programme",
    "amount",
    "status",
    "fa_kind",
    "fa_provider_code",
    "fa_masked",
    "fa_index",
    "paid_at",
    "failure_reason",
)


class RowError(Exception):
    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Snapshot:
    """Where a payment went, as it was then: never the full number."""

    fa_kind: str
    fa_provider_code: str | None
    fa_masked: str | None
    fa_index: str | None


CASH = Snapshot("cash", None, None, None)


def check_reference(text: str) -> str:
    reference = text.strip()
    if not _REFERENCE.fullmatch(reference):
        raise RowError(
            "reference.invalid",
            "partner_reference must be 1 to 64 letters, digits or . _ : / -",
        )
    return reference


def check_period(text: str) -> str:
    period = text.strip()
    if not is_period(period):
        raise RowError(
            "period.invalid", "period must be a month written YYYY-MM (2000 to 2099), e.g. 2026-03"
        )
    return period


def check_programme(text: str) -> str:
    code = text.strip()
    if code not in PROGRAMMES:
        raise RowError(
            "programme.unknown", f"programme {code[:40]!r} is not a known programme code"
        )
    return code


def check_amount(text: str) -> int:
    value = text.strip()
    if not value.isascii() or not value.isdigit():
        raise RowError("amount.invalid", "amount must be whole đồng, digits only, e.g. 750000")
    amount = int(value)
    if not 0 < amount <= MAX_AMOUNT:
        raise RowError("amount.invalid", f"amount must be between 1 and {MAX_AMOUNT} đồng")
    return amount


def check_status(text: str) -> str:
    status = text.strip()
    if status not in STATUSES:
        raise RowError("status.invalid", "status must be one of: " + ", ".join(STATUSES))
    return status


def parse_paid_at(text: str | None) -> datetime | None:
    """ISO 8601; a time without a zone is Viet Nam time. Stored in UTC."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise RowError(
            "paid_at.invalid", "paid_at must be an ISO 8601 time, e.g. 2026-03-10T09:30:00+07:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise RowError("paid_at.invalid", "paid_at is out of range") from None


def check_outcome(
    status: str, paid_at: datetime | None, failure_reason: str | None
) -> tuple[datetime | None, str | None]:
    """A paid payment has a time; only a failed or returned one has a reason."""
    reason = (failure_reason or "").strip() or None
    if status in ("paid", "paid_cash") and paid_at is None:
        raise RowError("paid_at.missing", "paid_at is required when status is paid or paid_cash")
    if status in ("scheduled", "failed") and paid_at is not None:
        raise RowError(
            "paid_at.unexpected", f"a {status} payment has no paid time: leave paid_at empty"
        )
    if reason is not None:
        if status not in ("failed", "returned"):
            raise RowError(
                "failure_reason.unexpected",
                "failure_reason is only for a failed or returned payment",
            )
        if len(reason) > MAX_REASON_LENGTH or _CONTROL.search(reason):
            raise RowError(
                "failure_reason.invalid",
                f"failure_reason must be one line of at most {MAX_REASON_LENGTH} characters",
            )
    return paid_at, reason


def snapshot(
    status: str, provider_code: str | None, account_number: str | None, account_masked: str | None
) -> Snapshot:
    """The address a payment went to, from the partner's provider code and number."""
    code = (provider_code or "").strip()
    number = (account_number or "").strip()
    masked = (account_masked or "").strip()
    if not code:
        if number or masked:
            raise RowError("provider.missing", "provider_code is required with an account number")
        if status == "paid":
            raise RowError(
                "provider.missing",
                "a paid transfer needs provider_code and account_number or account_masked; "
                "use status paid_cash for cash",
            )
        return CASH
    if status == "paid_cash":
        raise RowError("account.unexpected", "a paid_cash payment has no provider or account")
    found = find_provider(code)
    if found is None:
        raise RowError("provider.unknown", f"provider_code {code[:20]!r} is not a known provider")
    if number:
        try:
            canonical = normalize_account_number(number, found)
        except ValidationError as error:
            raise RowError("account.invalid", f"account_number: {error}") from None
        return Snapshot(
            found.kind,
            found.code,
            mask_account(canonical),
            account_index(found.kind, found.code, canonical),
        )
    match = _MASKED.fullmatch(masked)
    if match is None:
        raise RowError(
            "account.missing",
            "give account_number, or account_masked ending in the last 4 digits (•••• 4567)",
        )
    return Snapshot(found.kind, found.code, mask_account("0000" + match.group(1)), None)


def check_transition(old_status: str, new_status: str) -> None:
    if new_status == "scheduled" and old_status != "scheduled":
        raise RowError(
            "status.transition",
            f"a payment that is already {old_status} cannot go back to scheduled",
        )
