"""Resolve benchmark: POST /api/v1/mapper/resolve with 10,000 IDs in one call, under gunicorn,
next to the plain SQL query for the same IDs run with psycopg.

    .venv/bin/python bench/resolve_bench.py
    .venv/bin/python bench/resolve_bench.py --repeat 3 --markdown /tmp/resolve.md

On the `ansinh_bench` database of bench/benchdb.py (100,000 beneficiaries, 3,600,000 payments;
built or reused), the script creates an API key (`domain.partners.create_key`), starts gunicorn
(gunicorn.conf.py, production configuration, 2 workers, rate limits in Redis db 15) on
127.0.0.1, picks 10,000 ID numbers of the population at random (fixed seed) and times:

1. the API call, from the client: JSON body out, HTTP, key check, schema check, the look-up,
   decryption of each account number, the audit record, JSON back;
2. the plain SQL: the SELECT the API runs (person, beneficiary, and the financial address in
   force today by the same correlated sub-query as `domain.resolve.in_force_address_id`), with
   psycopg, all rows fetched;
3. the same SQL followed by decrypting the account numbers in Python (`domain.security.decrypt`),
   the one piece of work the API must do that SQL cannot.

Each is run once to warm up, then `--repeat` times; the median is reported, with the minimum.
The API's answer is checked against the SQL: 10,000 results, and as many "succ.fa.active" as
the SQL finds rows with an account.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402
import psycopg  # noqa: E402
from http_bench import Server, machine  # noqa: E402

ITEMS = 10_000
SQL = """
SELECT p.id_number, p.status, b.id, b.status, fa.kind, fa.provider_code, fa.number_encrypted
FROM person p
LEFT JOIN beneficiary b ON b.person_id = p.id
LEFT JOIN financial_address fa ON fa.id = (
    SELECT f.id FROM financial_address f
    WHERE f.beneficiary_id = b.id AND f.status = ANY(%(statuses)s)
      AND f.active_from <= %(on)s AND (f.active_until IS NULL OR f.active_until > %(on)s)
    ORDER BY f.active_from DESC, f.id DESC LIMIT 1)
WHERE p.id_number = ANY(%(ids)s)
"""


def timed(function, repeat: int) -> tuple[float, float, object]:
    function()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="ansinh_bench")
    parser.add_argument("--beneficiaries", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--markdown", type=Path, help="write the results section to this file")
    args = parser.parse_args()
    command = ("python bench/resolve_bench.py " + " ".join(sys.argv[1:])).strip()

    snapshot_folder = tempfile.TemporaryDirectory(prefix="resolve-bench-")
    benchdb.snapshot(Path(snapshot_folder.name))
    benchdb.ensure(args.database, args.beneficiaries, benchdb.MONTHS)
    key = benchdb.api_key(args.database)
    with psycopg.connect(benchdb.url(args.database)) as conn:
        population = [row[0] for row in conn.execute(
            "SELECT p.id_number FROM person p JOIN beneficiary b ON b.person_id = p.id"
            " ORDER BY p.id")]
    ids = random.Random(args.seed).sample(population, args.items)
    body = json.dumps({"resolve_request": [
        {"reference_id": f"R{index:05d}", "id": id_number} for index, id_number in enumerate(ids)
    ]}).encode()

    # The app, in this process, only for its keys and its decrypt(); the API runs in gunicorn.
    os.environ.update(benchdb.app_env(args.database))
    from app import create_app
    from domain import cycles
    from domain.addresses import IN_FORCE_STATUSES
    from domain.security import decrypt

    app = create_app()

    with tempfile.TemporaryDirectory(prefix="resolve-bench-") as folder:
        server = Server(args.database, args.port, args.workers, Path(folder) / "gunicorn.log")
        try:
            def call():
                request = urllib.request.Request(  # noqa: S310 — http://127.0.0.1 only
                    server.base + "/api/v1/mapper/resolve", data=body, method="POST",
                    headers={"Authorization": f"Bearer {key}",
                             "Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    if response.status != 200:
                        raise SystemExit(f"resolve answered {response.status}")
                    return json.loads(response.read())["resolve_response"]

            api_median, api_min, answer = timed(call, args.repeat)
        finally:
            server.stop()

    with app.app_context():
        on = cycles.today()
    params = {"statuses": list(IN_FORCE_STATUSES), "on": on, "ids": ids}
    with psycopg.connect(benchdb.url(args.database)) as conn:
        def sql():
            return conn.execute(SQL, params).fetchall()

        def sql_and_decrypt():
            rows = conn.execute(SQL, params).fetchall()
            return [decrypt(row[6]) for row in rows if row[6] is not None]

        sql_median, sql_min, rows = timed(sql, args.repeat)
        with app.app_context():
            dec_median, dec_min, numbers = timed(sql_and_decrypt, args.repeat)

    snapshot_folder.cleanup()
    active = sum(1 for item in answer if item["status_reason_code"] == "succ.fa.active")
    with_account = sum(1 for row in rows if row[4] not in (None, "cash") and row[6] is not None)
    if len(answer) != args.items or len(rows) != args.items or active != with_account:
        raise SystemExit(f"answers differ: API {len(answer)} items, {active} active; "
                         f"SQL {len(rows)} rows, {with_account} with an account")

    lines = [
        f"## Resolve: {args.items:,} IDs in one call ({datetime.now(UTC):%d %B %Y %H:%M} UTC)",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        f"Command: `{command}`",
        "",
        f"Database `{args.database}`: {args.beneficiaries:,} beneficiaries, "
        f"{args.beneficiaries * benchdb.MONTHS:,} payments; {args.items:,} of its ID numbers "
        f"at random (seed {args.seed}). Median of {args.repeat} runs after one warm-up "
        "(minimum in brackets).",
        "",
        "| what | seconds | IDs per second | × plain SQL |",
        "|---|---:|---:|---:|",
    ]
    for label, median, fastest in (
        ("`POST /api/v1/mapper/resolve` under gunicorn (client's wall time)", api_median,
         api_min),
        ("plain SQL, the same SELECT with psycopg", sql_median, sql_min),
        ("plain SQL + decrypting the account numbers in Python", dec_median, dec_min),
    ):
        lines.append(f"| {label} | {median:.3f} ({fastest:.3f}) | {args.items / median:,.0f} | "
                     f"{median / sql_median:.1f} |")
    lines += [
        "",
        f"The API answered {len(answer):,} items: {active:,} `succ.fa.active` (an account or "
        f"wallet: {len(numbers):,} numbers decrypted), the others `succ.fa.not_found` (paid in "
        f"cash); the SQL returned {len(rows):,} rows, {with_account:,} with an account.",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if args.markdown:
        args.markdown.write_text(section, encoding="utf-8")


if __name__ == "__main__":
    main()
