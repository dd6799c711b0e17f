"""What one request costs inside the app, without HTTP: time and SQL queries per page.

    .venv/bin/python bench/page_cost.py
    .venv/bin/python bench/page_cost.py --requests 500 --markdown /tmp/cost.md

The companion of http_bench.py, to explain its ratios: for the same three URLs and the same
kind of signed-in beneficiary (bench/benchdb.py databases), the app is called through Flask's
test client in this process (no gunicorn, no sockets, no load generator), production
configuration, one request at a time. Reported per URL and database: the median and the 90th
percentile of the time per request, the number of SQL statements one request runs and the time
spent in them (measured around the driver's cursor.execute, so it includes the round trip to
PostgreSQL).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

PATHS = ("/healthz", "/account/", "/account/payments/")


def measure(database: str, beneficiaries: int, requests: int) -> list[tuple]:
    """Run in a child process per database (the app reads its configuration at start)."""
    benchdb.ensure(database, beneficiaries, benchdb.MONTHS)
    _beneficiary_id, person_id = benchdb.pick_beneficiary(database)
    cookie = benchdb.signed_in_cookie(database, person_id)
    os.environ.update(benchdb.app_env(database))
    from sqlalchemy import event

    from app import create_app
    from extensions import db

    app = create_app()
    logging.disable(logging.INFO)  # the per-request log line would be most of /healthz
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": cookie}
    with app.app_context():
        engine = db.engine
    statements: list[float] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        statements.append(time.perf_counter() - context._bench_started)

    rows = []
    for path in PATHS:
        for _ in range(50):  # warm-up
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        times, sql_counts, sql_times = [], [], []
        for _ in range(requests):
            statements.clear()
            started = time.perf_counter()
            client.get(path, headers=headers)
            times.append(time.perf_counter() - started)
            sql_counts.append(len(statements))
            sql_times.append(sum(statements))
        times.sort()
        rows.append((beneficiaries * benchdb.MONTHS, path, statistics.median(times) * 1000,
                     times[int(len(times) * 0.9)] * 1000, statistics.median(sql_counts),
                     statistics.median(sql_times) * 1000))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="ansinh_bench")
    parser.add_argument("--beneficiaries", type=int, default=100_000)
    parser.add_argument("--small-database", default="ansinh_bench_36k")
    parser.add_argument("--small-beneficiaries", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=300, help="per URL")
    parser.add_argument("--markdown", type=Path, help="write the results section to this file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        for row in measure(args.child[0], int(args.child[1]), args.requests):
            print("ROW\t" + "\t".join(map(str, row)))
        return
    import subprocess
    import tempfile

    folder = tempfile.TemporaryDirectory(prefix="page-cost-")
    benchdb.snapshot(Path(folder.name))
    rows = []
    for database, count in ((args.database, args.beneficiaries),
                            (args.small_database, args.small_beneficiaries)):
        done = subprocess.run(  # noqa: S603 — this file, fixed arguments
            [sys.executable, __file__, "--requests", str(args.requests), "--child", database,
             str(count)], check=True, capture_output=True, text=True, cwd=benchdb.APP_ROOT)
        for line in done.stdout.splitlines():
            if line.startswith("ROW\t"):
                payments, path, median, p90, count_sql, sql_ms = line.split("\t")[1:]
                rows.append((int(payments), path, float(median), float(p90),
                             float(count_sql), float(sql_ms)))
    folder.cleanup()
    command = ("python bench/page_cost.py " + " ".join(sys.argv[1:])).strip()
    lines = [
        f"## Cost of one request inside the app ({datetime.now(UTC):%d %B %Y %H:%M} UTC)",
        "",
        f"Command: `{command}` — Flask test client in one process, no HTTP server, "
        f"{args.requests} requests per URL one at a time after 50 to warm up; load average "
        f"(1 min) {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| payments in the table | URL | ms per request (median) | p90 ms | SQL statements | "
        "ms in SQL (median) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for payments, path, median, p90, count_sql, sql_ms in rows:
        lines.append(f"| {payments:,} | `{path}` | {median:.2f} | {p90:.2f} | {count_sql:.0f} | "
                     f"{sql_ms:.2f} |")
    lines.append("")
    section = "\n".join(lines)
    print(section)
    if args.markdown:
        args.markdown.write_text(section, encoding="utf-8")


if __name__ == "__main__":
    main()
