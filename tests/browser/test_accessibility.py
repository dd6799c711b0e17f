"""Accessibility on a phone, in Vietnamese and in English: axe-core on every page of every
journey (no serious or critical violations), each page at 200 % text size without sideways
scrolling, and the sign-in and change journeys with the keyboard alone.

The summary goes to tests/artifacts/accessibility.json and accessibility.md.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import select

from domain.models import Payment, SigninLockout
from domain.security import id_number_index
from extensions import db
from tests.browser.a11y import (
    BLOCKING,
    SUMMARY_JSON,
    SUMMARY_MD,
    Audit,
    axe_source,
    focused,
    run_axe,
    tab_to,
    write_summary,
)
from tests.browser.conftest import ARTIFACTS, PHONE, read_code
from tests.change_factories import make_change_request as make_own_request
from tests.change_factories import make_sim_account
from tests.factories import make_beneficiary, make_commune, make_person
from tests.payment_factories import make_payment
from tests.review_factories import (
    STAFF_PASSWORD,
    STAFF_SECRET,
    make_admin,
    make_change_request,
    make_officer,
    make_supervisor,
    make_support,
)

AUDIT = Audit()  # every page of this session's runs, both languages
LOCALES = {"vi": "vi-VN", "en": "en-GB"}


class Screen:
    """A phone (390×844) whose pages may be audited; axe needs the CSP bypassed to inject."""

    def __init__(self, browser, live_url, language: str, label: str):
        self.context = browser.new_context(
            viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
            locale=LOCALES[language], base_url=live_url, bypass_csp=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.language = language
        self.folder = ARTIFACTS / "test_accessibility" / f"zoom-200-{language}" / label
        shutil.rmtree(self.folder, ignore_errors=True)  # this run's screenshots only

    def check(self, name: str) -> None:
        AUDIT.check(self.page, name, self.language, zoom_folder=self.folder)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def screens(browser, live_url):
    axe_source()  # skip (or fail under REQUIRE_BROWSER=1) before any data is built
    made: list[Screen] = []

    def make(language: str, label: str) -> Screen:
        screen = Screen(browser, live_url, language, label)
        made.append(screen)
        return screen

    yield make
    for screen in made:
        screen.close()


def submit(page, path: str | None = None) -> None:
    """Press the main button of the page's form posting to `path` (default: this page)."""
    path = path or urlsplit(page.url).path
    page.locator(f'main form[method="post"][action="{path}"] button[type="submit"]').first.click()
    page.wait_for_load_state("load")


def sign_in(screen: Screen, person, *, check: bool = False) -> None:
    page = screen.page
    page.goto(f"/signin?lang={screen.language}")
    page.fill("#id_number", person.id_number)
    submit(page, "/signin")
    page.wait_for_url("**/signin/code")
    if check:
        screen.check("signin-code")
        page.fill("#code", "12")
        submit(page, "/signin/code")
        screen.check("signin-code-error")
        inbox = page.context.new_page()
        inbox.goto(f"/sim/phone?phone={person.phone}")
        AUDIT.check(inbox, "sim-phone", screen.language, zoom_folder=screen.folder)
        inbox.close()
    page.fill("#code", read_code(page, person.phone))
    submit(page, "/signin/code")
    page.wait_for_url("**/account/")


def staff_sign_in(screen: Screen, staff, *, check: bool = False) -> None:
    page = screen.page
    page.goto(f"/staff/signin?lang={screen.language}")
    if check:
        screen.check("staff-signin")
        page.fill("#username", staff.username)
        page.fill("#password", "not the password")
        submit(page, "/staff/signin")
        screen.check("staff-signin-error")
    page.fill("#username", staff.username)
    page.fill("#password", STAFF_PASSWORD)
    submit(page, "/staff/signin")
    page.wait_for_url("**/staff/signin/code")
    if check:
        screen.check("staff-totp")
    page.fill("#code", pyotp.TOTP(STAFF_SECRET).now())
    submit(page, "/staff/signin/code")


def _citizen_pages(screens, language: str) -> None:
    """Signed out, the sign-in journey, the change journey, VietQR, lock, family help."""
    lan = make_beneficiary(full_name="Nguyễn Thị Lan", phone="0912345678")
    helper = make_person(full_name="Trần Thị Mai", phone="0987654321")
    paused = make_person(full_name="Lê Văn Tư")
    db.session.add(SigninLockout(subject_index=id_number_index(paused.id_number),
                                 locked_until=datetime.now(UTC) + timedelta(minutes=15)))
    db.session.commit()
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN THI LAN")

    screen = screens(language, "beneficiary")
    page = screen.page
    page.goto(f"/?lang={language}")
    screen.check("start")
    page.goto("/signin")
    screen.check("signin")
    page.fill("#id_number", "12345")
    submit(page, "/signin")
    screen.check("signin-error")
    page.fill("#id_number", paused.id_number)
    submit(page, "/signin")
    assert page.locator("main h1").count() == 1
    screen.check("signin-locked")
    response = page.goto("/no-such-page")
    assert response.status == 404
    screen.check("not-found-404")
    sign_in(screen, lan.person, check=True)
    screen.check("home-cash")

    # The change journey: a bank account, with a search and a wrong number on the way.
    page.goto("/account/change")
    screen.check("change-start")
    page.goto("/account/change/kind")
    screen.check("change-kind")
    submit(page)
    screen.check("change-kind-error")
    page.check('input[name="kind"][value="bank"]')
    submit(page)
    page.wait_for_url("**/account/change/bank")
    screen.check("change-bank-list")
    submit(page)
    screen.check("change-bank-error")
    page.fill("#q", "ngoai thuong")
    page.locator('form[role="search"] button[type="submit"]').click()
    page.wait_for_url("**/account/change/bank?q=*")
    screen.check("change-bank-search")
    page.check('input[name="provider"][value="970436"]')
    submit(page, "/account/change/bank")
    page.wait_for_url("**/account/change/account-number")
    screen.check("change-account-number")
    page.fill("#number", "123")
    submit(page)
    screen.check("change-account-number-error")
    page.fill("#number", "0071000123456")
    submit(page)
    page.wait_for_url("**/account/change/check")
    screen.check("change-check")
    submit(page)
    page.wait_for_url("**/account/change/confirm")
    screen.check("change-confirm")
    page.fill("#code", "12")
    submit(page, "/account/change/confirm")
    screen.check("change-confirm-error")
    page.fill("#code", read_code(page, lan.person.phone))
    submit(page, "/account/change/confirm")
    page.wait_for_url(re.compile(r".*/account/requests/\d+/sent$"))
    screen.check("change-sent")
    request_path = urlsplit(page.url).path.removesuffix("/sent")
    page.goto("/account/")
    screen.check("home-with-request")
    page.goto(request_path)
    screen.check("request")
    page.goto(f"{request_path}/cancel")
    screen.check("request-cancel")
    submit(page)
    page.wait_for_url("**/account/")
    screen.check("home-request-cancelled")

    # Mobile money: the provider and phone-number steps; then a pasted VietQR code.
    page.goto("/account/change/kind")
    page.check('input[name="kind"][value="mobile_money"]')
    submit(page)
    page.wait_for_url("**/account/change/provider")
    screen.check("change-provider")
    page.check('input[name="provider"][value="vnptmoney"]')
    submit(page)
    page.wait_for_url("**/account/change/phone-number")
    screen.check("change-phone-number")
    page.fill("#number", "0987 654 321")
    submit(page)
    screen.check("change-phone-number-error")
    page.goto("/account/change/vietqr")
    screen.check("change-vietqr")
    page.fill("#code", "000201010211hello")
    submit(page)
    screen.check("change-vietqr-error")

    # Family help: invite by ID number, then by QR code; the helper opens the QR link.
    page.goto("/family/")
    screen.check("family")
    page.goto("/family/invite")
    screen.check("family-invite")
    submit(page)
    screen.check("family-invite-error")
    page.fill("#helper_id_number", helper.id_number)
    page.check('input[name="scope"][value="view_and_request"]')
    submit(page)
    page.wait_for_url("**/family/invite/check")
    screen.check("family-invite-check")
    submit(page)
    page.wait_for_url("**/family/invite/code")
    screen.check("family-invite-code")
    page.fill("#code", read_code(page, lan.person.phone))
    submit(page)
    page.wait_for_url("**/family/")
    screen.check("family-invited")
    page.goto("/family/invite/qr")
    screen.check("family-invite-qr")
    page.check('input[name="scope"][value="view"]')
    submit(page)
    page.wait_for_url("**/family/invite/check")
    submit(page)
    page.wait_for_url("**/family/invite/code")
    page.fill("#code", read_code(page, lan.person.phone))
    submit(page)
    page.wait_for_url("**/family/invite/qr/show")
    screen.check("family-invite-qr-show")
    join_url = page.locator("[data-join-url]").inner_text().strip()

    helping = screens(language, "helper")
    sign_in(helping, helper)
    helping.page.goto(join_url)
    helping.check("family-join")
    helping.page.goto("/family/")
    helping.check("family-helper-invitations")

    # The lock on online changes, and the journey refusing while it is on.
    page.goto("/account/lock")
    screen.check("lock")
    submit(page)
    page.wait_for_url("**/account/lock/code")
    screen.check("lock-code")
    page.fill("#code", read_code(page, lan.person.phone))
    submit(page)
    page.wait_for_url("**/account/lock")
    screen.check("lock-on")
    page.goto("/account/change")
    screen.check("change-refused-locked")


def _paid_pages(screens, language: str) -> None:
    """A bank account, a year of payments with a failed one, an open request."""
    an = make_beneficiary(full_name="Nguyễn Văn An", account=("bank", "970405", "1506205123456"))
    for month in range(1, 13):
        make_payment(beneficiary=an, period=f"2026-{month:02d}", commit=False,
                     status="failed" if month == 4 else "paid",
                     failure_reason="Tài khoản bị khóa tạm thời" if month == 4 else None)
    db.session.commit()
    make_own_request(beneficiary=an, provider_code="970436", number="0071000123456")
    failed = db.session.scalar(select(Payment).where(Payment.beneficiary_id == an.id,
                                                     Payment.status == "failed"))

    screen = screens(language, "paid")
    page = screen.page
    sign_in(screen, an.person)
    screen.check("home-bank-request-failed-payment")
    page.goto("/account/vietqr")
    screen.check("vietqr")
    page.goto("/account/payments/")
    screen.check("payments-history")
    links = page.locator("main a[href*='/account/payments/']")
    hrefs = [h for h in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
             if re.search(r"/account/payments/\d+$", h or "")]
    assert hrefs
    targets = [hrefs[0]]
    targets.append(f"/account/payments/{failed.id}")
    for number, href in enumerate(targets):
        page.goto(href)
        screen.check(f"payment-detail-{number + 1}")
    page.goto(f"{targets[0]}/receipt")
    screen.check("payment-receipt")


def _staff_pages(screens, language: str, app) -> None:
    commune = make_commune()
    beneficiary = make_beneficiary(full_name="Phạm Thị Hoa", commune=commune,
                                   account=("bank", "970405", "1506205654321"))
    request = make_change_request(beneficiary=beneficiary, provider_code="970436",
                                  number="0071000654321", holder_name="PHAM THI HOA")
    officer = make_officer(commune=commune, display_name="Đỗ Thị Hạnh")
    screen = screens(language, "officer")
    page = screen.page
    staff_sign_in(screen, officer, check=True)
    page.goto("/staff/review/")
    screen.check("review-queue")
    page.goto(f"/staff/review/{request.id}")
    screen.check("review-request")
    submit(page, f"/staff/review/{request.id}/claim")
    screen.check("review-request-claimed")
    page.goto(f"/staff/review/{request.id}/approve")
    screen.check("review-approve")
    page.goto(f"/staff/review/{request.id}/reject")
    screen.check("review-reject")
    page.goto("/staff/review/audit")
    screen.check("review-audit-search")

    supervisor = make_supervisor(display_name="Võ Văn Kiệt")
    desk = screens(language, "supervisor")
    staff_sign_in(desk, supervisor)
    desk.page.goto("/staff/review/dashboard")
    desk.check("review-dashboard")

    admin = make_admin(display_name="Bùi Thị Xuân")
    office = screens(language, "admin")
    staff_sign_in(office, admin)
    office.page.goto("/staff/")
    office.check("staff-home")
    office.page.goto("/staff/admin/")
    office.check("admin-staff-list")
    office.page.goto(f"/staff/admin/{officer.id}")
    office.check("admin-staff-detail")
    office.page.goto("/staff/admin/new")
    office.check("admin-new-staff")

    # The support desk, when it exists: the search, then every page about one beneficiary.
    support_rules = [
        rule for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("support.") and "GET" in rule.methods
        and rule.arguments <= {"beneficiary_id"}
        and not rule.rule.endswith((".csv", ".json", ".svg"))]
    if "support.search" in app.view_functions:
        helpdesk = screens(language, "support")
        staff_sign_in(helpdesk, make_support(display_name="Đặng Văn Lâm"))
        desk_page = helpdesk.page
        desk_page.goto("/staff/support/")
        helpdesk.check("support-search")
        desk_page.fill("#query", beneficiary.person.id_number)
        submit(desk_page, "/staff/support/")
        desk_page.wait_for_url(f"**/staff/support/{beneficiary.id}")
        for rule in sorted(support_rules, key=lambda rule: rule.rule):
            if not rule.arguments:
                continue
            path = rule.rule.replace("<int:beneficiary_id>", str(beneficiary.id))
            response = desk_page.goto(path)
            assert response.status < 500, path
            if urlsplit(desk_page.url).path != path:
                continue  # a step that needs an earlier one sends you back: checked there
            helpdesk.check(rule.endpoint.replace(".", "-").replace("_", "-"))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_has_no_serious_or_critical_violations(screens, app, language):
    _citizen_pages(screens, language)
    _paid_pages(screens, language)
    _staff_pages(screens, language, app)

    pages = [p for p in AUDIT.pages if p["language"] == language]
    assert len(pages) >= 60
    assert all(p["title"] for p in pages)
    summary = write_summary(AUDIT)
    assert summary["pages_per_language"][language] == len(pages)
    assert SUMMARY_MD.exists()
    mine = [line for line in AUDIT.blocking() if line.startswith(f"[{language}]")]
    assert not mine, "\n".join(mine)
    sideways = [line for line in AUDIT.overflowing() if line.startswith(f"[{language}]")]
    assert not sideways, "pages scrolling sideways at 200 % text:\n" + "\n".join(sideways)


def test_the_summary_records_both_languages_and_no_blocking_violations():
    if {p["language"] for p in AUDIT.pages} != {"vi", "en"}:
        pytest.skip("run together with the per-language audits")
    summary = json.loads(SUMMARY_JSON.read_text(encoding="utf-8"))
    assert summary["languages"] == ["en", "vi"]
    assert summary["pages_checked"] == len(AUDIT.pages)
    assert sum(summary["violations_by_impact"][impact] for impact in BLOCKING) == 0
    assert summary["blocking_violations"] == 0
    assert summary["pages_scrolling_sideways_at_200_percent"] == 0
    assert "Serious or critical: 0" in SUMMARY_MD.read_text(encoding="utf-8")


def test_the_audit_finds_what_a_person_would_trip_on(screens):
    """The check can fail: a nameless button, an image without text and pale text are found."""
    screen = screens("vi", "known-faults")
    page = screen.page
    page.goto("/signin?lang=vi")
    page.evaluate("""() => {
      const main = document.querySelector("main");
      main.insertAdjacentHTML("beforeend",
        '<button type="button"></button><img src="/static/icons/logo.svg">'
        + '<p style="color:#ccc;background:#fff">Chữ quá nhạt</p>');
    }""")
    found = {v["id"]: v["impact"] for v in run_axe(page)}
    assert found.get("button-name") == "critical"
    assert found.get("image-alt") == "critical"
    assert found.get("color-contrast") == "serious"


def _is(name: str | None = None, *, text: str | None = None, tag: str | None = None):
    def matches(here: dict) -> bool:
        return ((name is None or here["name"] == name)
                and (text is None or here["text"] == text)
                and (tag is None or here["tag"] == tag))
    return matches


def reach(page, matches, log: list) -> None:
    """An autofocused box already has the focus; otherwise Tab to it."""
    here = focused(page)
    if here is None or not matches(here):
        tab_to(page, matches, log=log)


def test_sign_in_and_change_journeys_with_the_keyboard_only(phone_factory):
    """Tab, Shift+Tab, Space and Enter only: every control is reached in reading order and
    shows where the focus is; no mouse, no tap."""
    lan = make_beneficiary(full_name="Nguyễn Thị Lan", phone="0912345678").person
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN THI LAN")
    phone = phone_factory("keyboard")
    page = phone.page
    keys = page.keyboard
    log: list[dict] = []

    page.goto("/signin?lang=vi")
    reach(page, _is("id_number"), log)  # the box has autofocus; else Tab gets there
    keys.type(lan.id_number)
    tab_to(page, _is(text="Gửi mã cho tôi"), log=log)
    keys.press("Shift+Tab")
    assert focused(page)["name"] == "id_number"  # Shift+Tab goes back to the box
    keys.press("Tab")
    phone.shot("keyboard-signin")
    keys.press("Enter")
    page.wait_for_url("**/signin/code")
    reach(page, _is("code"), log)
    keys.type(read_code(page, lan.phone))
    phone.shot("keyboard-code")
    keys.press("Enter")
    page.wait_for_url("**/account/")

    first = tab_to(page, lambda here: True, log=log)
    assert first["text"] == "Bỏ qua, đến nội dung chính"  # the skip link comes first
    tab_to(page, _is(text="Thay đổi nơi nhận trợ cấp", tag="a"), log=log)
    phone.shot("keyboard-home")
    keys.press("Enter")
    page.wait_for_url("**/account/change")
    tab_to(page, _is(text="Bắt đầu"), log=log)
    keys.press("Enter")
    page.wait_for_url("**/account/change/kind")
    here = tab_to(page, _is("kind"), log=log)
    assert here["value"] == "bank"
    keys.press("Space")
    assert page.locator('input[name="kind"][value="bank"]').is_checked()
    tab_to(page, _is(text="Tiếp tục"), log=log)
    phone.shot("keyboard-kind")
    keys.press("Enter")
    page.wait_for_url("**/account/change/bank")
    tab_to(page, _is("q"), log=log)
    keys.type("ngoai thuong")
    keys.press("Enter")
    page.wait_for_url("**/account/change/bank?q=*")
    here = tab_to(page, _is("provider"), log=log)
    assert here["value"] == "970436"
    keys.press("Space")
    tab_to(page, _is(text="Tiếp tục"), log=log)
    phone.shot("keyboard-bank")
    keys.press("Enter")
    page.wait_for_url("**/account/change/account-number")
    reach(page, _is("number"), log)
    keys.type("123")
    keys.press("Enter")
    page.locator(".error-summary").wait_for()
    page.wait_for_function("document.activeElement.matches('.error-summary')")  # announced
    tab_to(page, lambda here: here["tag"] == "a" and "chữ số" in here["text"], log=log)
    keys.press("Enter")  # the error's link takes you to the box
    assert focused(page)["name"] == "number"
    keys.press("End")  # editing the box: End and Backspace, as on a phone keyboard
    for _ in range(len("123")):
        keys.press("Backspace")
    keys.type("0071000123456")
    phone.shot("keyboard-number")
    keys.press("Enter")
    page.wait_for_url("**/account/change/check")
    tab_to(page, _is(text="Gửi mã xác nhận cho tôi"), log=log)
    phone.shot("keyboard-check")
    keys.press("Enter")
    page.wait_for_url("**/account/change/confirm")
    reach(page, _is("code"), log)
    keys.type(read_code(page, lan.phone))
    keys.press("Enter")
    page.wait_for_url(re.compile(r".*/account/requests/\d+/sent$"))
    assert page.locator("main h1").inner_text() == "Đã gửi yêu cầu"
    phone.shot("keyboard-sent")
    assert len(log) >= 15
