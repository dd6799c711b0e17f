"""Import benchmark: synthetic partner files into SQLite, next to sqlite3's own `.import`.

    .venv/bin/python bench/import_bench.py                # 100,000 and 1,000,000 rows
    .venv/bin/python bench/import_bench.py --sizes 100000 --results /tmp/r.md

For each size it makes a fresh SQLite database (migrated), synthetic beneficiaries and a file
(`flask payments synth`, 20 months per beneficiary), then runs `flask payments import` in a
child process and reads that process's peak resident memory (ru_maxrss from wait4). The
largest file is then imported a second time (every row "unchanged": the cost of a re-run
after an interruption) and loaded by the sqlite3 command-line shell's `.import` into a bare
table of text columns, in the same run on the same machine. Needs the `sqlite3` CLI
(apt-get install -y sqlite3).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTHS = 20
FLASK = [sys.executable, "-m", "flask", "--app", "app"]
SUMMARY = re.compile(
    r"Read ([\d,]+) rows: ([\d,]+) imported, ([\d,]+) updated, ([\d,]+) unchanged, "
    r"([\d,]+) rejected"
)


@dataclass
class Run:
    label: str
    rows: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    summary: str

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


def _env(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ANSINH_CONFIG="development",
        DATABASE_URL=f"sqlite:///{database}",
        # Fixed keys: the benchmark never touches the keys of a development database.
        FIELD_ENCRYPTION_KEY="l3Dd9m5a6zQq8T2x8b1qgQ0y8o7t0nE1m2Yx3c4V5b0=",
        BLIND_INDEX_KEY="benchmark-blind-index-key",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(command: list[str], env: dict[str, str] | None = None,
         stdin: str | None = None) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak resident MB of the child, its output)."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 — fixed arguments
        command, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    child.stdin.write(stdin or "")  # a few lines at most: no risk of a pipe deadlock
    child.stdin.close()
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, output  # ru_maxrss is in KiB on Linux


def _summary(output: str) -> str:
    match = SUMMARY.search(output)
    if match is None:
        raise SystemExit("no summary in the import's output:\n" + output)
    return match.group(0)


def bench_size(folder: Path, rows: int) -> tuple[list[Run], Path]:
    beneficiaries = rows // MONTHS
    database = folder / f"import-{rows}.db"
    file = folder / f"payments-{rows}.csv"
    env = _env(database)
    _run([*FLASK, "db", "upgrade"], env)
    synth_seconds, _, _, _ = _run([*FLASK, "payments", "synth", "--beneficiaries",
                                str(beneficiaries), "--months", str(MONTHS), "--out", str(file)],
                               env)
    print(f"  synth {beneficiaries:,} beneficiaries × {MONTHS} months: {synth_seconds:.1f} s",
          flush=True)
    seconds, cpu, peak, output = _run([*FLASK, "payments", "import", str(file)], env)
    summary = _summary(output)
    expected = f"Read {rows:,} rows: {rows:,} imported"
    if not summary.startswith(expected):
        raise SystemExit(f"expected {expected!r}, got {summary!r}")
    runs = [Run(f"payments import, {rows:,} rows, empty table", rows, seconds, cpu, peak,
                summary)]
    print(f"  {runs[-1].label}: {seconds:.1f} s, peak {peak:.0f} MB", flush=True)
    return runs, file


def rerun(folder: Path, rows: int, file: Path) -> Run:
    env = _env(folder / f"import-{rows}.db")
    seconds, cpu, peak, output = _run([*FLASK, "payments", "import", str(file)], env)
    run = Run(f"payments import again, {rows:,} rows, all unchanged", rows, seconds, cpu, peak,
              _summary(output))
    print(f"  {run.label}: {seconds:.1f} s, peak {peak:.0f} MB", flush=True)
    return run


def sqlite_cli_import(folder: Path, rows: int, file: Path) -> Run:
    sqlite = shutil.which("sqlite3")
    if sqlite is None:
        raise SystemExit("the sqlite3 command-line shell is needed: apt-get install -y sqlite3")
    database = folder / "bare.db"
    header = file.open(encoding="utf-8").readline().strip().split(",")
    columns = ", ".join(f"{name} TEXT" for name in header)
    script = (f"CREATE TABLE payment_bare ({columns});\n"
              f".import --csv --skip 1 {file} payment_bare\n")
    seconds, cpu, peak, _ = _run([sqlite, str(database)], stdin=script)
    count = sqlite3.connect(database).execute("SELECT count(*) FROM payment_bare").fetchone()[0]
    if count != rows:
        raise SystemExit(f"sqlite3 .import loaded {count} rows, expected {rows}")
    run = Run(f"sqlite3 .import, {rows:,} rows, bare table", rows, seconds, cpu, peak,
              f"{count:,} rows")
    print(f"  {run.label}: {seconds:.1f} s, peak {peak:.0f} MB", flush=True)
    return run


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text()
                             .splitlines() if line.startswith("MemTotal")))
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        memory = "RAM unknown"
    cli = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True,  # noqa: S607
                         check=False).stdout.split(" ")[0]
    return (f"{cpu}, {os.cpu_count()} CPUs, {memory}; {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}, SQLite library "
            f"{sqlite3.sqlite_version}, sqlite3 CLI {cli}")


def report(runs: list[Run], command: str) -> str:
    lines = [
        "| what | rows | wall seconds | rows/s (wall) | CPU seconds | peak memory (RSS) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(f"| {run.label} | {run.rows:,} | {run.seconds:.1f} | "
                     f"{run.rows_per_second:,.0f} | {run.cpu_seconds:.1f} | "
                     f"{run.peak_mb:.0f} MB |")
    return "\n".join([
        f"Machine: {machine()}",
        "",
        f"Command: `{command}`",
        "",
        *lines,
        "",
        "Import summaries: " + "; ".join(f"{run.label}: {run.summary}" for run in runs),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--results", type=Path, help="Also write the table to this file.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ansinh-bench-"))
    print(f"Working in {folder}", flush=True)
    runs: list[Run] = []
    try:
        file = None
        for rows in sorted(args.sizes):
            print(f"{rows:,} rows", flush=True)
            size_runs, file = bench_size(folder, rows)
            runs += size_runs
        largest = max(args.sizes)
        runs.append(rerun(folder, largest, file))
        runs.append(sqlite_cli_import(folder, largest, file))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    command = "python bench/import_bench.py" + (
        " --sizes " + " ".join(map(str, args.sizes)) if args.sizes != [100_000, 1_000_000] else "")
    text = report(runs, command)
    print()
    print(text)
    if args.results:
        args.results.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
