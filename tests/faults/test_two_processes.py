"""Two app processes sharing PostgreSQL and Redis agree on sign-in limits and lockouts.

Runs when the suite runs on PostgreSQL with Redis rate limits (as CI's second run does).
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.factories import make_person

ROOT = Path(__file__).resolve().parents[2]
SERVER = """
import sys
from werkzeug.serving import run_simple
from app import create_app
run_simple("127.0.0.1", int(sys.argv[1]), create_app("test"), threaded=True)
"""

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("RATELIMIT_STORAGE_URI", "").startswith("redis"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) and Redis (RATELIMIT_STORAGE_URI)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(app):
    processes, urls = [], []
    for _ in range(2):
        port = _free_port()
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", SERVER, str(port)],
                cwd=ROOT,
                env={**os.environ, "ANSINH_CONFIG": "test"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    for url in urls:
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)  # noqa: S310 — loopback
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    yield urls
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


class Browser:
    """A cookie jar shared across both servers, as one person behind a load balancer."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def post(self, url: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(url, data=body, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def test_lockout_made_on_one_process_holds_on_the_other(two_servers):
    person = make_person()
    first, second = two_servers
    browser = Browser()
    for attempt in range(3):
        server = (first, second)[attempt % 2]
        status, _ = browser.post(server + "/signin", {"id_number": person.id_number})
        assert status == 200
        for guess in range(5):
            target = (first, second)[guess % 2]
            status, body = browser.post(target + "/signin/code", {"code": "000000"})
    assert "Tạm dừng đăng nhập" in body
    for server in (first, second):
        status, body = Browser().post(server + "/signin", {"id_number": person.id_number})
        assert status == 200 and "Tạm dừng đăng nhập" in body


def test_rate_limit_counts_across_both_processes(two_servers):
    person = make_person()
    first, second = two_servers
    statuses = []
    for attempt in range(11):
        server = (first, second)[attempt % 2]
        status, _ = Browser().post(server + "/signin", {"id_number": person.id_number})
        statuses.append(status)
    assert statuses[:10] == [200] * 10  # redirects are followed to the code page
    assert statuses[10] == 429
