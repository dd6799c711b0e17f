"""Every beneficiary-owned URL, with the ids of beneficiary A's records, requested by someone
who may not see them: another beneficiary, a person who helps nobody, a helper of someone
else, a view-only helper of A asking to change things, and each staff role. Nobody sees A's
data or changes it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain import delegations
from domain.actors import Actor
from domain.models import AuditEvent, ChangeRequest, Delegation, FinancialAddress, Payment
from extensions import db
from tests.change_factories import make_change_request
from tests.factories import make_beneficiary, make_person
from tests.payment_factories import make_payment
from tests.review_factories import make_admin, make_officer, make_supervisor, make_support
from tests.security.sessions import signed_in_client

OWNED_BLUEPRINTS = ("account.", "payments.", "family.")
SECRET_NAME = "Nguyễn Thị Bí Mật"


@pytest.fixture
def owner(app):
    a = make_beneficiary(full_name=SECRET_NAME, account=("bank", "970436", "0011001234567"))
    payment = make_payment(beneficiary=a, period="2026-10", amount=500_000)
    request = make_change_request(beneficiary=a)
    helper = make_person(full_name="Người Giúp Của A")
    delegation = Delegation(beneficiary_id=a.id, helper_person_id=helper.id, scope="view",
                            status="invited")
    db.session.add(delegation)
    db.session.commit()
    delegations.accept(delegation, helper, Actor("citizen", helper.id))
    return {"beneficiary": a, "payment": payment, "request": request,
            "delegation": delegation, "helper": helper}


def owned_urls(app, owner) -> list[tuple[str, str]]:
    ids = {
        "request_id": owner["request"].id,
        "payment_id": owner["payment"].id,
        "delegation_id": owner["delegation"].id,
        "year": 2026,
        "address_id": owner["request"].proposed_address_id,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(OWNED_BLUEPRINTS) or not rule.arguments:
            continue
        if not set(rule.arguments) <= set(ids):
            continue
        url = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            urls.append((method, url))
    return urls


def _state():
    return (
        db.session.scalar(select(func.count()).select_from(ChangeRequest).where(
            ChangeRequest.status == "pending")),
        db.session.scalar(select(func.count()).select_from(Delegation).where(
            Delegation.status == "active")),
        db.session.scalar(select(func.count()).select_from(FinancialAddress)),
        db.session.scalar(select(func.count()).select_from(Payment)),
    )


def outsiders(app, owner):
    other = make_beneficiary(full_name="Lê Văn Khác", account=("ewallet", "momo", "0977000111"))
    nobody = make_person(full_name="Người Không Liên Quan")
    someone_elses_helper = make_person(full_name="Người Giúp Người Khác")
    d = Delegation(beneficiary_id=other.id, helper_person_id=someone_elses_helper.id,
                   scope="view_and_request", status="invited")
    db.session.add(d)
    db.session.commit()
    delegations.accept(d, someone_elses_helper, Actor("citizen", someone_elses_helper.id))
    return {
        "another beneficiary": signed_in_client(app, person=other.person),
        "a person who helps nobody": signed_in_client(app, person=nobody),
        "a helper of someone else": signed_in_client(app, person=someone_elses_helper,
                                                     acting_for=other),
        "officer": signed_in_client(app, staff=make_officer()),
        "supervisor": signed_in_client(app, staff=make_supervisor()),
        "support": signed_in_client(app, staff=make_support()),
        "admin": signed_in_client(app, staff=make_admin()),
    }


def test_nobody_else_sees_or_changes_a_beneficiarys_records(app, owner):
    urls = owned_urls(app, owner)
    assert len(urls) >= 8, urls
    clients = outsiders(app, owner)
    before = _state()
    reference = owner["request"].reference
    for who, client in clients.items():
        for method, url in urls:
            response = client.open(url, method=method)
            body = response.get_data(as_text=True)
            assert response.status_code in (302, 303, 403, 404), (who, method, url,
                                                                   response.status_code)
            assert SECRET_NAME not in body, (who, method, url)
            assert reference not in body, (who, method, url)
    assert _state() == before


CHANGE_URLS = ["/account/change", "/account/change/kind", "/account/lock", "/account/vietqr"]


def test_a_view_only_helper_of_the_owner_cannot_change_anything(app, owner):
    helper = signed_in_client(app, person=owner["helper"], acting_for=owner["beneficiary"])
    assert helper.get("/account/").status_code == 200  # seeing is allowed
    before = _state()
    for url in CHANGE_URLS:
        assert helper.get(url).status_code == 403, url
    request = owner["request"]
    assert helper.post(f"/account/requests/{request.id}/cancel").status_code == 403
    assert helper.post(f"/family/{owner['delegation'].id}/end").status_code == 404
    assert _state() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "change_request.cancelled")) == 0
