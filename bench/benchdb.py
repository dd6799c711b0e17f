"""Benchmark databases on PostgreSQL: N synthetic beneficiaries with M months of payments each.

    .venv/bin/python bench/benchdb.py --database ansinh_bench --beneficiaries 100000
    .venv/bin/python bench/benchdb.py --database ansinh_bench_36k --beneficiaries 1000

Used by http_bench.py and resolve_bench.py; runnable on its own to build (or check) a database.

How the rows are made, and why it is honest:
- the schema is the app's own (`flask db upgrade` on a fresh database);
- beneficiaries are `domain.payment_synth.ensure_population` (people, beneficiary, entitlement,
  an encrypted financial address for four in five of them; bulk inserts, idempotent);
- payments are the rows of the partner file `flask payments synth` would write
  (`domain.payment_synth.rows`: every beneficiary, every month, 2 % failed and 1 % returned),
  each checked by the import's own row reader (`domain.payment_import._RowReader`: reference,
  ID number, period, programme, amount, status, paid time and the snapshot of the account with
  its keyed index) and tied to its beneficiary, then written with PostgreSQL `COPY` instead of
  the import's per-chunk `INSERT`s (3.6 million rows through `flask payments import` would take
  several minutes more and measure the import, which bench/import_bench.py already does).
The database is reused when it already holds exactly N beneficiaries and N × M payments; pass
`--rebuild` to drop and make it again. Never point this at a database you care about: it is
dropped on `--rebuild`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
# The code the app runs from: the repository, or a snapshot of it (see snapshot()).
APP_ROOT = Path(os.environ.get("BENCH_APP_ROOT", ROOT))
if str(APP_ROOT) not in sys.path:
    sys.path.insert(0, str(APP_ROOT))
SNAPSHOT_IGNORE = (".venv", "node_modules", ".git", "tests", "instance", "bench", "__pycache__",
                   ".pytest_cache", ".hypothesis", ".ruff_cache", "*.egg-info")

PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
MONTHS = 36
# Fixed keys: benchmark databases hold synthetic people only.
KEYS = {
    "SECRET_KEY": "benchmark-secret-key-not-for-production",
    "FIELD_ENCRYPTION_KEY": "l3Dd9m5a6zQq8T2x8b1qgQ0y8o7t0nE1m2Yx3c4V5b0=",
    "BLIND_INDEX_KEY": "benchmark-blind-index-key",
}
COPY_COLUMNS = ("partner_reference", "beneficiary_id", "period", "programme", "amount", "status",
                "fa_kind", "fa_provider_code", "fa_masked", "fa_index", "paid_at",
                "failure_reason", "created_at", "updated_at")


def url(database: str) -> str:
    return f"{PG_SERVER}/{database}"


def snapshot(folder: Path) -> Path:
    """Copy the app's code (not the tests, not the virtual environment) into `folder` and run
    the app from there for the rest of this process and its children. The working tree may be
    edited while a benchmark runs, and gunicorn restarts each worker after `max_requests`,
    importing whatever is on disk then: a snapshot keeps one version of the code for the whole
    run. The snapshot must import cleanly, or the benchmark stops before measuring anything."""
    global APP_ROOT
    target = folder / "app"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(*SNAPSHOT_IGNORE))
    env = dict(os.environ, **KEYS, ANSINH_CONFIG="production", PYTHONPATH=str(target),
               DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    check = subprocess.run([sys.executable, "-c", "import app; app.create_app(); "  # noqa: S603
                            "print(app.__file__)"], cwd=target, env=env, capture_output=True,
                           text=True)
    if check.returncode != 0 or not check.stdout.strip().startswith(str(target)):
        raise SystemExit("the app does not import from a copy of the working tree:\n"
                         + check.stdout + check.stderr[-2000:])
    APP_ROOT = target
    os.environ["BENCH_APP_ROOT"] = str(target)
    sys.path.insert(0, str(target))
    return target


def app_env(database: str, redis_db: int = 15) -> dict[str, str]:
    """The environment of the app (production configuration) against a bench database."""
    env = dict(os.environ)
    env.update(KEYS)
    env.update(
        PYTHONPATH=str(APP_ROOT),
        ANSINH_CONFIG="production",
        DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:6379/{redis_db}",
        PYTHONUNBUFFERED="1",
    )
    return env


def _exists(database: str) -> bool:
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (database,)).fetchone() is not None


def _counts(database: str) -> tuple[int, int]:
    with psycopg.connect(url(database)) as conn:
        try:
            beneficiaries = conn.execute("SELECT count(*) FROM beneficiary").fetchone()[0]
            payments = conn.execute("SELECT count(*) FROM payment").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0, 0
    return beneficiaries, payments


def _create(database: str) -> None:
    if not database.startswith("ansinh_bench"):
        raise SystemExit("bench databases are named ansinh_bench*: refusing " + database)
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')


def ensure(database: str, beneficiaries: int, months: int = MONTHS, *,
           rebuild: bool = False) -> dict[str, float]:
    """Make sure `database` holds `beneficiaries` × `months` payments; timings of what was done."""
    timings: dict[str, float] = {}
    if not rebuild and _exists(database) and _counts(database) == (beneficiaries,
                                                                   beneficiaries * months):
        print(f"  {database}: reusing {beneficiaries:,} beneficiaries and "
              f"{beneficiaries * months:,} payments", flush=True)
        return timings
    started = time.perf_counter()
    _create(database)
    env = app_env(database)
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],  # noqa: S603
                   cwd=APP_ROOT, env=env, check=True, capture_output=True)
    timings["create and migrate"] = time.perf_counter() - started
    # The population and the payments are made by a child process with the app's environment.
    subprocess.run([sys.executable, __file__, "--database", database, "--beneficiaries",  # noqa: S603
                    str(beneficiaries), "--months", str(months), "--fill"],
                   cwd=APP_ROOT, env=env, check=True)
    timings["fill"] = time.perf_counter() - started - timings["create and migrate"]
    got = _counts(database)
    if got != (beneficiaries, beneficiaries * months):
        raise SystemExit(f"{database}: expected {beneficiaries:,} beneficiaries and "
                         f"{beneficiaries * months:,} payments, found {got}")
    return timings


def _fill(beneficiaries: int, months: int) -> None:
    """Inside the app (environment from app_env): the population, then the payments by COPY."""
    from sqlalchemy import select

    from app import create_app
    from domain import payment_synth
    from domain.actors import Actor
    from domain.models import Beneficiary, Person
    from domain.payment_import import COLUMNS, _RowReader
    from extensions import db

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        payment_synth.ensure_population(beneficiaries, Actor.system("benchmark"))
        print(f"  population: {beneficiaries:,} beneficiaries in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        by_id_number = dict(db.session.execute(
            select(Person.id_number, Beneficiary.id).join(Beneficiary,
                                                          Beneficiary.person_id == Person.id)
        ).all())
        db.session.remove()
        _copy_payments(beneficiaries, months, by_id_number, COLUMNS, _RowReader, payment_synth)


def _copy_payments(beneficiaries, months, by_id_number, columns, reader_class, payment_synth):
    """Inside an app context: the keyed account index needs the app's keys."""
    started = time.perf_counter()
    reader = reader_class(list(columns))
    now = datetime.now(UTC)
    written = 0
    with psycopg.connect(os.environ["DATABASE_URL"].replace("+psycopg", "")) as conn:
        with conn.cursor() as cursor, cursor.copy(
            f"COPY payment ({', '.join(COPY_COLUMNS)}) FROM STDIN"  # noqa: S608 — constant
        ) as copy:
            for line, raw in enumerate(payment_synth.rows(beneficiaries, months), start=2):
                row = reader.parse(line, raw)
                if row.error is not None:
                    raise SystemExit(f"synthetic row {line} rejected: {row.error}")
                v = row.values
                copy.write_row((row.reference, by_id_number[row.id_number], v["period"],
                                v["programme"], v["amount"], v["status"], v["fa_kind"],
                                v["fa_provider_code"], v["fa_masked"], v["fa_index"],
                                v["paid_at"], v["failure_reason"], now, now))
                written += 1
        conn.execute("ANALYZE")
    print(f"  payments: {written:,} rows checked and copied in "
          f"{time.perf_counter() - started:.1f} s", flush=True)


def pick_beneficiary(database: str, months: int = MONTHS) -> tuple[int, int]:
    """(beneficiary id, person id) of the middle one of the beneficiaries paid into a bank
    account, with exactly `months` payments (not the first rows of the table)."""
    with psycopg.connect(url(database)) as conn:
        total = conn.execute("SELECT count(*) FROM financial_address WHERE kind = 'bank'"
                             ).fetchone()[0]
        for beneficiary_id, person_id in conn.execute(
            "SELECT b.id, b.person_id FROM beneficiary b"
            " JOIN financial_address fa ON fa.beneficiary_id = b.id AND fa.kind = 'bank'"
            " ORDER BY b.id OFFSET %s LIMIT 20", (total // 2,)
        ).fetchall():
            count = conn.execute("SELECT count(*) FROM payment WHERE beneficiary_id = %s",
                                 (beneficiary_id,)).fetchone()[0]
            if count == months:
                return beneficiary_id, person_id
    raise SystemExit(f"{database}: no beneficiary with {months} payments")


def _child(database: str, *args: str) -> str:
    """Run this file inside the app's environment for `database`; its last line of output."""
    done = subprocess.run([sys.executable, __file__, "--database", database, *args],  # noqa: S603
                          cwd=APP_ROOT, env=app_env(database), check=True, capture_output=True,
                          text=True)
    return done.stdout.strip().splitlines()[-1]


def signed_in_cookie(database: str, person_id: int) -> str:
    """`name=value` of a session cookie for a new citizen sign-in session of `person_id`."""
    return _child(database, "--signed-in", str(person_id))


def api_key(database: str) -> str:
    """A new API key of the partner "bench-partner"."""
    return _child(database, "--api-key")


def _signed_in(person_id: int) -> None:
    from app import create_app
    from domain import sessions
    from extensions import db

    app = create_app()
    with app.app_context():
        _row, token = sessions.create(kind="citizen", person_id=person_id,
                                      client_address="127.0.0.1")
        db.session.commit()
        value = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": token, "_fresh": True}
        )
        print(f"{app.config['SESSION_COOKIE_NAME']}={value}")


def _api_key() -> None:
    from app import create_app
    from domain import partners
    from domain.actors import Actor

    app = create_app()
    with app.app_context():
        print(partners.create_key("bench-partner", Actor.system("benchmark")).key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="ansinh_bench")
    parser.add_argument("--beneficiaries", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=MONTHS)
    parser.add_argument("--rebuild", action="store_true", help="drop and build again")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--signed-in", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-key", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.signed_in:
        _signed_in(args.signed_in)
        return
    if args.api_key:
        _api_key()
        return
    if args.fill:
        _fill(args.beneficiaries, args.months)
        return
    timings = ensure(args.database, args.beneficiaries, args.months, rebuild=args.rebuild)
    for what, seconds in timings.items():
        print(f"  {what}: {seconds:.1f} s")


if __name__ == "__main__":
    main()
