"""Streaming import of partner payment files: idempotent, chunked, resumable, with reasons."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain.actors import Actor
from domain.models import AuditEvent, Payment
from domain.payment_import import COLUMNS, ImportFileError, import_file, rejected_path_for
from domain.security import account_index
from extensions import db
from tests.factories import make_beneficiary

ACTOR = Actor.system("test")


def write_csv(path: Path, rows: list[dict], *, columns=COLUMNS, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in columns})
    return path


def row(beneficiary, reference: str, period: str = "2026-03", **fields) -> dict:
    values = {
        "partner_reference": reference,
        "id_number": beneficiary.person.id_number,
        "period": period,
        "programme": beneficiary.entitlements[0].programme,
        "amount": str(beneficiary.entitlements[0].monthly_amount),
        "status": "paid",
        "paid_at": f"{period}-10T09:00:00+07:00",
        "provider_code": "970436",
        "account_number": "0011001234567",
    }
    values.update(fields)
    return values


def stored() -> list[tuple]:
    """Every payment's content, for comparing whole databases."""
    return sorted(
        db.session.execute(
            select(Payment.partner_reference, Payment.beneficiary_id, Payment.period,
                   Payment.programme, Payment.amount, Payment.status, Payment.fa_kind,
                   Payment.fa_provider_code, Payment.fa_masked, Payment.fa_index,
                   Payment.paid_at, Payment.failure_reason)
        ).all()
    )


def read_rejected(path: Path) -> list[dict]:
    with rejected_path_for(path).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_file_is_imported_with_a_snapshot_that_never_holds_the_full_number(app, tmp_path):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    path = write_csv(tmp_path / "p.csv", [row(lan, "VCB-1"), row(lan, "VCB-2", "2026-02")])
    summary = import_file(path, ACTOR)
    assert summary.counts() == {"read": 2, "imported": 2, "updated": 0, "unchanged": 0,
                                "rejected": 0}
    assert summary.rejected_path is None and not rejected_path_for(path).exists()
    payment = db.session.scalar(select(Payment).where(Payment.partner_reference == "VCB-1"))
    assert (payment.beneficiary_id, payment.amount, payment.status) == (lan.id, 500_000, "paid")
    assert payment.fa_masked == "•••• 4567"
    assert payment.fa_index == account_index("bank", "970436", "0011001234567")
    assert payment.paid_at.isoformat() == "2026-03-10T02:00:00+00:00"  # 09:00 in Viet Nam
    every_value = " ".join(str(v) for v in stored()[0])
    assert "0011001234567" not in every_value


def test_importing_the_same_file_twice_changes_nothing(app, tmp_path):
    lan = make_beneficiary()
    rows = [row(lan, f"R-{m}", f"2025-{m:02d}", status="paid_cash", provider_code="",
                account_number="") for m in range(1, 13)]
    path = write_csv(tmp_path / "p.csv", rows)
    first = import_file(path, ACTOR, chunk_size=5)
    before = stored()
    second = import_file(path, ACTOR, chunk_size=5)
    assert first.imported == 12
    assert second.counts() == {"read": 12, "imported": 0, "updated": 0, "unchanged": 12,
                               "rejected": 0}
    assert stored() == before


def test_a_changed_row_is_updated_and_counted_so(app, tmp_path):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    import_file(write_csv(tmp_path / "a.csv", [row(lan, "R-1"), row(lan, "R-2")]), ACTOR)
    changed = [row(lan, "R-1"), row(lan, "R-2", status="returned",
                                    failure_reason="Beneficiary account closed")]
    summary = import_file(write_csv(tmp_path / "b.csv", changed), ACTOR)
    assert (summary.updated, summary.unchanged, summary.imported) == (1, 1, 0)
    payment = db.session.scalar(select(Payment).where(Payment.partner_reference == "R-2"))
    assert (payment.status, payment.failure_reason) == ("returned", "Beneficiary account closed")
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2


def test_bad_rows_are_rejected_with_their_line_and_reason_and_good_rows_go_in(app, tmp_path):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    other = make_beneficiary(programme_code="disability_severe")
    rows = [
        row(lan, "OK-1"),                                            # line 2
        row(lan, "BAD-ID", id_number="12345"),                       # 3
        row(lan, "BAD-PERIOD", period="2026-13"),                    # 4
        row(lan, "BAD-AMOUNT", amount="500.000"),                    # 5
        row(lan, "BAD-STATUS", status="done"),                       # 6
        row(lan, "NO-PAID-AT", paid_at=""),                          # 7
        row(lan, "BAD-PROVIDER", provider_code="999999"),            # 8
        row(lan, "BAD-ACCOUNT", account_number="12AB"),              # 9
        row(lan, "bad ref with spaces"),                             # 10
        row(lan, "NOT-ENROLLED", programme="orphan_child"),          # 11
        row(lan, "NOBODY", id_number="087084999999"),                # 12
        row(lan, "CASH-WITH-BANK", status="paid_cash"),              # 13
        row(lan, "PAID-NO-ACCOUNT", provider_code="", account_number=""),  # 14
        row(lan, "OK-2", "2026-02", account_number="", account_masked="****4567"),  # 15
        row(other, "OK-1", programme="disability_severe", amount="750000"),  # 16: A's ref
    ]
    path = write_csv(tmp_path / "payments.csv", rows)
    summary = import_file(path, ACTOR, chunk_size=4)
    assert summary.counts() == {"read": 15, "imported": 2, "updated": 0, "unchanged": 0,
                                "rejected": 13}
    assert summary.rejected_path == tmp_path / "payments.rejected.csv"
    rejected = read_rejected(path)
    assert [int(r["line"]) for r in rejected] == list(range(3, 15)) + [16]
    reasons = {r["partner_reference"]: r["reason"] for r in rejected}
    assert "12 digits" in reasons["BAD-ID"]
    assert "YYYY-MM" in reasons["BAD-PERIOD"]
    assert "digits only" in reasons["BAD-AMOUNT"]
    assert "status must be one of" in reasons["BAD-STATUS"]
    assert "paid_at is required" in reasons["NO-PAID-AT"]
    assert "not a known provider" in reasons["BAD-PROVIDER"]
    assert reasons["BAD-ACCOUNT"].startswith("account_number:")
    assert "partner_reference must be" in reasons["bad ref with spaces"]
    assert "not enrolled in programme orphan_child" in reasons["NOT-ENROLLED"]
    assert reasons["NOBODY"] == "no beneficiary has this id_number"
    assert "paid_cash payment has no provider" in reasons["CASH-WITH-BANK"]
    assert "needs provider_code" in reasons["PAID-NO-ACCOUNT"]
    assert "another person's payment" in [r["reason"] for r in rejected if r["line"] == "16"][0]
    assert {r[0] for r in stored()} == {"OK-1", "OK-2"}
    masked = db.session.scalar(select(Payment).where(Payment.partner_reference == "OK-2"))
    assert (masked.fa_masked, masked.fa_index) == ("•••• 4567", None)


def test_a_killed_import_run_again_gives_exactly_the_same_result(app, tmp_path):
    lan = make_beneficiary()
    hoa = make_beneficiary(programme_code="disability_severe")
    rows = []
    for month in range(1, 13):
        period = f"2025-{month:02d}"
        rows.append(row(lan, f"L-{month}", period, status="paid_cash", provider_code="",
                        account_number=""))
        rows.append(row(hoa, f"H-{month}", period, status="paid_cash", provider_code="",
                        account_number="", amount="750000"))
        if month % 5 == 0:
            rows.append(row(hoa, f"X-{month}", period, amount="-1"))  # rejected every time
    path = write_csv(tmp_path / "p.csv", rows)

    uninterrupted = import_file(path, ACTOR, chunk_size=4)
    expected_rows, expected_rejects = stored(), read_rejected(path)
    db.session.execute(Payment.__table__.delete())
    db.session.commit()

    class Killed(Exception):
        pass

    def kill_after_two_chunks(summary):
        if summary.read >= 8:
            raise Killed

    with pytest.raises(Killed):
        import_file(path, ACTOR, chunk_size=4, on_chunk=kill_after_two_chunks)
    assert len(stored()) == 8  # two chunks committed, nothing of the third
    resumed = import_file(path, ACTOR, chunk_size=4)
    assert stored() == expected_rows
    assert read_rejected(path) == expected_rejects
    assert resumed.read == uninterrupted.read == 26
    assert resumed.rejected == uninterrupted.rejected == 2
    assert (resumed.unchanged, resumed.imported) == (8, uninterrupted.imported - 8)
    assert resumed.imported + resumed.unchanged == uninterrupted.imported


def test_a_reference_twice_in_one_chunk_is_stored_once_with_the_last_content(app, tmp_path):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    rows = [row(lan, "R-1"), row(lan, "R-1"),
            row(lan, "R-1", status="returned", failure_reason="Closed")]
    summary = import_file(write_csv(tmp_path / "p.csv", rows), ACTOR)
    assert (summary.imported, summary.unchanged, summary.updated) == (1, 1, 1)
    assert [(r[0], r[5]) for r in stored()] == [("R-1", "returned")]


def test_a_paid_payment_cannot_go_back_to_scheduled(app, tmp_path):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    import_file(write_csv(tmp_path / "a.csv", [row(lan, "R-1")]), ACTOR)
    path = write_csv(tmp_path / "b.csv", [row(lan, "R-1", status="scheduled", paid_at="")])
    summary = import_file(path, ACTOR)
    assert summary.rejected == 1
    assert "cannot go back to scheduled" in read_rejected(path)[0]["reason"]


def test_a_utf8_bom_and_extra_columns_are_accepted(app, tmp_path):
    lan = make_beneficiary()
    columns = (*COLUMNS, "branch_note")
    path = write_csv(tmp_path / "p.csv",
                     [row(lan, "R-1", status="paid_cash", provider_code="", account_number="",
                          branch_note="Chi nhánh Cao Lãnh")],
                     columns=columns, bom=True)
    summary = import_file(path, ACTOR)
    assert summary.imported == 1
    assert summary.ignored_columns == ("branch_note",)


def test_rows_of_the_wrong_width_blank_lines_and_bad_bytes_are_handled(app, tmp_path):
    lan = make_beneficiary()
    good = row(lan, "R-1", status="paid_cash", provider_code="", account_number="")
    path = tmp_path / "p.csv"
    with path.open("wb") as handle:
        handle.write((",".join(COLUMNS) + "\r\n").encode())
        handle.write((",".join(good[c] if c in good else "" for c in COLUMNS) + "\r\n").encode())
        handle.write(b"\r\n")
        handle.write(b"R-2,only,three\r\n")
        handle.write(b"R-3," + "\u00e9".encode("latin-1") + b"," + b"," * 8 + b"\r\n")
    summary = import_file(path, ACTOR)
    assert (summary.read, summary.imported, summary.rejected) == (3, 1, 2)
    reasons = [r["reason"] for r in read_rejected(path)]
    assert reasons == ["expected 11 fields like the header, found 3",
                       "a field is too long or is not valid UTF-8 text"]


@pytest.mark.parametrize(("content", "message"), [
    ("", "empty"),
    ("partner_reference,id_number,period\n", "lacks the column(s): programme, amount, status"),
    ("partner_reference,id_number,period,programme,amount,status,status\n", "repeats"),
])
def test_a_file_without_a_usable_header_is_refused_whole(app, tmp_path, content, message):
    path = tmp_path / "p.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_file(path, ACTOR)


def test_every_chunk_is_audited_with_its_counts(app, tmp_path):
    lan = make_beneficiary()
    rows = [row(lan, f"R-{m}", f"2025-{m:02d}", status="paid_cash", provider_code="",
                account_number="") for m in range(1, 6)]
    import_file(write_csv(tmp_path / "p.csv", rows), ACTOR, chunk_size=2)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    chunks = [e for e in events if e.action == "payments.import_chunk"]
    assert [e.details["imported"] for e in chunks] == [2, 2, 1]
    assert chunks[0].details["first_line"] == 2 and chunks[-1].details["last_line"] == 6
    assert events[-1].action == "payments.import_finished"
    assert events[-1].details["read"] == 5
    assert all(lan.person.id_number not in str(e.details) for e in events)


def test_a_line_the_csv_reader_cannot_read_stops_the_import_after_saving_the_rows_before(
        app, tmp_path):
    lan = make_beneficiary()
    path = write_csv(tmp_path / "p.csv", [row(lan, f"R-{m}", f"2025-{m:02d}", status="paid_cash",
                                              provider_code="", account_number="")
                                          for m in range(1, 4)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("R-9," + "x" * 200_000 + ",2025-09,elderly_80,500000,paid_cash,,,,,\n")
    with pytest.raises(ImportFileError, match="Line 5 cannot be read as CSV"):
        import_file(path, ACTOR, chunk_size=2)
    assert [r[0] for r in stored()] == ["R-1", "R-2", "R-3"]
