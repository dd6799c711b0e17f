"""Streaming import of a partner's payment file (CSV, UTF-8, header row).

The file is read row by row and written in chunks, each chunk one transaction with its audit
event, so memory stays flat whatever the file's size and an interrupted import can simply be
run again: a partner reference already stored with the same content is "unchanged", with new
content "updated"; nothing is ever stored twice. Rejected rows go to a file beside the input
(`payments.csv` → `payments.rejected.csv`) with their line number and the reason.

Columns (names in the header, any order; extra columns are ignored and reported):

    partner_reference  required  the partner's unique reference, 1–64 of A–Z a–z 0–9 . _ : / -
    id_number          required  the beneficiary's 12-digit personal ID number
    period             required  the month paid for, YYYY-MM
    programme          required  programme code, e.g. elderly_80 (see domain/programmes.py)
    amount             required  whole đồng, digits only
    status             required  scheduled | paid | failed | returned | paid_cash
    paid_at            optional  ISO 8601 time; required for paid and paid_cash; a time
                                 without a zone is Viet Nam time
    provider_code      optional  bank BIN (970436) or provider code (momo, vnptmoney…);
                                 empty for cash
    account_number     optional  the full account or wallet number: only its mask and keyed
                                 hash are stored
    account_masked     optional  instead of account_number: the last 4 digits (•••• 4567)
    failure_reason     optional  for failed or returned payments, in words
"""

from __future__ import annotations

import csv
import functools
import io
import operator
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, select, update

from domain import audit
from domain.actors import Actor
from domain.errors import ValidationError
from domain.identifiers import normalize_id_number
from domain.models import Beneficiary, Entitlement, Payment, Person
from domain.payment_rows import (
    CONTENT_FIELDS,
    RowError,
    check_amount,
    check_outcome,
    check_period,
    check_programme,
    check_reference,
    check_status,
    check_transition,
    parse_paid_at,
    snapshot,
)
from extensions import db

REQUIRED_COLUMNS = ("partner_reference", "id_number", "period", "programme", "amount", "status")
OPTIONAL_COLUMNS = ("paid_at", "provider_code", "account_number", "account_masked",
                    "failure_reason")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
CHUNK_SIZE = 5000
CACHE_SIZE = 4096  # small: bounded memory; helps files that list a person month after month
MAX_FIELD_LENGTH = 2000

_PAYMENTS = Payment.__table__


class ImportFileError(Exception):
    """The file cannot be imported at all (nothing was changed)."""


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejected_path: Path | None = None
    ignored_columns: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


@dataclass
class _Row:
    line: int
    raw: list[str]
    reference: str = ""
    id_number: str = ""
    values: dict = field(default_factory=dict)
    error: str | None = None


def rejected_path_for(path: Path) -> Path:
    return path.with_name(path.stem + ".rejected.csv")


def import_file(
    path: str | Path,
    actor: Actor,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_progress: Callable[[int], None] | None = None,
    on_chunk: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import the file; `on_progress(bytes_read)` and `on_chunk(summary)` run after each chunk."""
    path = Path(path)
    started = time.perf_counter()
    summary = ImportSummary()
    rejected_path = rejected_path_for(path)
    rejected_path.unlink(missing_ok=True)  # a re-run writes the whole list again
    with path.open("rb") as raw, _RejectWriter(rejected_path) as rejects:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text)
        header = _read_header(reader)
        rejects.header = header
        summary.ignored_columns = tuple(name for name in header if name not in COLUMNS)
        rows = _RowReader(header)
        chunk: list[_Row] = []
        chunks = 0
        try:
            for raw_row in reader:
                if not raw_row or (len(raw_row) == 1 and not raw_row[0].strip()):
                    continue  # blank line
                summary.read += 1
                chunk.append(rows.parse(reader.line_num, raw_row))
                if len(chunk) >= chunk_size:
                    chunks += 1
                    _import_chunk(chunk, summary, rejects, actor, path.name, chunks)
                    chunk = []
                    if on_progress:
                        on_progress(raw.tell())
                    if on_chunk:
                        on_chunk(summary)
        except csv.Error as error:  # e.g. a field beyond the csv module's size limit
            broken_line = reader.line_num
            if chunk:
                _import_chunk(chunk, summary, rejects, actor, path.name, chunks + 1)
            raise ImportFileError(
                f"Line {broken_line} cannot be read as CSV ({error}). The {summary.read:,} rows "
                "before it were handled; correct the file and run the import again."
            ) from None
        if chunk:
            chunks += 1
            _import_chunk(chunk, summary, rejects, actor, path.name, chunks)
        if on_progress:
            on_progress(raw.tell())
    summary.rejected_path = rejected_path if summary.rejected else None
    summary.seconds = time.perf_counter() - started
    audit.record(actor, "payments.import_finished", subject_type="payment_file",
                 subject_id=path.name, details={**summary.counts(), "chunks": chunks})
    db.session.commit()
    return summary


def _read_header(reader) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty: it needs a header row.") from None
    names = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ImportFileError(
            "The header row lacks the column(s): " + ", ".join(missing)
            + ". Expected: " + ", ".join(COLUMNS)
        )
    duplicated = sorted({name for name in names if names.count(name) > 1 and name in COLUMNS})
    if duplicated:
        raise ImportFileError("The header row repeats the column(s): " + ", ".join(duplicated))
    return names


class _RowReader:
    """Turns a CSV row into checked values. Accounts and ID numbers recur month after month in
    a partner's file, so their checks are remembered (a bounded cache, one per import)."""

    def __init__(self, header: list[str]) -> None:
        self.width = len(header)
        self.indices = tuple(header.index(name) if name in header else None for name in COLUMNS)
        self.snapshot = functools.lru_cache(maxsize=CACHE_SIZE)(snapshot)
        self.id_number = functools.lru_cache(maxsize=CACHE_SIZE)(_id_number)

    def parse(self, line: int, raw: list[str]) -> _Row:
        row = _Row(line, raw)
        if len(raw) != self.width:
            row.error = f"expected {self.width} fields like the header, found {len(raw)}"
            return row
        if max(map(len, raw)) > MAX_FIELD_LENGTH or "\ufffd" in "".join(raw):
            row.error = "a field is too long or is not valid UTF-8 text"
            return row
        (reference, id_number, period, programme, amount, status, paid_at, provider_code,
         account_number, account_masked, failure_reason) = (
            raw[index] if index is not None else "" for index in self.indices
        )
        try:  # checked in the order of the columns
            row.reference = check_reference(reference)
            row.id_number = self.id_number(id_number)
            period = check_period(period)
            programme = check_programme(programme)
            amount = check_amount(amount)
            status = check_status(status)
            paid_at, reason = check_outcome(status, parse_paid_at(paid_at), failure_reason)
            where = self.snapshot(status, provider_code, account_number, account_masked)
        except RowError as error:
            row.error = error.message
            return row
        row.values = {
            "period": period,
            "programme": programme,
            "amount": amount,
            "status": status,
            "fa_kind": where.fa_kind,
            "fa_provider_code": where.fa_provider_code,
            "fa_masked": where.fa_masked,
            "fa_index": where.fa_index,
            "paid_at": paid_at,
            "failure_reason": reason,
        }
        return row


def _id_number(text: str) -> str:
    try:
        return normalize_id_number(text.strip())
    except ValidationError:
        raise RowError("id.invalid", "id_number must be a personal ID number of 12 digits") \
            from None


_content = operator.itemgetter(*CONTENT_FIELDS)  # what "the same content" compares


def _import_chunk(
    chunk: list[_Row],
    summary: ImportSummary,
    rejects: _RejectWriter,
    actor: Actor,
    file_name: str,
    number: int,
) -> None:
    """One transaction: a look-up of the chunk's people and references, bulk writes, audit."""
    valid = [row for row in chunk if row.error is None]
    beneficiaries = _beneficiaries_by_id_number({row.id_number for row in valid})
    enrolled = _enrolments(set(beneficiaries.values()))
    existing = _existing({row.reference for row in valid})
    inserts: dict[str, dict] = {}
    updates: dict[str, dict] = {}
    counts = {"imported": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    now = datetime.now(UTC)
    for row in chunk:
        if row.error is None:
            _apply(row, beneficiaries, enrolled, existing, inserts, updates, counts, now)
        if row.error is not None:
            counts["rejected"] += 1
    if inserts:
        _insert(list(inserts.values()), now)
    if updates:
        db.session.execute(
            update(_PAYMENTS).where(_PAYMENTS.c.id == bindparam("payment_id")),
            list(updates.values()),
        )
    audit.record(
        actor,
        "payments.import_chunk",
        subject_type="payment_file",
        subject_id=file_name,
        details={"chunk": number, "first_line": chunk[0].line, "last_line": chunk[-1].line,
                 **counts},
    )
    db.session.commit()
    for key, value in counts.items():
        setattr(summary, key, getattr(summary, key) + value)
    rejects.write(row for row in chunk if row.error is not None)


_INSERTED = ("partner_reference", *CONTENT_FIELDS)
_INSERT_SQL = "INSERT INTO payment ({}) VALUES ({})".format(  # noqa: S608 — constant names
    ", ".join((*_INSERTED, "created_at", "updated_at")), ", ".join("?" * (len(_INSERTED) + 2))
)


def _insert(rows: list[dict], now: datetime) -> None:
    """One executemany at the driver: SQLAlchemy's per-row parameter machinery would cost
    more than the insert itself. Values go through each column type's own bind processor,
    and the chunk's single timestamp is processed once."""
    connection = db.session.connection()
    dialect = connection.dialect
    processors = [_PAYMENTS.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                  for name in _INSERTED]
    stamp = _PAYMENTS.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    stamp_value = stamp(now) if stamp else now
    active = [(index, processor) for index, processor in enumerate(processors) if processor]
    values = []
    for row in rows:
        record = [row[name] for name in _INSERTED]
        for index, processor in active:
            record[index] = processor(record[index])
        values.append((*record, stamp_value, stamp_value))
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(_INSERT_SQL.replace("?", mark), values)


def _apply(row, beneficiaries, enrolled, existing, inserts, updates, counts, now) -> None:
    beneficiary_id = beneficiaries.get(row.id_number)
    if beneficiary_id is None:
        row.error = "no beneficiary has this id_number"
        return
    if (beneficiary_id, row.values["programme"]) not in enrolled:
        row.error = f"the beneficiary is not enrolled in programme {row.values['programme']}"
        return
    values = {"beneficiary_id": beneficiary_id, **row.values}
    reference = row.reference
    if reference in inserts:
        current = inserts[reference]
    elif reference in updates:
        current = updates[reference]
    else:
        current = existing.get(reference)
    if current is None:
        inserts[reference] = {**values, "partner_reference": reference}
        counts["imported"] += 1
        return
    if current["beneficiary_id"] != beneficiary_id:
        row.error = "this partner_reference is already used for another person's payment"
        return
    if _content(current) == _content(values):
        counts["unchanged"] += 1
        return
    try:
        check_transition(current["status"], values["status"])
    except RowError as error:
        row.error = error.message
        return
    if reference in inserts:
        inserts[reference].update(values)
    else:
        updates[reference] = {**values, "payment_id": current["payment_id"], "updated_at": now}
    counts["updated"] += 1


# The look-ups below use the tables, not the ORM classes: with 5,000 values in an IN list,
# building the ORM's query context costs more than running the query.
_PEOPLE = Person.__table__
_BENEFICIARIES = Beneficiary.__table__
_ENTITLEMENTS = Entitlement.__table__


def _beneficiaries_by_id_number(id_numbers: set[str]) -> dict[str, int]:
    if not id_numbers:
        return {}
    rows = db.session.execute(
        select(_PEOPLE.c.id_number, _BENEFICIARIES.c.id)
        .join(_BENEFICIARIES, _BENEFICIARIES.c.person_id == _PEOPLE.c.id)
        .where(_PEOPLE.c.id_number.in_(id_numbers))
    )
    return {id_number: beneficiary_id for id_number, beneficiary_id in rows}


def _enrolments(beneficiary_ids: set[int]) -> set[tuple[int, str]]:
    if not beneficiary_ids:
        return set()
    rows = db.session.execute(
        select(_ENTITLEMENTS.c.beneficiary_id, _ENTITLEMENTS.c.programme)
        .where(_ENTITLEMENTS.c.beneficiary_id.in_(beneficiary_ids))
    )
    return {(beneficiary_id, programme) for beneficiary_id, programme in rows}


def _existing(references: set[str]) -> dict[str, dict]:
    if not references:
        return {}
    columns = [_PAYMENTS.c[name] for name in CONTENT_FIELDS]
    rows = db.session.execute(
        select(_PAYMENTS.c.partner_reference, _PAYMENTS.c.id, *columns)
        .where(_PAYMENTS.c.partner_reference.in_(references))
    )
    found = {}
    for reference, payment_id, *values in rows:
        found[reference] = {"payment_id": payment_id, **dict(zip(CONTENT_FIELDS, values,
                                                                  strict=True))}
    return found


class _RejectWriter:
    """Rejected rows with their line number and reason; the file exists only if one is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header: list[str] = []
        self._handle = None
        self._writer = None

    def __enter__(self) -> _RejectWriter:
        return self

    def write(self, rows: Iterable[_Row]) -> None:
        for row in rows:
            if self._writer is None:
                self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
                self._writer = csv.writer(self._handle)
                self._writer.writerow(["line", "reason", *self.header])
            self._writer.writerow([row.line, row.error, *row.raw])
        if self._handle is not None:
            self._handle.flush()

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            self._handle.close()
