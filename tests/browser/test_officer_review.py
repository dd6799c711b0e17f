"""An officer signs in with an authenticator code, claims a beneficiary's request and approves
it, on a phone and on a desktop screen; the beneficiary then sees the new account coming."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select

from domain import cycles
from domain.models import ChangeRequest, Notification
from extensions import db
from tests.browser.conftest import ARTIFACTS, Phone, read_code
from tests.factories import make_beneficiary, make_commune
from tests.review_factories import (
    STAFF_PASSWORD,
    STAFF_SECRET,
    failing_name_check,
    make_admin,
    make_change_request,
    make_officer,
    make_supervisor,
)

DESKTOP = {"width": 1280, "height": 800}


class Desk(Phone):
    """A desktop browser window at the commune office (same camera roll as a Phone)."""

    def __init__(self, browser, base_url: str, folder, locale: str = "vi-VN"):
        self.context = browser.new_context(viewport=DESKTOP, locale=locale, base_url=base_url)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.folder = folder
        self.shots = 0


@pytest.fixture(params=["phone", "desktop"])
def screen(request, browser, live_url):
    folder = ARTIFACTS / "test_officer_review" / request.node.name.replace("[", "_").strip("]")
    kind = Phone if request.param == "phone" else Desk
    device = kind(browser, live_url, folder / "officer")
    yield device
    device.close()


def _staff_sign_in(screen, staff, landing: str = "**/staff/review/") -> None:
    page = screen.page
    page.goto("/staff/signin?lang=vi")
    screen.shot("staff-signin")
    page.get_by_label("Tên đăng nhập").fill(staff.username)
    page.get_by_label("Mật khẩu").fill("not the password")
    page.get_by_role("button", name="Tiếp tục").click()
    assert page.locator(".error-summary").get_by_text("Tên đăng nhập hoặc mật khẩu").is_visible()
    screen.shot("staff-signin-error")
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/staff/signin/code")
    code_box = page.get_by_label("Mã trong ứng dụng xác thực")
    assert code_box.get_attribute("autocomplete") == "one-time-code"
    screen.shot("authenticator-code")
    code_box.fill(pyotp.TOTP(STAFF_SECRET).now())
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url(landing)


def test_an_officer_claims_and_approves_a_request(screen, browser, live_url):
    commune = make_commune()
    beneficiary = make_beneficiary(full_name="Nguyễn Thị Lan", commune=commune,
                                   account=("bank", "970405", "1506205123456"))
    request = make_change_request(beneficiary=beneficiary, provider_code="970436",
                                  number="0071000654321", holder_name="NGUYEN THI LAN")
    officer = make_officer(commune=commune, display_name="Đỗ Thị Hạnh")

    _staff_sign_in(screen, officer)
    page = screen.page
    assert page.get_by_role("heading", level=1).inner_text() == "Danh sách chờ duyệt"
    row = page.locator(f'tr[data-request="{request.reference}"]')
    assert "Nguyễn Thị Lan" in row.inner_text()
    assert "•••• 4321" in row.inner_text()
    screen.shot("queue")

    row.get_by_role("link", name=request.reference).click()
    page.wait_for_url(f"**/staff/review/{request.id}")
    assert "0071000654321" not in page.content()
    screen.shot("review")
    page.get_by_role("button", name="Nhận xử lý yêu cầu này").click()
    page.wait_for_url(f"**/staff/review/{request.id}")
    assert page.get_by_text("Bạn đang xử lý yêu cầu").first.is_visible()
    screen.shot("claimed")

    page.get_by_role("link", name="Duyệt", exact=True).click()
    page.wait_for_url(f"**/staff/review/{request.id}/approve")
    effective = cycles.next_cutoff(cycles.today())
    assert effective.strftime("%d/%m/%Y") in page.locator("main").inner_text()
    screen.shot("approve")
    page.get_by_role("button", name="Duyệt thay đổi").click()
    page.wait_for_url("**/staff/review/")
    assert page.get_by_text(f"Đã duyệt yêu cầu {request.reference}").is_visible()
    screen.shot("approved")

    db.session.expire_all()
    request = db.session.get(ChangeRequest, request.id)
    assert (request.status, request.decided_by_staff_id) == ("approved", officer.id)
    assert request.effective_from == effective
    sms = db.session.scalar(select(Notification).where(Notification.kind == "change_approved"))
    assert sms.phone == beneficiary.person.phone

    # The beneficiary, on their own phone, sees the new account and from when.
    person = beneficiary.person
    own_phone = Phone(browser, live_url, screen.folder.parent / "beneficiary")
    try:
        mine = own_phone.page
        mine.goto("/signin?lang=vi")
        mine.get_by_label("Số định danh cá nhân").fill(person.id_number)
        mine.get_by_role("button", name="Gửi mã cho tôi").click()
        mine.wait_for_url("**/signin/code")
        mine.get_by_label("Mã trong tin nhắn SMS").fill(read_code(mine, person.phone))
        mine.get_by_role("button", name="Đăng nhập", exact=True).click()
        mine.wait_for_url("**/account/")
        upcoming = mine.locator("[data-upcoming]")
        if upcoming.count():
            assert "Vietcombank" in upcoming.inner_text()
            assert effective.strftime("%d/%m/%Y") in upcoming.inner_text()
        own_phone.shot("home")
        inbox = mine.context.new_page()
        inbox.goto(f"/sim/phone?phone={person.phone}")
        texts = inbox.locator("[data-sms-text]").all_inner_texts()
        assert any(request.reference in text and "duoc duyet" in text for text in texts)
        own_phone.page = inbox
        own_phone.shot("sms")
    finally:
        own_phone.close()


def test_a_new_supervisor_enrols_the_authenticator_and_gives_the_second_approval(browser,
                                                                                live_url):
    commune = make_commune()
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An", commune=commune,
                                   account=("bank", "970405", "1506205123456"))
    request = make_change_request(
        beneficiary=beneficiary, holder_name="TRAN VAN B", high_risk=True,
        checks=[failing_name_check(beneficiary, "TRAN VAN B")],
    )
    request.first_approved_by_staff_id = make_officer(commune=commune).id
    request.first_approved_at = datetime.now(UTC)
    request.status = "in_review"
    db.session.commit()
    supervisor = make_supervisor(display_name="Phan Minh Tuấn", totp_secret=None)
    desk = Desk(browser, live_url, ARTIFACTS / "test_officer_review" / "supervisor")
    try:
        page = desk.page
        page.goto("/staff/signin?lang=vi")
        page.get_by_label("Tên đăng nhập").fill(supervisor.username)
        page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Tiếp tục").click()
        page.wait_for_url("**/staff/signin/enrol")
        qr = page.locator("img.qr")
        assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
        page.get_by_text("Tôi không quét được mã QR").click()
        secret = page.locator("[data-secret]").inner_text().replace(" ", "")
        desk.shot("enrol")
        page.get_by_label("Mã trong ứng dụng xác thực").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Hoàn tất và đăng nhập").click()
        page.wait_for_url("**/staff/review/")
        page.goto("/staff/review/dashboard")
        desk.shot("dashboard")
        page.goto(f"/staff/review/{request.id}")
        assert page.locator('li[data-check="holder_name"][data-result="fail"]').is_visible()
        desk.shot("high-risk-review")
        page.get_by_role("button", name="Nhận xử lý yêu cầu này").click()
        page.get_by_role("link", name="Duyệt", exact=True).click()
        page.get_by_role("button", name="Duyệt thay đổi").click()
        page.wait_for_url("**/staff/review/")
        desk.shot("second-approval-done")
    finally:
        desk.close()
    db.session.expire_all()
    assert db.session.get(ChangeRequest, request.id).status == "approved"


def test_an_officer_rejects_a_request_on_a_phone_and_looks_up_the_log(phone):
    commune = make_commune()
    beneficiary = make_beneficiary(full_name="Lê Văn Hùng", commune=commune,
                                   account=("bank", "970405", "1506205123456"))
    request = make_change_request(beneficiary=beneficiary, number="0071000654321",
                                  holder_name="TRAN VAN KHAC")
    officer = make_officer(commune=commune, display_name="Đỗ Thị Hạnh")
    _staff_sign_in(phone, officer)
    page = phone.page
    page.goto(f"/staff/review/{request.id}")
    page.get_by_role("button", name="Nhận xử lý yêu cầu này").click()
    page.get_by_role("link", name="Từ chối", exact=True).click()
    page.wait_for_url(f"**/staff/review/{request.id}/reject")
    page.get_by_role("button", name="Từ chối yêu cầu").click()
    assert page.locator(".error-summary").get_by_text("Chọn lý do từ chối yêu cầu").is_visible()
    phone.shot("reject-error")
    page.get_by_label("Chủ tài khoản không phải là người thụ hưởng").check()
    page.get_by_role("textbox", name="Ghi chú").fill("Ngân hàng báo chủ tài khoản là người khác")
    phone.shot("reject")
    page.get_by_role("button", name="Từ chối yêu cầu").click()
    page.wait_for_url("**/staff/review/")
    assert page.get_by_text(f"Đã từ chối yêu cầu {request.reference}").is_visible()

    page.get_by_role("link", name="Nhật ký thao tác").click()
    page.get_by_label("Số định danh cá nhân của người thụ hưởng").fill(
        beneficiary.person.id_number)
    page.get_by_role("button", name="Xem nhật ký").click()
    log = page.locator("main").inner_text()
    assert "Bị từ chối" in log and "Nhận xử lý" in log
    phone.shot("audit-log")
    db.session.expire_all()
    assert db.session.get(ChangeRequest, request.id).status == "rejected"


def test_an_admin_adds_a_staff_member_on_a_desktop(browser, live_url):
    make_commune()
    admin = make_admin(display_name="Quản trị viên")
    desk = Desk(browser, live_url, ARTIFACTS / "test_officer_review" / "admin")
    try:
        _staff_sign_in(desk, admin, landing="**/staff/admin/")
        page = desk.page
        page.get_by_role("link", name="Thêm cán bộ").click()
        page.get_by_label("Họ và tên").fill("Lê Thị Na")
        page.get_by_label("Tên đăng nhập").fill("officer.na")
        page.get_by_label("Cán bộ cấp xã").check()
        page.get_by_label("Nơi làm việc").select_option("08701")
        desk.shot("new-staff")
        page.get_by_role("button", name="Tạo tài khoản").click()
        link = page.locator("[data-setup-link]").inner_text()
        assert "/staff/setup/start?token=" in link
        desk.shot("setup-link")
    finally:
        desk.close()
