"""On a phone, a beneficiary reads their payment history, opens a receipt, filters by year."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from extensions import db
from tests.browser.conftest import read_code
from tests.factories import make_beneficiary
from tests.payment_factories import make_payment


def _sign_in(phone, person) -> None:
    page = phone.page
    page.goto("/signin?lang=vi")
    page.get_by_label("Số định danh cá nhân").fill(person.id_number)
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_url("**/signin/code")
    page.get_by_label("Mã trong tin nhắn SMS").fill(read_code(page, person.phone))
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/account/")


def test_a_beneficiary_reads_history_opens_a_receipt_and_filters_by_year(phone, live_url):
    lan = make_beneficiary(full_name="Nguyễn Thị Lan",
                           account=("bank", "970405", "1506205123456"))
    for index in range(26):  # 2024-11 … 2026-12
        year, month = 2024 + (index + 10) // 12, (index + 10) % 12 + 1
        period = f"{year}-{month:02d}"
        if period == "2026-04":
            make_payment(beneficiary=lan, period=period, status="failed", commit=False,
                         failure_reason="Tài khoản bị khóa tạm thời")
        else:
            make_payment(beneficiary=lan, period=period, commit=False,
                         paid_at=datetime(year, month, 10, 2, 30, tzinfo=UTC))
    db.session.commit()

    _sign_in(phone, lan.person)
    page = phone.page
    page.goto("/account/payments/")
    assert page.get_by_role("heading", level=1).inner_text() == "Các khoản chi trả của bạn"
    years = page.locator("section.payment-year h2").all_inner_texts()
    assert years == ["Năm 2026", "Năm 2025"]  # 24 newest on the first page
    assert "Đã nhận trong năm 2026: 5.500.000 ₫" in page.locator(
        ".payment-year__total").first.inner_text()
    phone.shot("history")

    page.get_by_role("link", name="04/2026").click()
    page.wait_for_url("**/account/payments/*")
    assert page.get_by_role("heading", name="Khoản chi trả này chưa đến được với bạn").is_visible()
    assert page.get_by_text("Tài khoản bị khóa tạm thời").is_visible()
    phone.shot("failed-payment")

    page.go_back()
    page.get_by_role("link", name="03/2026").click()
    page.get_by_role("link", name="Biên nhận để in hoặc lưu").click()
    page.wait_for_url("**/receipt")
    receipt = page.locator("article.receipt")
    assert "Nguyễn Thị Lan" in receipt.inner_text()
    assert "Tài khoản Agribank •••• 3456" in receipt.inner_text()
    phone.shot("receipt")
    page.emulate_media(media="print")
    assert not page.locator("header.header").is_visible()
    assert receipt.is_visible()
    phone.shot("receipt-print")
    page.emulate_media(media="screen")
    # "Save as PDF" on a computer with the same session: the receipt fits one A4 page.
    desktop = phone.context.browser.new_context(storage_state=phone.context.storage_state(),
                                                base_url=live_url, locale="vi-VN")
    sheet = desktop.new_page()
    sheet.goto(page.url)
    pdf = sheet.pdf(format="A4")
    desktop.close()
    (phone.folder / "receipt.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1

    page.goto("/account/payments/")
    page.get_by_role("link", name="Các khoản cũ hơn").click()
    assert page.locator("section.payment-year h2").all_inner_texts() == ["Năm 2024"]
    phone.shot("older-payments")

    page.goto("/account/payments/")
    page.get_by_text("Lọc các khoản chi trả").click()
    page.get_by_label("Năm", exact=True).select_option("2025")
    phone.shot("filter")
    page.get_by_role("button", name="Xem các khoản chi trả").click()
    page.wait_for_url("**/account/payments/?year=2025*")
    assert page.locator("section.payment-year h2").all_inner_texts() == ["Năm 2025"]
    assert page.locator("table.payment-table tbody tr").count() == 12
    phone.shot("filtered-2025")
