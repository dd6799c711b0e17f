"""On a phone: link a bank account, mobile money, a pasted VietQR; cancel; lock online changes."""

from __future__ import annotations

import re

from domain.vietqr import static_payload
from tests.browser.conftest import read_code
from tests.change_factories import make_sim_account
from tests.factories import make_beneficiary


def _sign_in(phone, person) -> None:
    page = phone.page
    page.goto("/signin?lang=vi")
    page.get_by_label("Số định danh cá nhân").fill(person.id_number)
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_url("**/signin/code")
    page.get_by_label("Mã trong tin nhắn SMS").fill(read_code(page, person.phone))
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/account/")


def _continue(page) -> None:
    page.get_by_role("button", name="Tiếp tục").click()


def _confirm_with_code(phone, person) -> str:
    """From the review page: send the code, type it, land on the done page; its reference."""
    page = phone.page
    page.get_by_role("button", name="Gửi mã xác nhận cho tôi").click()
    page.wait_for_url("**/account/change/confirm")
    code_box = page.get_by_label("Mã trong tin nhắn SMS")
    assert code_box.get_attribute("autocomplete") == "one-time-code"
    phone.shot("code")
    code_box.fill(read_code(page, person.phone))
    page.get_by_role("button", name="Xác nhận và gửi yêu cầu").click()
    page.wait_for_url(re.compile(r".*/account/requests/\d+/sent$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Đã gửi yêu cầu"
    phone.shot("sent")
    return page.locator("[data-reference]").inner_text()


def test_link_a_bank_account_chosen_from_the_list(phone):
    person = make_beneficiary(full_name="Nguyễn Thị Lan").person
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN THI LAN")
    _sign_in(phone, person)
    page = phone.page
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Nguyễn Thị Lan"
    phone.shot("home-cash")

    page.get_by_role("link", name="Thay đổi nơi nhận trợ cấp").first.click()
    page.wait_for_url("**/account/change")
    phone.shot("start")
    page.get_by_role("link", name="Bắt đầu").click()
    page.get_by_label("Tài khoản ngân hàng").check()
    phone.shot("kind")
    _continue(page)
    page.wait_for_url("**/account/change/bank")
    page.get_by_label("Tìm ngân hàng của bạn").fill("ngoai thuong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url("**/account/change/bank?q=*")
    assert page.locator(".radio").count() == 1
    phone.shot("bank-search")
    page.get_by_label("Vietcombank").check()
    _continue(page)
    page.wait_for_url("**/account/change/account-number")
    page.get_by_label("Số tài khoản").fill("123")
    _continue(page)
    assert page.locator(".error-summary").get_by_text("10 đến 14 chữ số").is_visible()
    phone.shot("number-error")
    page.get_by_label("Số tài khoản").fill("0071 0001 23456")
    _continue(page)
    page.wait_for_url("**/account/change/check")
    assert "•••• 3456" in page.locator("[data-review]").inner_text()
    assert "NGUYEN THI LAN" in page.locator("[data-review-holder]").inner_text()
    assert page.locator("[data-holder-warning]").count() == 0
    phone.shot("check")
    reference = _confirm_with_code(phone, person)

    page.get_by_role("link", name="Quay lại trang trợ cấp của bạn").click()
    page.wait_for_url("**/account/")
    assert reference in page.locator("[data-request]").inner_text()
    phone.shot("home-with-request")


def test_link_mobile_money_after_a_wrong_carrier_number(phone):
    person = make_beneficiary(full_name="Phạm Thị Hoa", phone="0945333444").person
    make_sim_account(provider_code="vnptmoney", number="0945333444", holder_name="PHAM THI HOA")
    _sign_in(phone, person)
    page = phone.page
    page.goto("/account/change/kind")
    page.get_by_label("Mobile Money (Viettel Money").check()
    _continue(page)
    page.wait_for_url("**/account/change/provider")
    page.get_by_label("VNPT Money").check()
    phone.shot("provider")
    _continue(page)
    page.wait_for_url("**/account/change/phone-number")
    page.get_by_label("Số điện thoại của tài khoản").fill("0987 654 321")  # a Viettel number
    _continue(page)
    error = page.locator(".error-summary").inner_text()
    assert "VNPT Money" in error and "VinaPhone" in error
    phone.shot("wrong-carrier")
    page.get_by_label("Số điện thoại của tài khoản").fill("0945 333 444")
    _continue(page)
    page.wait_for_url("**/account/change/check")
    assert "VNPT Money" in page.locator("[data-review]").inner_text()
    assert page.locator("[data-holder-warning]").count() == 0
    phone.shot("check")
    _confirm_with_code(phone, person)


def test_paste_a_vietqr_code(phone):
    person = make_beneficiary(full_name="Nguyễn Văn An").person
    make_sim_account(provider_code="970415", number="104870123456", holder_name="NGUYEN VAN AN")
    _sign_in(phone, person)
    page = phone.page
    page.goto("/account/change/kind")
    page.get_by_role("link", name="Dán nội dung mã vào đây").click()
    page.wait_for_url("**/account/change/vietqr")
    box = page.get_by_label("Nội dung mã VietQR")
    box.fill("000201010211hello")
    _continue(page)
    assert page.locator(".error-summary").is_visible()
    phone.shot("vietqr-error")
    box = page.get_by_label("Nội dung mã VietQR")
    box.fill(static_payload("970415", "104870123456", purpose="chuyen tien"))
    phone.shot("vietqr")
    _continue(page)
    page.wait_for_url("**/account/change/check")
    review = page.locator("[data-review]").inner_text()
    assert "VietinBank" in review and "•••• 3456" in review
    phone.shot("check")
    _confirm_with_code(phone, person)


def test_cancel_a_request(phone):
    beneficiary = make_beneficiary(full_name="Lê Văn Hùng",
                                   account=("ewallet", "momo", "0977111222"))
    person = beneficiary.person
    _sign_in(phone, person)
    page = phone.page
    page.goto("/account/change/kind")
    page.get_by_label("Tài khoản ngân hàng").check()
    _continue(page)
    page.get_by_label("BIDV").check()
    _continue(page)
    page.get_by_label("Số tài khoản").fill("31410001234567")
    _continue(page)
    page.wait_for_url("**/account/change/check")
    assert page.locator("[data-holder-warning]").is_visible()  # a made-up holder name
    phone.shot("check-name-warning")
    reference = _confirm_with_code(phone, person)
    page.get_by_role("link", name="Xem yêu cầu").click()
    page.wait_for_url(re.compile(r".*/account/requests/\d+$"))
    phone.shot("request")
    page.get_by_role("link", name="Hủy yêu cầu").click()
    phone.shot("cancel")
    page.get_by_role("button", name="Có, hủy yêu cầu").click()
    page.wait_for_url("**/account/")
    assert reference in page.locator(".notice--success").inner_text()
    assert "Đã hủy" in page.locator("[data-request]").inner_text()
    phone.shot("cancelled")


def test_turn_the_lock_on_and_the_journey_refuses(phone):
    person = make_beneficiary(full_name="Hoàng Văn Nam").person
    _sign_in(phone, person)
    page = phone.page
    page.get_by_role("link", name="Khóa hoặc mở khóa thay đổi trực tuyến").click()
    page.wait_for_url("**/account/lock")
    phone.shot("lock")
    page.get_by_role("button", name="Gửi mã khóa cho tôi").click()
    page.wait_for_url("**/account/lock/code")
    page.get_by_label("Mã trong tin nhắn SMS").fill(read_code(page, person.phone))
    phone.shot("lock-code")
    page.get_by_role("button", name="Khóa thay đổi trực tuyến").click()
    page.wait_for_url("**/account/lock")
    assert page.locator("[data-lock-state=on]").is_visible()
    phone.shot("locked")

    page.goto("/account/change")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Hiện bạn không thể đổi tài khoản trực tuyến"
    )
    assert "UBND xã/phường" in page.locator("[data-refusal=locked]").inner_text()
    phone.shot("journey-refused")
    page.goto("/account/change/kind")
    page.wait_for_url("**/account/change")
    assert page.locator("[data-refusal=locked]").is_visible()


def test_see_the_qr_code_of_the_bank_account(phone):
    person = make_beneficiary(full_name="Nguyễn Văn An",
                              account=("bank", "970436", "0011001234567")).person
    _sign_in(phone, person)
    page = phone.page
    page.get_by_role("link", name="Xem mã QR của tài khoản này").click()
    page.wait_for_url("**/account/vietqr")
    image = page.locator("img.qr")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_text("Nội dung mã").click()
    assert page.locator("[data-payload]").inner_text() == static_payload(
        "970436", "0011001234567")
    phone.shot("vietqr")
