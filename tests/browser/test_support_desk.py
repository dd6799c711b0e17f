"""A support agent, on a phone, hears "this was not me" from Bà Lan, records it with the code
from her SMS, and resets her payment link to cash; the officer can no longer approve the
request and Bà Lan's phone gets the notices."""

from __future__ import annotations

import pyotp
from sqlalchemy import select

from domain import addresses, cycles, notifications, resolve
from domain.models import ChangeRequest
from extensions import db
from tests.factories import make_beneficiary
from tests.review_factories import STAFF_PASSWORD, STAFF_SECRET, make_change_request, make_support

NOTE = "Bà Lan gọi tổng đài: không gửi yêu cầu đổi tài khoản, nghi bị lừa qua điện thoại"


def test_a_support_agent_resets_a_link_after_a_this_was_not_me_report(phone_factory):
    lan = make_beneficiary(full_name="Nguyễn Thị Lan", phone="0912345678",
                           account=("bank", "970405", "1506205123456"))
    request = make_change_request(beneficiary=lan, provider_code="970436",
                                  number="0071000654321", holder_name="TRAN VAN TAM",
                                  high_risk=True)
    report_code = notifications.new_report_code()
    notifications.enqueue(
        lan.person.phone,
        f"An Sinh Link: da nhan yeu cau {request.reference} doi tai khoan nhan tro cap sang "
        f"VCB ••••4321. Khong phai ban? Bao tong dai ma {report_code}. / We received request "
        f"{request.reference}. Not you? Tell the support desk code {report_code}.",
        kind="change_submitted", person_id=lan.person_id, change_request_id=request.id,
        report_code=report_code)
    db.session.commit()
    agent = make_support(display_name="Dương Quang Huy")

    desk = phone_factory("agent")
    page = desk.page
    page.goto("/staff/signin?lang=vi")
    page.get_by_label("Tên đăng nhập").fill(agent.username)
    page.get_by_label("Mật khẩu").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/staff/signin/code")
    page.get_by_label("Mã trong ứng dụng xác thực").fill(pyotp.TOTP(STAFF_SECRET).now())
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/staff/")
    desk.shot("staff-home")
    page.get_by_role("link", name="Mở bàn hỗ trợ").click()
    page.wait_for_url("**/staff/support/")

    # A name, or part of a number, finds nobody.
    box = page.get_by_label("Số định danh cá nhân hoặc số điện thoại đã đăng ký")
    box.fill("Nguyễn Thị Lan")
    page.get_by_role("button", name="Tìm", exact=True).click()
    assert page.locator(".error-summary").is_visible()
    desk.shot("search-by-name-refused")
    page.get_by_label("Số định danh cá nhân hoặc số điện thoại đã đăng ký").fill("0912 345 678")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url(f"**/staff/support/{lan.id}")
    assert page.get_by_role("heading", level=1).inner_text() == "Nguyễn Thị Lan"
    body = page.locator("main").inner_text()
    assert "1506205123456" not in body and lan.person.id_number not in body
    desk.shot("profile")

    page.get_by_role("link", name="Ghi nhận “không phải tôi”").click()
    page.get_by_label("Mã trong tin nhắn (nếu người báo có)").fill(report_code.lower())
    page.get_by_label("Nghi ngờ gian lận hoặc tài khoản bị chiếm đoạt").check()
    page.get_by_label("Ghi chú", exact=True).fill(NOTE)
    desk.shot("not-me-form")
    page.get_by_role("button", name="Ghi nhận báo cáo").click()
    page.wait_for_url(f"**/staff/support/{lan.id}")
    assert page.get_by_text("Đã ghi nhận báo cáo").is_visible()
    assert page.get_by_text("Tổng đài hỗ trợ đã tạm dừng").is_visible()
    desk.shot("report-recorded")

    page.get_by_role("link", name="Chuyển về nhận tiền mặt").click()
    page.get_by_role("button", name="Tạm dừng tài khoản và chi trả tiền mặt").click()
    assert page.locator(".error-summary").is_visible()
    desk.shot("reset-needs-a-reason")
    page.get_by_label("Nghi ngờ gian lận hoặc tài khoản bị chiếm đoạt").check()
    page.get_by_label("Ghi chú", exact=True).fill(NOTE)
    page.get_by_role("button", name="Tạm dừng tài khoản và chi trả tiền mặt").click()
    page.wait_for_url(f"**/staff/support/{lan.id}")
    assert page.get_by_text("Tài khoản đã bị tạm dừng").is_visible()
    assert "Tiền mặt tại UBND xã" in page.locator("main").inner_text()
    desk.shot("reset-to-cash-done")

    db.session.expire_all()
    today = cycles.today()
    assert addresses.effective_address(lan.id, today).kind == "cash"
    assert [line["fa"] for line in resolve.roster(cycles.period_of(today))] == [None]
    held = db.session.scalar(select(ChangeRequest).where(ChangeRequest.id == request.id))
    assert held.on_hold and held.status == "pending"

    # Bà Lan's phone has the notices.
    lan_phone = phone_factory("lan")
    lan_phone.page.goto("/sim/phone?phone=0912345678")
    inbox = lan_phone.page.locator("[data-sms-text]")
    assert "tam dung" in inbox.first.inner_text()
    lan_phone.shot("beneficiary-sms")
