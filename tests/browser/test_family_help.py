"""Two phones: a daughter helps her mother link a bank account; the mother stays in control."""

from __future__ import annotations

import re

from tests.browser.conftest import read_code
from tests.browser.test_change_journey import _sign_in
from tests.change_factories import make_sim_account
from tests.factories import make_beneficiary, make_person


def test_a_daughter_helps_her_mother_link_a_bank_account(phone_factory):
    mother = make_beneficiary(full_name="Nguyễn Thị Lan", phone="0912345678").person
    daughter = make_person(full_name="Trần Thị Mai", phone="0987654321")
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN THI LAN")
    mum = phone_factory("mother")
    girl = phone_factory("daughter")

    # The mother invites her daughter, confirming with a code on her own phone.
    _sign_in(mum, mother)
    page = mum.page
    page.get_by_role("link", name="Người giúp của bạn").click()
    page.wait_for_url("**/family/")
    mum.shot("family")
    page.get_by_role("link", name="Mời người giúp bằng số định danh").click()
    page.get_by_label("Số định danh cá nhân của người giúp").fill(daughter.id_number)
    page.get_by_label("Xem các khoản chi trả và yêu cầu đổi tài khoản giúp tôi").check()
    mum.shot("invite")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/family/invite/check")
    mum.shot("invite-check")
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_url("**/family/invite/code")
    page.get_by_label("Mã trong tin nhắn SMS").fill(read_code(page, mother.phone))
    page.get_by_role("button", name="Xác nhận lời mời").click()
    page.wait_for_url("**/family/")
    mum.shot("invited")

    # The daughter signs in with her own ID number, accepts, and acts for her mother.
    _sign_in(girl, daughter)
    page = girl.page
    girl.shot("daughter-home")
    page.get_by_role("link", name="Những người bạn đang giúp").click()
    page.wait_for_url("**/family/")
    girl.shot("invitation")
    page.get_by_role("button", name="Chấp nhận").click()
    page.get_by_role("button", name="Giúp Nguyễn Thị Lan").click()
    page.wait_for_url("**/account/")
    assert "Bạn đang giúp Nguyễn Thị Lan" in page.locator(".helper-banner").inner_text()
    girl.shot("helping-home")

    page.get_by_role("link", name="Thay đổi nơi nhận trợ cấp").first.click()
    page.get_by_role("link", name="Bắt đầu").click()
    page.get_by_label("Tài khoản ngân hàng").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Vietcombank").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Số tài khoản").fill("0071000123456")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**/account/change/check")
    girl.shot("helper-check")
    page.get_by_role("button", name="Gửi mã xác nhận cho tôi").click()
    page.wait_for_url("**/account/change/confirm")
    girl.shot("helper-confirm")

    # The code arrives on the MOTHER's phone: she reads it out to her daughter.
    code = read_code(mum.page, mother.phone)
    page.get_by_label("Mã trong tin nhắn SMS").fill(code)
    page.get_by_role("button", name="Xác nhận và gửi yêu cầu").click()
    page.wait_for_url(re.compile(r".*/account/requests/\d+/sent$"))
    girl.shot("helper-sent")

    # The mother sees the request on her own home page, and who helps her.
    mum.page.goto("/account/")
    assert mum.page.locator("[data-request]").count() == 1
    mum.shot("mother-home-request")
    mum.page.goto("/family/")
    assert "Đã yêu cầu đổi nơi nhận trợ cấp" in mum.page.content()
    mum.shot("mother-helpers")
