"""The beneficiary's home page: how the benefit is paid now, the request, payments, alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine

from domain import addresses, cycles
from domain.models import Payment
from extensions import db
from tests.change_factories import make_change_request
from tests.factories import make_beneficiary, make_person
from tests.pages import heading, page, sign_in, text


def _payment(beneficiary, period: str, status: str = "paid", amount: int = 500_000,
             masked: str = "•••• 3456", provider: str = "970405") -> Payment:
    paid_at = datetime(int(period[:4]), int(period[5:]), 10, 3, tzinfo=UTC)
    payment = Payment(
        beneficiary_id=beneficiary.id, period=period, programme="elderly_80", amount=amount,
        status=status, fa_kind="bank", fa_provider_code=provider, fa_masked=masked,
        partner_reference=f"T-{beneficiary.id}-{period}",
        paid_at=paid_at if status == "paid" else None,
        failure_reason="closed" if status == "failed" else None,
        created_at=paid_at, updated_at=paid_at,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def test_the_current_bank_account_is_shown_masked(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An",
                                   account=("bank", "970436", "0011001234567"))
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/"))
    assert heading(soup) == "Xin chào, Nguyễn Văn An"
    current = text(soup.select_one("[data-current-method]"))
    assert "Tài khoản ngân hàng" in current
    assert "Vietcombank" in current and "•••• 4567" in current
    assert "NGUYỄN VĂN AN" in current
    assert "01/01/2024" in current
    assert "0011001234567" not in str(soup)
    assert soup.find("a", href="/account/vietqr")
    assert soup.find("a", href="/account/change")


def test_cash_at_the_commune_office(client):
    beneficiary = make_beneficiary(full_name="Hoàng Văn Nam")
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/?lang=en"))
    assert heading(soup) == "Hello, Hoàng Văn Nam"
    assert "Cash at the commune office" in text(soup.select_one("[data-current-method]"))
    assert not soup.find("a", href="/account/vietqr")


def test_an_approved_change_shows_from_when(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An",
                                   account=("bank", "970436", "0011001234567"))
    request = make_change_request(beneficiary=beneficiary, kind="ewallet", provider_code="momo",
                                  number="0912000111", status="approved")
    effective = cycles.next_cutoff()
    addresses.switch_to(request.proposed_address, effective)
    request.effective_from = effective
    db.session.commit()
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/"))
    assert "Vietcombank" in text(soup.select_one("[data-current-method]"))
    upcoming = text(soup.select_one("[data-upcoming]"))
    assert effective.strftime("%d/%m/%Y") in upcoming and "MoMo" in upcoming
    assert "Đã duyệt" in text(soup.select_one("[data-request]"))
    assert "MoMo" in text(soup.select_one("[data-next-payment]"))


def test_the_open_request_as_a_timeline(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An")
    request = make_change_request(beneficiary=beneficiary)
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/"))
    block = soup.select_one("[data-request]")
    assert request.reference in text(block)
    steps = [li.find("strong").get_text() for li in block.select(".timeline li")]
    assert steps == ["Đã gửi", "Cán bộ đang kiểm tra", "Kết quả"]
    assert [li["class"] for li in block.select(".timeline li")] == [
        ["is-done"], ["is-todo"], ["is-todo"]]
    assert block.find("a", href=f"/account/requests/{request.id}/cancel")
    # While a request is open there is no button to start another.
    assert not soup.find("a", class_="button", href="/account/change")


def test_a_rejection_shows_its_reason(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An")
    request = make_change_request(beneficiary=beneficiary, status="rejected")
    request.reject_reason = "holder_name_mismatch"
    db.session.commit()
    sign_in(client, beneficiary.person)
    block = page(client.get("/account/")).select_one("[data-request]")
    assert "Bị từ chối" in text(block)
    assert "Tên chủ tài khoản không phải tên của bạn" in text(block)
    assert not block.find("a", href=f"/account/requests/{request.id}/cancel")


def test_an_old_decision_is_no_longer_shown(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An")
    make_change_request(beneficiary=beneficiary, status="rejected",
                        decided_at=datetime.now(UTC) - timedelta(days=45))
    sign_in(client, beneficiary.person)
    assert page(client.get("/account/")).select_one("[data-request]") is None


def test_an_overdue_request_expires_when_the_home_page_is_read(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An")
    with time_machine.travel(datetime.now(UTC) - timedelta(days=31)):
        request = make_change_request(beneficiary=beneficiary)
    sign_in(client, beneficiary.person)
    block = page(client.get("/account/")).select_one("[data-request]")
    assert "Hết hạn" in text(block)
    db.session.refresh(request)
    assert request.status == "expired"


def test_last_and_next_payment(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An", programme_code="elderly_poor",
                                   account=("bank", "970405", "1506205123456"))
    today = cycles.today()
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    _payment(beneficiary, f"{last_month.year:04d}-{last_month.month:02d}", amount=750_000)
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/"))
    last = text(soup.select_one("[data-last-payment]"))
    assert last_month.strftime("%m/%Y") in last
    assert "750.000 ₫" in last and "Đã trả" in last and "Agribank •••• 3456" in last
    upcoming = text(soup.select_one("[data-next-payment]"))
    assert today.strftime("%m/%Y") in upcoming
    assert "750.000 ₫" in upcoming
    assert soup.select_one("[data-alert=payment-problem]") is None


def test_a_failed_payment_asks_to_check_the_account(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An",
                                   account=("bank", "970405", "1506205123456"))
    today = cycles.today()
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    _payment(beneficiary, f"{last_month.year:04d}-{last_month.month:02d}", status="failed")
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/"))
    alert = soup.select_one("[data-alert=payment-problem]")
    assert alert["role"] == "alert"
    assert last_month.strftime("%m/%Y") in text(alert)
    assert alert.find("a", href="/account/change")
    assert "Chưa trả được" in text(soup.select_one("[data-last-payment]"))


def test_a_scheduled_payment_is_the_next_one(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An")
    _payment(beneficiary, "2031-05", status="scheduled", amount=1_000_000)
    sign_in(client, beneficiary.person)
    upcoming = text(page(client.get("/account/")).select_one("[data-next-payment]"))
    assert "05/2031" in upcoming and "1.000.000 ₫" in upcoming


def test_the_payment_history_link_only_when_the_page_exists(app, client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An")
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/"))
    link = soup.find("a", string="Xem tất cả các khoản chi trả")
    if "payments.history" in app.view_functions:
        assert link is not None
    else:
        assert link is None


def test_a_person_without_a_benefit(client):
    sign_in(client, make_person(full_name="Trần Thị Mai"))
    soup = page(client.get("/account/"))
    assert heading(soup) == "Xin chào, Trần Thị Mai"
    assert "không nhận trợ cấp" in text(soup)

