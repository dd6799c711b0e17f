"""Family helpers through the HTTP layer: invite, accept, act within the scope, end."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from domain.models import AuditEvent, ChangeRequest, Delegation
from extensions import db
from tests.change_factories import make_sim_account
from tests.factories import make_beneficiary, make_person
from tests.pages import error_messages, heading, latest_code, page, sign_in, text

MOTHER_PHONE = "0912345678"
DAUGHTER_PHONE = "0987654321"


@pytest.fixture
def family(app):
    mother = make_beneficiary(full_name="Nguyễn Thị Lan", phone=MOTHER_PHONE,
                              account=("bank", "970405", "1506205123456"))
    daughter = make_person(full_name="Trần Thị Mai", phone=DAUGHTER_PHONE,
                           birth_date=mother.person.birth_date.replace(year=1972))
    return mother, daughter


def _location(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    return response.headers["Location"]


def invite(client, helper, scope="view_and_request"):
    response = client.post("/family/invite", data={"helper_id_number": helper.id_number,
                                                   "scope": scope})
    assert _location(response).endswith("/family/invite/check")
    assert _location(client.post("/family/invite/check")).endswith("/family/invite/code")
    response = client.post("/family/invite/code", data={"code": latest_code(client, MOTHER_PHONE)})
    assert _location(response).endswith("/family/")


def accept_all(client):
    soup = page(client.get("/family/"))
    for form in soup.select("form[action$='/accept']"):
        assert _location(client.post(form["action"])).endswith("/family/")


def act_for_first(client):
    soup = page(client.get("/family/"))
    form = soup.select_one("form[action$='/act']")
    assert _location(client.post(form["action"])).endswith("/account/")


def helping(app, family, scope):
    mother, daughter = family
    with app.test_client() as mother_client:
        sign_in(mother_client, mother.person)
        invite(mother_client, daughter, scope)
    helper_client = app.test_client()
    sign_in(helper_client, daughter)
    accept_all(helper_client)
    act_for_first(helper_client)
    return helper_client


def test_invite_accept_and_help_with_a_banner(app, client, family):
    mother, daughter = family
    sign_in(client, mother.person)
    soup = page(client.get("/family/"))
    assert heading(soup) == "Người thân giúp đỡ"
    invite(client, daughter, "view")
    invitation_sms = client.get("/sim/outbox.json").get_json()[0]
    assert invitation_sms["phone"] == DAUGHTER_PHONE and "Nguyễn Thị Lan" in invitation_sms["text"]
    assert "Lời mời đang chờ" in text(page(client.get("/family/")))

    with app.test_client() as helper:
        sign_in(helper, daughter)
        soup = page(helper.get("/family/"))
        assert "Nguyễn Thị Lan nhờ bạn giúp" in text(soup)
        accept_all(helper)
        notice = [m for m in helper.get("/sim/outbox.json").get_json()
                  if m["phone"] == MOTHER_PHONE][0]
        assert "Trần Thị Mai" in notice["text"]
        act_for_first(helper)
        soup = page(helper.get("/account/"))
        banner = soup.select_one(".helper-banner")
        assert "Bạn đang giúp Nguyễn Thị Lan" in text(banner)
        assert "Agribank" in text(soup)
        # Stopping returns the helper to their own pages.
        assert _location(helper.post("/family/helping/stop")).endswith("/family/")
        assert page(helper.get("/account/")).select_one(".helper-banner") is None


@pytest.mark.parametrize("path", [
    "/account/change", "/account/change/kind", "/account/change/bank",
    "/account/change/account-number", "/account/change/check", "/account/change/confirm",
    "/account/lock", "/account/vietqr",
])
def test_a_view_only_helper_is_refused_changes_by_url_too(app, family, path):
    helper = helping(app, family, "view")
    assert helper.get(path).status_code == 403
    assert helper.post(path, data={"kind": "bank"}).status_code in (403, 405)
    assert db.session.scalar(select(ChangeRequest)) is None


def test_a_helper_with_change_rights_asks_and_the_beneficiary_confirms(app, family):
    mother, daughter = family
    helper = helping(app, family, "view_and_request")
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN THI LAN")
    helper.post("/account/change/kind", data={"kind": "bank"})
    helper.post("/account/change/bank", data={"provider": "970436"})
    helper.post("/account/change/account-number", data={"number": "0071000123456"})
    soup = page(helper.get("/account/change/check"))
    fingerprint = soup.find("input", attrs={"name": "fingerprint"})["value"]
    helper.post("/account/change/check", data={"fingerprint": fingerprint})
    soup = page(helper.get("/account/change/confirm"))
    # The code goes to the beneficiary's registered phone, not the helper's.
    code_sms = helper.get("/sim/outbox.json").get_json()[0]
    assert code_sms["phone"] == MOTHER_PHONE
    response = helper.post("/account/change/confirm", data={
        "code": latest_code(helper, MOTHER_PHONE),
        "fingerprint": soup.find("input", attrs={"name": "fingerprint"})["value"]})
    assert re.search(r"/account/requests/\d+/sent$", _location(response))
    request = db.session.scalar(select(ChangeRequest))
    assert request.beneficiary_id == mother.id
    assert (request.opened_by_kind, request.opened_by_person_id) == ("helper", daughter.id)
    assert not request.high_risk
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "change_request.submitted"))
    assert (event.actor_id, event.on_behalf_of_person_id) == (daughter.id, mother.person_id)
    notice = [m for m in helper.get("/sim/outbox.json").get_json()
              if m["phone"] == MOTHER_PHONE][0]
    assert "Trần Thị Mai" in notice["text"] and request.reference in notice["text"]
    delegation = db.session.scalar(select(Delegation))
    assert delegation.last_action_at is not None


def test_an_account_in_the_helpers_name_is_high_risk(app, family):
    helper = helping(app, family, "view_and_request")
    make_sim_account(provider_code="970436", number="0071000999999", holder_name="TRAN THI MAI")
    helper.post("/account/change/kind", data={"kind": "bank"})
    helper.post("/account/change/bank", data={"provider": "970436"})
    helper.post("/account/change/account-number", data={"number": "0071000999999"})
    soup = page(helper.get("/account/change/check"))
    helper.post("/account/change/check", data={
        "fingerprint": soup.find("input", attrs={"name": "fingerprint"})["value"]})
    soup = page(helper.get("/account/change/confirm"))
    helper.post("/account/change/confirm", data={
        "code": latest_code(helper, MOTHER_PHONE),
        "fingerprint": soup.find("input", attrs={"name": "fingerprint"})["value"]})
    request = db.session.scalar(select(ChangeRequest))
    assert request.high_risk
    assert "holder_is_helper" in [c["code"] for c in request.checks if c["result"] == "fail"]


def test_the_beneficiary_ends_the_help_and_the_helper_is_back_on_their_own_pages(app, family):
    mother, daughter = family
    helper = helping(app, family, "view")
    with app.test_client() as mother_client:
        sign_in(mother_client, mother.person)
        delegation = db.session.scalar(select(Delegation))
        page(mother_client.get(f"/family/{delegation.id}/end"))
        assert _location(mother_client.post(f"/family/{delegation.id}/end")).endswith("/family/")
    told = [m for m in helper.get("/sim/outbox.json").get_json() if m["phone"] == DAUGHTER_PHONE]
    assert "không" in told[0]["text"].lower() or "no longer" in told[0]["text"]
    soup = page(helper.get("/account/"))
    assert soup.select_one(".helper-banner") is None
    assert helper.get("/account/change").status_code == 404  # the daughter has no benefit


def test_the_helper_stops_and_the_beneficiary_is_told(app, family):
    mother, daughter = family
    helper = helping(app, family, "view")
    delegation = db.session.scalar(select(Delegation))
    assert _location(helper.post(f"/family/helping/{delegation.id}/end")).endswith("/family/")
    told = [m for m in helper.get("/sim/outbox.json").get_json() if m["phone"] == MOTHER_PHONE]
    assert "Trần Thị Mai" in told[0]["text"]


def test_a_qr_invitation_works_once(app, client, family):
    mother, daughter = family
    sign_in(client, mother.person)
    client.post("/family/invite/qr", data={"scope": "view"})
    client.post("/family/invite/check")
    response = client.post("/family/invite/code", data={"code": latest_code(client, MOTHER_PHONE)})
    assert _location(response).endswith("/family/invite/qr/show")
    soup = page(client.get("/family/invite/qr/show"))
    join_url = soup.select_one("[data-join-url]").get_text(strip=True)
    join_path = join_url[join_url.index("/family/join/"):]
    assert client.get("/family/invite/qr/code.svg").mimetype == "image/svg+xml"

    with app.test_client() as helper:
        response = helper.get(join_path)
        assert "/signin" in _location(response)
        sign_in(helper, daughter)  # lands on the home page; the QR link still works after
        soup = page(helper.get(join_path))
        assert heading(soup) == "Giúp Nguyễn Thị Lan?"
        assert _location(helper.post(join_path)).endswith("/family/")
        assert page(helper.get(join_path), status=404)
    delegation = db.session.scalar(select(Delegation))
    assert (delegation.status, delegation.helper_person_id) == ("active", daughter.id)


def test_at_most_three_helpers_with_a_clear_message(app, client, family):
    mother, _ = family
    sign_in(client, mother.person)
    for n in range(3):
        invite(client, make_person(full_name=f"Người Giúp {n}", phone=f"09130000{n:02d}"))
    soup = page(client.post("/family/invite", data={
        "helper_id_number": make_person(full_name="Người Thứ Tư").id_number, "scope": "view"}))
    assert "3 người giúp" in error_messages(soup)[0]
    assert page(client.get("/family/")).find("a", href="/family/invite") is None


def test_inviting_yourself_is_refused(client, family):
    mother, _ = family
    sign_in(client, mother.person)
    soup = page(client.post("/family/invite", data={
        "helper_id_number": mother.person.id_number, "scope": "view"}))
    assert "không phải của chính bạn" in error_messages(soup)[0]


def test_another_beneficiary_cannot_touch_a_delegation(app, family):
    helping(app, family, "view")
    delegation = db.session.scalar(select(Delegation))
    stranger = make_beneficiary(full_name="Lê Văn Hùng", phone="0977111222")
    with app.test_client() as other:
        sign_in(other, stranger.person)
        assert other.post(f"/family/{delegation.id}/end").status_code == 404
        assert other.post(f"/family/helping/{delegation.id}/act").status_code == 404
        assert other.post(f"/family/invitations/{delegation.id}/accept").status_code == 404


def test_a_view_only_helper_sees_the_payments_of_the_person_they_help(app, family):
    from tests.payment_factories import make_payment

    mother, _ = family
    make_payment(beneficiary=mother, period="2026-10", amount=500_000)
    helper = helping(app, family, "view")
    soup = page(helper.get("/account/payments/"))
    assert "500.000 ₫" in text(soup)
    assert "Bạn đang giúp Nguyễn Thị Lan" in text(soup.select_one(".helper-banner"))
