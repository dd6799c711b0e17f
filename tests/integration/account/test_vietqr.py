"""The VietQR code of the bank account the benefit is paid into."""

from __future__ import annotations

from xml.etree import ElementTree

from sqlalchemy import select

from blueprints.account.vietqr import qr_svg
from domain import vietqr
from domain.models import AuditEvent
from extensions import db
from tests.factories import make_beneficiary
from tests.pages import heading, page, sign_in, text


def test_the_qr_code_of_the_bank_account(client):
    beneficiary = make_beneficiary(full_name="Nguyễn Văn An",
                                   account=("bank", "970436", "0011001234567"))
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/vietqr"))
    assert heading(soup) == "Mã QR của tài khoản"
    payload = soup.select_one("[data-payload]").get_text()
    decoded = vietqr.decode(payload)
    assert (decoded.bin, decoded.account) == ("970436", "0011001234567")
    assert decoded.purpose == "TRO CAP AN SINH"
    assert decoded.amount is None and decoded.dynamic is False
    assert payload == vietqr.static_payload("970436", "0011001234567")
    image = soup.find("img", class_="qr")
    assert image["src"] == "/account/vietqr.svg"
    assert "Vietcombank" in image["alt"] and "0011001234567" not in image["alt"]
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "address.vietqr_shown"))

    response = client.get("/account/vietqr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-store"
    svg = ElementTree.fromstring(response.data)  # noqa: S314 — the app's own SVG
    assert svg.tag.endswith("svg")
    assert svg.findall(".//{http://www.w3.org/2000/svg}path")
    assert response.data == qr_svg(payload)  # the image encodes exactly the payload shown


def test_no_qr_code_without_a_bank_account(client):
    beneficiary = make_beneficiary(full_name="Lê Văn Hùng",
                                   account=("ewallet", "momo", "0977111222"))
    sign_in(client, beneficiary.person)
    soup = page(client.get("/account/vietqr?lang=en"))
    assert "can only be shown for a bank account" in text(soup)
    assert soup.find("img", class_="qr") is None
    assert client.get("/account/vietqr.svg").status_code == 404
