"""HTTP benchmark: gunicorn on PostgreSQL and Redis, measured with wrk on the same machine.

    .venv/bin/python bench/http_bench.py                           # 15 s per URL
    .venv/bin/python bench/http_bench.py --duration 5 --markdown /tmp/http.md

Two databases (bench/benchdb.py builds them, or reuses them when they are complete):
- `ansinh_bench`: 100,000 beneficiaries × 36 months = 3,600,000 payments;
- `ansinh_bench_36k`: 1,000 beneficiaries × 36 months = 36,000 payments.
The app's code is copied to a temporary folder first and run from there (benchdb.snapshot), so
edits to the working tree during the run cannot change it. For each database the script starts
gunicorn with the repository's gunicorn.conf.py (production configuration, 2 workers, rate
limits in Redis db 15) on 127.0.0.1 (ports --port and --port + 1), signs a beneficiary in (a
real server-side session from `domain.sessions.create`, sent as a signed Flask session cookie)
and checks that each page answers 200 without a redirect. After a 2-second warm-up of every
URL, each of --rounds rounds runs `wrk --latency` on /healthz, the signed-in home page
/account/ and the history page /account/payments/ of that beneficiary (one paid into a bank
account, with 36 payments, from the middle of the table), for both databases in turn; after
each wrk run the page must still answer 200 (the session did not lapse). Figures are medians
over the rounds. Needs `wrk` (apt-get install -y wrk).

Reported: requests per second, p50 and p99 latency, each page's throughput as a ratio of
/healthz's in the same run, and the history page's p50 at 3.6 M payments over its p50 at
36,000 (the growth ratio).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

ROOT = benchdb.ROOT
PAGES = (("/healthz", "health check"), ("/account/", "home page (signed in)"),
         ("/account/payments/", "payment history (signed in)"))
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Result:
    """One URL on one database: one figure per round."""

    database: str
    payments: int
    path: str
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    requests: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return statistics.median(self.rps)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.p50)

    @property
    def p99_ms(self) -> float:
        return statistics.median(self.p99)


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> tuple[float, float, float, int, str]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    problems = []
    for pattern in (r"Socket errors:[^\n]*", r"Non-2xx or 3xx responses: \d+"):
        found = re.search(pattern, output)
        if found:
            problems.append(found.group(0))
    return rps, p50, p99, requests, "; ".join(problems)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(base: str, path: str, cookie: str) -> None:
    """The page must answer 200 itself: a redirect to the sign-in page would look fast."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(base + path, headers={"Cookie": cookie}),  # noqa: S310
                         timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise SystemExit(f"{path} answered {status}, not 200: the benchmark would be wrong")


class Server:
    """gunicorn with the repository's configuration, on 127.0.0.1, against one database."""

    def __init__(self, database: str, port: int, workers: int, log: Path) -> None:
        env = benchdb.app_env(database)
        env.update(BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers))
        self.base = f"http://127.0.0.1:{port}"
        self.log = log.open("a")
        self.process = subprocess.Popen(  # noqa: S603 — fixed arguments
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py",
             "app:create_app()"],
            cwd=benchdb.APP_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def wrk(base: str, path: str, cookie: str, args) -> str:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--latency", "-H", f"Cookie: {cookie}", base + path]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


@dataclass
class Target:
    database: str
    payments: int
    server: Server
    cookie: str


def start(database: str, beneficiaries: int, port: int, args, log: Path) -> Target:
    benchdb.ensure(database, beneficiaries, benchdb.MONTHS)
    payments = beneficiaries * benchdb.MONTHS
    beneficiary_id, person_id = benchdb.pick_beneficiary(database)
    cookie = benchdb.signed_in_cookie(database, person_id)
    print(f"{database}: {payments:,} payments; beneficiary {beneficiary_id} "
          f"(36 payments) signed in; gunicorn on port {port}", flush=True)
    server = Server(database, port, args.workers, log)
    for path, _label in PAGES:
        check_page(server.base, path, cookie)
    return Target(database, payments, server, cookie)


def measure(targets: list[Target], args) -> dict[tuple[str, str], Result]:
    """Round after round, every URL of every database in turn: a burst of load on the shared
    machine then touches all of them alike, and each figure is a median over the rounds."""
    results = {(t.database, path): Result(t.database, t.payments, path)
               for t in targets for path, _label in PAGES}
    warm_up = argparse.Namespace(**{**vars(args), "duration": 2})
    for target in targets:
        for path, _label in PAGES:
            wrk(target.server.base, path, target.cookie, warm_up)
    for number in range(1, args.rounds + 1):
        for target in targets:
            for path, _label in PAGES:
                output = wrk(target.server.base, path, target.cookie, args)
                check_page(target.server.base, path, target.cookie)
                rps, p50, p99, requests, errors = parse_wrk(output)
                result = results[(target.database, path)]
                result.rps.append(rps)
                result.p50.append(p50)
                result.p99.append(p99)
                result.requests += requests
                if errors:
                    result.errors.append(errors)
                print(f"  round {number} {target.payments:>9,} {path:<20} {rps:8.1f} req/s"
                      f"  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  ({requests:,} requests"
                      f"{'; ' + errors if errors else ''})", flush=True)
    return results


def machine() -> dict[str, str]:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text()
                         .splitlines() if line.startswith("MemTotal")))
    import psycopg

    with psycopg.connect(benchdb.url("postgres")) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout  # noqa: S607
    gunicorn = subprocess.run([str(Path(sys.executable).parent / "gunicorn"), "--version"],  # noqa: S603
                              capture_output=True, text=True).stdout.strip()
    return {
        "CPU": f"{cpu}, {os.cpu_count()} CPUs (nproc)",
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "wrk": wrk_version.split("[")[0].replace("wrk", "", 1).strip() if wrk_version else "?",
        "gunicorn": gunicorn.replace("gunicorn (version", "").strip(" )"),
    }


def markdown(results: dict[tuple[str, str], Result], targets: list[Target], args,
             command: str, load: tuple[tuple[float, ...], tuple[float, ...]]) -> str:
    big, small = targets
    health = results[(big.database, "/healthz")]
    home = results[(big.database, "/account/")]
    history_big = results[(big.database, "/account/payments/")]
    history_small = results[(small.database, "/account/payments/")]
    lines = [
        f"## HTTP under gunicorn ({datetime.now(UTC):%d %B %Y %H:%M} UTC)",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()),
        "",
        f"Command: `{command}`",
        "",
        f"gunicorn.conf.py (gthread, {args.workers} workers × 4 threads), production "
        "configuration, PostgreSQL 15 and Redis on the same machine, one gunicorn per database; "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency` per URL on "
        f"127.0.0.1; {args.rounds} rounds, each running every URL of both databases in turn "
        "(after a 2-second warm-up of each). Figures are medians over the rounds; requests "
        "are the total. Load average (1 min) of the machine "
        f"{load[0][0]:.1f} before the run and {load[1][0]:.1f} after.",
        "",
        "| payments in the table | URL | requests/s | × /healthz | p50 ms | p99 ms | requests |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for target in targets:
        base = results[(target.database, "/healthz")]
        for path, _label in PAGES:
            r = results[(target.database, path)]
            lines.append(
                f"| {r.payments:,} | `{r.path}` | {r.requests_per_second:,.0f} | "
                f"{r.requests_per_second / base.requests_per_second:.2f} | {r.p50_ms:.2f} | "
                f"{r.p99_ms:.2f} | {r.requests:,} |"
            )
    errors = [f"`{r.path}` at {r.payments:,}: {e}" for r in results.values() for e in r.errors]
    home_ratio = home.requests_per_second / health.requests_per_second
    per_round = [h / b for h, b in zip(home.rps, health.rps, strict=True)]
    growth = history_big.p50_ms / history_small.p50_ms
    growth_rounds = [b / s for b, s in zip(history_big.p50, history_small.p50, strict=True)]
    lines += [
        "",
        f"- Home page throughput / /healthz's: **{home_ratio:.2f}** "
        f"(rounds: {', '.join(f'{x:.2f}' for x in per_round)}; "
        f"target ≥ 0.5: {'met' if home_ratio >= 0.5 else 'missed'}).",
        f"- History page p50 at {history_big.payments:,} payments / at "
        f"{history_small.payments:,}: {history_big.p50_ms:.2f} ms / {history_small.p50_ms:.2f} ms"
        f" = **{growth:.2f}** (rounds: {', '.join(f'{x:.2f}' for x in growth_rounds)}; "
        f"target ≤ 1.5: {'met' if growth <= 1.5 else 'missed'}); p99 "
        f"{history_big.p99_ms / history_small.p99_ms:.2f}, throughput "
        f"{history_big.requests_per_second / history_small.requests_per_second:.2f}.",
        "- Errors reported by wrk: " + ("; ".join(errors) if errors else "none") + ".",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="ansinh_bench")
    parser.add_argument("--beneficiaries", type=int, default=100_000)
    parser.add_argument("--small-database", default="ansinh_bench_36k")
    parser.add_argument("--small-beneficiaries", type=int, default=1_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per URL")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765, help="and the next one")
    parser.add_argument("--markdown", type=Path, help="write the results section to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    command = ("python bench/http_bench.py " + " ".join(sys.argv[1:])).strip()
    load_before = os.getloadavg()
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="http-bench-") as folder:
        log = Path(folder) / "gunicorn.log"
        print(f"app code from a snapshot in {benchdb.snapshot(Path(folder))}", flush=True)
        try:
            targets.append(start(args.database, args.beneficiaries, args.port, args, log))
            targets.append(start(args.small_database, args.small_beneficiaries, args.port + 1,
                                 args, log))
            results = measure(targets, args)
        except BaseException:
            print(log.read_text()[-3000:] if log.exists() else "", file=sys.stderr)
            raise
        finally:
            for target in targets:
                target.server.stop()
    section = markdown(results, targets, args, command, (load_before, os.getloadavg()))
    print()
    print(section)
    if args.markdown:
        args.markdown.write_text(section, encoding="utf-8")


if __name__ == "__main__":
    main()
