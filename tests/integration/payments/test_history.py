"""The beneficiary's payment pages: history by year, filters, pages, detail, receipt, CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.factories import make_beneficiary, make_person
from tests.pages import error_messages, heading, page, sign_in, text, title
from tests.payment_factories import make_payment

HISTORY = "/account/payments/"


@pytest.fixture
def lan(client):
    lan = make_beneficiary(full_name="Nguyễn Thị Lan", account=("bank", "970436", "0011001234567"))
    sign_in(client, lan.person)
    return lan


def _rows(soup):
    return [[cell.get_text(" ", strip=True) for cell in tr.find_all("td")]
            for tr in soup.select("table.payment-table tbody tr")]


def test_history_newest_first_grouped_by_year_with_totals(client, lan):
    for period in ("2024-11", "2024-12", "2025-01", "2025-02"):
        make_payment(beneficiary=lan, period=period)
    make_payment(beneficiary=lan, period="2025-03", status="failed",
                 failure_reason="Account closed")
    soup = page(client.get(HISTORY))
    assert heading(soup) == "Các khoản chi trả của bạn"
    years = [h.get_text(strip=True) for h in soup.select("section.payment-year h2")]
    assert years == ["Năm 2025", "Năm 2024"]
    totals = [p.get_text(" ", strip=True) for p in soup.select(".payment-year__total")]
    assert totals[0].startswith("Đã nhận trong năm 2025: 1.000.000 ₫")
    assert "Chưa trả được: 1" in totals[0]
    assert totals[1].startswith("Đã nhận trong năm 2024: 1.000.000 ₫")
    rows = _rows(soup)
    assert [r[0].split(" ")[0] for r in rows] == ["03/2025", "02/2025", "01/2025", "12/2024",
                                                  "11/2024"]
    assert rows[0][1:] == ["500.000 ₫", "Chưa trả được"]
    assert rows[1][1:] == ["500.000 ₫", "Đã trả"]
    notice = soup.select_one(".notice--warning")
    assert "Khoản chi trả tháng 03/2025 chưa đến được với bạn." in notice.get_text(" ", strip=True)
    assert notice.find("a")["href"].startswith("/account/payments/")
    assert soup.find("a", href="/account/payments/2025.csv")


def test_the_english_page(client, lan):
    make_payment(beneficiary=lan, period="2025-03", status="returned", failure_reason="Closed")
    soup = page(client.get(HISTORY + "?lang=en"))
    assert heading(soup) == "Your payments"
    assert _rows(soup)[0][1:] == ["500.000 ₫", "Returned"]
    assert "Received in 2025:" in text(soup)


def test_a_person_with_no_payments_yet_is_told_so(client, lan):
    soup = page(client.get(HISTORY))
    assert "Chưa có khoản chi trả nào" in text(soup)
    assert not soup.select("details.payment-filters")


def test_a_signed_in_person_who_is_not_a_beneficiary_gets_404(client):
    sign_in(client, make_person())
    page(client.get(HISTORY), status=404)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(HISTORY)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_older_payments_follow_a_keyset_link_that_keeps_the_filters(client, lan):
    payments = [make_payment(beneficiary=lan, period=f"{2021 + i // 12}-{i % 12 + 1:02d}",
                             commit=False) for i in range(50)]
    from extensions import db
    db.session.commit()
    soup = page(client.get(HISTORY))
    assert len(_rows(soup)) == 24
    older = soup.find("a", string=re.compile("Các khoản cũ hơn"))
    oldest_shown = payments[50 - 24]
    assert older["href"] == (f"/account/payments/?before_period={oldest_shown.period}"
                             f"&before_id={oldest_shown.id}")
    soup = page(client.get(older["href"]))
    assert _rows(soup)[0][0].startswith(payments[25].period[5:] + "/" + payments[25].period[:4])
    soup = page(client.get(soup.find("a", string=re.compile("Các khoản cũ hơn"))["href"]))
    assert len(_rows(soup)) == 2
    assert not soup.find("a", string=re.compile("Các khoản cũ hơn"))
    assert soup.find("a", string=re.compile("Các khoản mới nhất"))["href"] == HISTORY
    # With a filter, the link carries it.
    soup = page(client.get(HISTORY + "?status=paid"))
    href = soup.find("a", string=re.compile("Các khoản cũ hơn"))["href"]
    assert "status=paid" in href and "before_id=" in href


def test_filters_by_year_programme_and_status(client, lan):
    make_payment(beneficiary=lan, period="2024-12")
    make_payment(beneficiary=lan, period="2025-01")
    make_payment(beneficiary=lan, period="2025-02", status="returned", failure_reason="Closed")
    soup = page(client.get(HISTORY + "?year=2025"))
    assert [r[0].split(" ")[0] for r in _rows(soup)] == ["02/2025", "01/2025"]
    assert not soup.select_one("details.payment-filters").has_attr("open")
    assert soup.select_one(".payment-filters__shown").get_text(" ", strip=True).startswith(
        "Đang xem: 2025.")
    assert soup.find("select", id="year").find("option", selected=True)["value"] == "2025"
    soup = page(client.get(HISTORY + "?status=returned"))
    assert [r[0].split(" ")[0] for r in _rows(soup)] == ["02/2025"]
    soup = page(client.get(HISTORY + "?programme=elderly_80&year=2024&status="))
    assert [r[0].split(" ")[0] for r in _rows(soup)] == ["12/2024"]
    soup = page(client.get(HISTORY + "?year=2024&status=failed"))
    assert "Không có khoản chi trả nào khớp" in text(soup)


@pytest.mark.parametrize("query", ["?year=1999", "?year=abc", "?status=lost",
                                   "?programme=nope", "?before_period=2025-13&before_id=1",
                                   "?before_period=2025-01&before_id=-4",
                                   "?before_period=2025-01&before_id=99999999999"])
def test_bad_filter_values_get_a_clear_message_and_all_payments(client, lan, query):
    make_payment(beneficiary=lan, period="2025-01")
    soup = page(client.get(HISTORY + query))
    assert title(soup).startswith("Lỗi:")
    assert error_messages(soup)
    assert soup.select_one("details.payment-filters").has_attr("open")
    assert len(_rows(soup)) == 1


def test_the_detail_page_says_where_and_when(client, lan):
    payment = make_payment(beneficiary=lan, period="2025-03", partner_reference="VCB-777")
    soup = page(client.get(f"/account/payments/{payment.id}"))
    assert heading(soup) == "Khoản chi trả tháng 03/2025"
    body = text(soup)
    assert "500.000 ₫ đã được chuyển vào tài khoản Vietcombank •••• 4567 ngày 10/03/2025" in body
    assert "VCB-777" in body
    assert "0011001234567" not in body
    assert soup.find("a", href=f"/account/payments/{payment.id}/receipt")


@pytest.mark.parametrize("status", ["failed", "returned"])
def test_a_failed_or_returned_payment_explains_itself_and_links_to_the_change(
        app, client, lan, status):
    payment = make_payment(beneficiary=lan, period="2025-03", status=status,
                           failure_reason="Account closed or blocked")
    soup = page(client.get(f"/account/payments/{payment.id}"))
    problem = soup.select_one(".payment-problem")
    words = problem.get_text(" ", strip=True)
    assert "Bạn chưa nhận được khoản tiền này" in words
    assert "Account closed or blocked" in words
    assert "Khoản tiền không bị mất" in words
    link = problem.find("a", string=re.compile("Thay đổi nơi nhận trợ cấp"))
    expected = "/account/change" if "account.change_start" in app.view_functions else "/account/"
    assert link["href"].startswith(expected)


def test_a_cash_payment_is_described_as_cash(client):
    hoa = make_beneficiary(full_name="Phạm Thị Hoa")
    sign_in(client, hoa.person)
    payment = make_payment(beneficiary=hoa, status="paid_cash")
    body = text(page(client.get(f"/account/payments/{payment.id}")))
    assert "đã được trả bằng tiền mặt" in body
    assert "Tiền mặt tại UBND xã/phường" in body


def test_the_receipt_is_a_clean_printable_page(client, lan):
    payment = make_payment(beneficiary=lan, period="2025-03", partner_reference="VCB-777")
    soup = page(client.get(f"/account/payments/{payment.id}/receipt"))
    assert heading(soup) == "Biên nhận chi trả"
    receipt = soup.select_one("article.receipt").get_text(" ", strip=True)
    for expected in ("Nguyễn Thị Lan", "••••••••" + lan.person.id_number[-4:], "03/2025",
                     "500.000 ₫", "Tài khoản Vietcombank •••• 4567", "VCB-777", "Đã trả"):
        assert expected in receipt
    assert lan.person.id_number not in receipt
    stylesheet = soup.find("link", attrs={"media": "print"})
    assert stylesheet["href"].endswith("print.css")
    assert soup.select_one(".receipt__brand")  # the brand prints although the header does not


def test_a_receipt_of_an_unpaid_payment_is_a_record_not_a_receipt(client, lan):
    payment = make_payment(beneficiary=lan, status="failed", failure_reason="Closed")
    soup = page(client.get(f"/account/payments/{payment.id}/receipt?lang=en"))
    assert heading(soup) == "Payment record"


def test_the_year_as_csv_with_a_bom_for_spreadsheets(client, lan):
    make_payment(beneficiary=lan, period="2025-02", partner_reference="R-2")
    make_payment(beneficiary=lan, period="2025-01", partner_reference="R-1")
    make_payment(beneficiary=lan, period="2025-03", status="failed", partner_reference="R-3",
                 failure_reason="=HYPERLINK(\"http://x\")")
    make_payment(beneficiary=lan, period="2024-12", partner_reference="R-0")
    response = client.get("/account/payments/2025.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="an-sinh-link-2025.csv"')
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Tháng", "Chế độ", "Số tiền (đồng)", "Trạng thái", "Ngày nhận",
                       "Nơi nhận", "Mã khoản chi", "Lý do"]
    assert [r[0] for r in rows[1:]] == ["01/2025", "02/2025", "03/2025"]
    assert rows[1][2:7] == ["500000", "Đã trả", "10/01/2025",
                            "Tài khoản Vietcombank •••• 4567", "R-1"]
    assert rows[3][7] == "'=HYPERLINK(\"http://x\")"  # never a formula in a spreadsheet


def test_a_year_without_payments_or_out_of_range_is_404(client, lan):
    make_payment(beneficiary=lan, period="2025-02")
    page(client.get("/account/payments/2019.csv"), status=404)
    page(client.get("/account/payments/1999.csv"), status=404)


def test_another_persons_payment_receipt_and_csv_are_404(client, lan):
    other = make_beneficiary(full_name="Trần Văn Bình")
    theirs = make_payment(beneficiary=other, period="2023-05")
    mine = make_payment(beneficiary=lan, period="2025-05")
    page(client.get(f"/account/payments/{theirs.id}"), status=404)
    page(client.get(f"/account/payments/{theirs.id}/receipt"), status=404)
    page(client.get("/account/payments/2023.csv"), status=404)  # their year; none of mine
    page(client.get(f"/account/payments/{theirs.id + mine.id + 1000}"), status=404)
    assert "Trần Văn Bình" not in text(page(client.get(HISTORY)))
    assert len(_rows(page(client.get(HISTORY)))) == 1


def test_a_failed_payment_made_good_later_raises_no_alarm(client, lan):
    make_payment(beneficiary=lan, period="2025-03", status="failed", failure_reason="Closed")
    make_payment(beneficiary=lan, period="2025-03")  # paid again, same month
    soup = page(client.get(HISTORY))
    assert not soup.select(".notice--warning")
    assert len(_rows(soup)) == 2


def test_the_demo_history_of_24_months_is_shown_without_the_full_id_number(client):
    from datetime import date

    from sqlalchemy import select

    from domain import demo
    from domain.models import Person
    from extensions import db as database

    demo.seed(today=date(2026, 12, 4))
    lan = database.session.scalar(select(Person).where(Person.full_name == "Nguyễn Thị Lan"))
    from domain.models import Beneficiary

    lan_beneficiary = database.session.scalar(
        select(Beneficiary).where(Beneficiary.person_id == lan.id))
    sign_in(client, lan)
    soup = page(client.get(HISTORY))
    assert [h.get_text(strip=True) for h in soup.select("section.payment-year h2")] == [
        "Năm 2026", "Năm 2025", "Năm 2024"]
    assert len(_rows(soup)) == 24
    first = soup.select_one("table.payment-table a")["href"]
    for url in (first, first + "/receipt"):
        body = text(page(client.get(url)))
        assert lan.id_number not in body
        assert f"DEMO-{lan_beneficiary.id:06d}" in body  # the record's number, not the ID
    assert lan.id_number not in client.get("/account/payments/2026.csv").get_data(as_text=True)
