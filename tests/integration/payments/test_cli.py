"""The command line: `payments import`, `payments synth`, `apikey create|list|revoke`."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from domain import demo
from domain.models import ApiKey, Payment
from domain.partners import authenticate
from extensions import db

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "payments_sample.csv"


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_the_readme_sample_imports_into_the_demo(app, runner, tmp_path):
    demo.seed(today=date(2026, 12, 4))
    before = db.session.scalar(select(func.count()).select_from(Payment))
    path = Path(shutil.copy(SAMPLE, tmp_path / "payments_sample.csv"))
    result = runner.invoke(args=["payments", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Read 7 rows: 5 imported, 0 updated, 0 unchanged, 2 rejected." in result.output
    rejected_path = tmp_path / "payments_sample.rejected.csv"
    assert f"Rejected rows, with line number and reason: {rejected_path}" in result.output
    assert db.session.scalar(select(func.count()).select_from(Payment)) == before + 5
    rejected = (tmp_path / "payments_sample.rejected.csv").read_text(encoding="utf-8-sig")
    assert "7,no beneficiary has this id_number" in rejected
    assert "8,\"amount must be whole đồng" in rejected
    again = runner.invoke(args=["payments", "import", str(path)])
    assert "Read 7 rows: 0 imported, 0 updated, 5 unchanged, 2 rejected." in again.output


def test_a_file_without_the_columns_is_refused_with_a_message(app, runner, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("ref,amount\nA,1\n", encoding="utf-8")
    result = runner.invoke(args=["payments", "import", str(path)])
    assert result.exit_code == 1
    assert "The header row lacks the column(s): partner_reference, id_number" in result.output


def test_a_missing_file_is_refused(app, runner, tmp_path):
    result = runner.invoke(args=["payments", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_synth_makes_people_and_a_file_the_import_takes_whole(app, runner, tmp_path):
    out = tmp_path / "synthetic.csv"
    result = runner.invoke(args=["payments", "synth", "--beneficiaries", "30", "--months", "4",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Synthetic beneficiaries: 30 (30 created now)." in result.output
    assert "Wrote 120 rows" in result.output
    again = runner.invoke(args=["payments", "synth", "--beneficiaries", "30", "--months", "4",
                                "--out", str(out)])
    assert "(0 created now)" in again.output
    result = runner.invoke(args=["payments", "import", str(out)])
    assert "Read 120 rows: 120 imported, 0 updated, 0 unchanged, 0 rejected." in result.output
    statuses = dict(db.session.execute(
        select(Payment.status, func.count()).group_by(Payment.status)).all())
    assert statuses["paid"] > statuses.get("failed", 0) > 0
    assert statuses["paid_cash"] == 4 * 6  # every fifth person is paid in cash


def test_apikey_create_list_and_revoke(app, runner):
    result = runner.invoke(args=["apikey", "create", "--partner", "vnpost",
                                 "--name", "Bưu điện Việt Nam"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("asl_")
    assert "Partner: vnpost (Bưu điện Việt Nam)" in result.output
    prefix = db.session.scalar(select(ApiKey.prefix))
    assert authenticate(key).api_key is not None
    listing = runner.invoke(args=["apikey", "list"])
    assert prefix in listing.output and key not in listing.output
    revoked = runner.invoke(args=["apikey", "revoke", prefix])
    assert f"Revoked key {prefix} of vnpost." in revoked.output
    assert authenticate(key).failure == "revoked"
    assert runner.invoke(args=["apikey", "revoke", "nope"]).exit_code == 1
    assert runner.invoke(args=["apikey", "create", "--partner", "Bad Code"]).exit_code == 1
