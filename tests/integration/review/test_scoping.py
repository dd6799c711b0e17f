"""Locality: an officer of one commune, or a supervisor of one province, cannot reach others'
requests, whichever URL they type: the answer is "not found", as if they did not exist."""

from __future__ import annotations

import pytest

from domain.models import Beneficiary, ChangeRequest
from extensions import db
from tests.factories import make_beneficiary, make_commune
from tests.pages import error_messages, page
from tests.review_factories import make_change_request, make_officer, make_supervisor, sign_in_staff

REQUEST_URLS = (
    ("GET", "/staff/review/{id}"),
    ("POST", "/staff/review/{id}/claim"),
    ("POST", "/staff/review/{id}/release"),
    ("GET", "/staff/review/{id}/approve"),
    ("POST", "/staff/review/{id}/approve"),
    ("GET", "/staff/review/{id}/reject"),
    ("POST", "/staff/review/{id}/reject"),
    ("GET", "/staff/review/{id}/reveal/{proposed}"),
    ("POST", "/staff/review/{id}/reveal/{proposed}"),
    ("GET", "/staff/review/{id}/reveal/{current}"),
)


def _url(pattern: str, request: ChangeRequest) -> str:
    return pattern.format(id=request.id, proposed=request.proposed_address_id,
                          current=request.previous_address_id)


def _elsewhere():
    home = make_commune(code="08701", name="Phường Cao Lãnh")
    other = make_commune(code="08702", name="Xã Tháp Mười")
    hanoi = make_commune(code="00101", name="Phường Ba Đình", province_code="001",
                         province_name="Thành phố Hà Nội")
    account = ("bank", "970405", "1506205123456")
    return {
        "home": make_change_request(beneficiary=make_beneficiary(commune=home, account=account)),
        "other_commune": make_change_request(
            beneficiary=make_beneficiary(commune=other, account=account)),
        "other_province": make_change_request(
            beneficiary=make_beneficiary(commune=hanoi, account=account)),
    }, home


@pytest.mark.parametrize(("method", "pattern"), REQUEST_URLS)
def test_an_officer_gets_404_for_a_request_of_another_commune(client, method, pattern):
    requests, home = _elsewhere()
    officer = make_officer(commune=home)
    sign_in_staff(client, officer)
    target = requests["other_commune"]
    data = {"version": str(target.version), "reason": "other", "note": "x"}
    response = client.open(_url(pattern, target), method=method, data=data)
    assert response.status_code == 404
    db.session.expire_all()
    target = db.session.get(ChangeRequest, target.id)
    assert (target.status, target.claimed_by_staff_id) == ("pending", None)


def test_the_same_urls_work_for_the_officer_of_the_commune(client):
    requests, home = _elsewhere()
    sign_in_staff(client, make_officer(commune=home))
    target = requests["home"]
    assert page(client.get(f"/staff/review/{target.id}"))
    assert page(client.get(f"/staff/review/{target.id}/reveal/{target.proposed_address_id}"))
    assert client.post(f"/staff/review/{target.id}/claim").status_code == 303


@pytest.mark.parametrize(("method", "pattern"), REQUEST_URLS)
def test_a_supervisor_gets_404_outside_their_province_only(client, method, pattern):
    requests, _home = _elsewhere()
    sign_in_staff(client, make_supervisor(province_code="087"))
    outside = requests["other_province"]
    data = {"version": str(outside.version), "reason": "other", "note": "x"}
    assert client.open(_url(pattern, outside), method=method, data=data).status_code == 404
    if method == "GET":
        inside = requests["other_commune"]
        assert client.get(_url(pattern, inside)).status_code in (200, 303)


def test_a_request_that_does_not_exist_is_404_too(client):
    _requests, home = _elsewhere()
    sign_in_staff(client, make_officer(commune=home))
    assert client.get("/staff/review/999999").status_code == 404
    assert client.post("/staff/review/999999/claim").status_code == 404


def test_the_audit_search_stays_within_the_locality(client):
    requests, home = _elsewhere()
    sign_in_staff(client, make_officer(commune=home))
    outsider = db.session.get(Beneficiary, requests["other_commune"].beneficiary_id).person
    soup = page(client.post("/staff/review/audit?lang=en", data={"id_number": outsider.id_number}))
    assert error_messages(soup) == [
        "Nobody with this ID number lives in your area. Check the number."]
