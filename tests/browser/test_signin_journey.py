"""A person signs in on a phone, reading the code from the simulated SMS inbox."""

from __future__ import annotations

import pytest

from tests.browser.conftest import read_code
from tests.factories import make_beneficiary


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        (
            "vi",
            {
                "id": "Số định danh cá nhân",
                "send": "Gửi mã cho tôi",
                "code": "Mã trong tin nhắn SMS",
                "signin": "Đăng nhập",
                "hello": "Xin chào, Nguyễn Thị Lan",
                "error": "Nhập số định danh cá nhân gồm 12 chữ số",
                "signout": "Đăng xuất",
            },
        ),
        (
            "en",
            {
                "id": "Personal ID number",
                "send": "Send me a code",
                "code": "Code from the SMS",
                "signin": "Sign in",
                "hello": "Hello, Nguyễn Thị Lan",
                "error": "Enter your personal ID number: 12 digits",
                "signout": "Sign out",
            },
        ),
    ],
)
def test_sign_in_on_a_phone(phone_factory, locale, texts):
    person = make_beneficiary(full_name="Nguyễn Thị Lan").person
    phone = phone_factory(locale, locale="vi-VN" if locale == "vi" else "en-GB")
    page = phone.page
    page.goto(f"/signin?lang={locale}")
    phone.shot("signin")

    page.get_by_label(texts["id"]).fill("12345")
    page.get_by_role("button", name=texts["send"]).click()
    assert page.locator(".error-summary").get_by_text(texts["error"]).is_visible()
    phone.shot("signin-error")

    page.get_by_label(texts["id"]).fill(person.id_number)
    page.get_by_role("button", name=texts["send"]).click()
    page.wait_for_url("**/signin/code")
    code_box = page.get_by_label(texts["code"])
    assert code_box.get_attribute("autocomplete") == "one-time-code"
    phone.shot("code")

    inbox = page.context.new_page()
    inbox.goto(f"/sim/phone?phone={person.phone}")
    phone.page = inbox
    phone.shot("sms-inbox")
    phone.page = page
    inbox.close()

    code_box.fill(read_code(page, person.phone))
    page.get_by_role("button", name=texts["signin"], exact=True).click()
    page.wait_for_url("**/account/")
    assert page.get_by_role("heading", level=1).inner_text() == texts["hello"]
    phone.shot("home")

    page.get_by_role("button", name=texts["signout"]).click()
    page.wait_for_url("**/signin")
    phone.shot("signed-out")
