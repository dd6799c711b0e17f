"""A beneficiary's own requests: the page, what happens next, cancelling."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.models import Notification
from extensions import db
from tests.change_factories import make_change_request
from tests.factories import make_beneficiary, make_staff
from tests.pages import heading, page, sign_in, text


def _h1(soup) -> str:
    return " ".join(soup.find("h1").get_text().split())


def _beneficiary(name="Nguyễn Văn An", phone="0903123456"):
    return make_beneficiary(full_name=name, phone=phone)


def test_the_request_page(client):
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary)
    sign_in(client, beneficiary.person)
    soup = page(client.get(f"/account/requests/{request.id}"))
    assert _h1(soup) == f"Yêu cầu {request.reference}"
    assert "Vietcombank •••• 3456" in text(soup)
    assert "Đang chờ cán bộ" in text(soup)
    assert soup.find("a", href=f"/account/requests/{request.id}/cancel")


def test_someone_else_s_request_is_not_found(client):
    owner = _beneficiary()
    request = make_change_request(beneficiary=owner)
    other = _beneficiary("Trần Thị Mai", "0912000111")
    sign_in(client, other.person)
    for path in (f"/account/requests/{request.id}", f"/account/requests/{request.id}/sent",
                 f"/account/requests/{request.id}/cancel"):
        assert client.get(path).status_code == 404
    assert client.post(f"/account/requests/{request.id}/cancel").status_code == 404
    db.session.refresh(request)
    assert request.status == "pending"
    assert client.get("/account/requests/999999").status_code == 404


def test_cancel_a_request(client):
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary)
    sign_in(client, beneficiary.person)
    soup = page(client.get(f"/account/requests/{request.id}/cancel"))
    assert _h1(soup) == f"Hủy yêu cầu {request.reference}?"
    response = client.post(f"/account/requests/{request.id}/cancel")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/")
    soup = page(client.get("/account/"))
    assert f"Đã hủy yêu cầu {request.reference}" in text(soup)
    db.session.refresh(request)
    assert request.status == "cancelled"
    assert request.proposed_address.status == "withdrawn"
    message = db.session.scalar(
        select(Notification).where(Notification.kind == "change_cancelled"))
    assert message.phone == "0903123456"
    assert request.reference in message.text and message.report_code in message.text
    # A new request can start again.
    assert heading(page(client.get("/account/change"))) == "Thay đổi nơi nhận trợ cấp"


def test_a_claimed_request_cannot_be_cancelled(client):
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary, claimed_by=make_staff())
    sign_in(client, beneficiary.person)
    soup = page(client.get(f"/account/requests/{request.id}"))
    assert not soup.find("a", href=f"/account/requests/{request.id}/cancel")
    response = client.post(f"/account/requests/{request.id}/cancel")
    assert response.headers["Location"].endswith(f"/account/requests/{request.id}")
    soup = page(client.get(response.headers["Location"]))
    assert "không thể hủy" in text(soup)
    db.session.refresh(request)
    assert request.status == "pending"


def test_the_sent_page_says_what_happens_next(client):
    beneficiary = _beneficiary()
    request = make_change_request(beneficiary=beneficiary)
    sign_in(client, beneficiary.person)
    soup = page(client.get(f"/account/requests/{request.id}/sent?lang=en"))
    assert heading(soup) == "Request sent"
    body = text(soup)
    assert request.reference in body
    assert "An officer of Phường Cao Lãnh checks the request" in body
    expires = request.expires_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert f"If nobody has checked it by {expires:%d/%m/%Y}" in body
