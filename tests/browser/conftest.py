"""Browser tests: the app served by a real server in a thread, driven by Playwright in the
system Chromium on a phone-sized screen. Screenshots go to tests/artifacts/ (ignored by git).

Without Chromium these tests are skipped loudly; with REQUIRE_BROWSER=1 they fail instead.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
_skipped: list[str] = []


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: browser tests cannot run"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REQUIRE_BROWSER=1)")
        _skipped.append(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class Phone:
    """One person's phone: a browser context with its own cookies, and a camera roll."""

    def __init__(self, browser, base_url: str, folder: Path, locale: str = "vi-VN"):
        self.context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            base_url=base_url,
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.folder = folder
        self.shots = 0

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot and check the page does not scroll sideways."""
        self.shots += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def phone_factory(browser, live_url, request):
    phones: list[Phone] = []
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    module = Path(request.node.fspath).stem

    def make(label: str = "phone", locale: str = "vi-VN") -> Phone:
        phone = Phone(browser, live_url, ARTIFACTS / module / test_name / label, locale)
        phones.append(phone)
        return phone

    yield make
    for phone in phones:
        phone.close()


@pytest.fixture
def phone(phone_factory) -> Phone:
    return phone_factory()


def read_code(page, phone_number: str) -> str:
    """Open the demo phone in a new tab and read the newest code sent to `phone_number`."""
    inbox = page.context.new_page()
    inbox.goto(f"/sim/phone?phone={phone_number}")
    text = inbox.locator("[data-sms-text]").first.inner_text()
    inbox.close()
    codes = re.findall(r"(?<!\d)\d{6}(?!\d)", text)
    assert len(codes) == 1, text
    return codes[0]


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_skipped[0], red=True)
        terminalreporter.write_line("Install Chromium: apt-get install -y chromium", red=True)
