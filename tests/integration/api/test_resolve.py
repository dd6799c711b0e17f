"""POST /api/v1/mapper/resolve: G2P-Connect shapes, every reason code, 10,000 at once."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import event, func, select

from domain.models import AuditEvent, Beneficiary, Person
from extensions import db
from tests.factories import make_beneficiary, make_commune

URL = "/api/v1/mapper/resolve"


def _resolve(client, auth, *pairs):
    body = {"resolve_request": [{"reference_id": r, "id": i} for r, i in pairs]}
    return client.post(URL, json=body, headers=auth)


def test_the_example_of_the_issue(client, auth):
    make_beneficiary(id_number="087084000999", account=("bank", "970436", "0011001234567"))
    response = _resolve(client, auth, ("1", "087084000999"))
    assert response.status_code == 200
    assert response.get_json() == {"resolve_response": [{
        "reference_id": "1", "status": "succ", "status_reason_code": "succ.fa.active",
        "fa": "account:0011001234567@970436",
        "account_provider_info": {"name": "Vietcombank", "code": "970436"},
    }]}


def test_found_not_found_cash_inactive_deceased_and_malformed(client, auth):
    wallet = make_beneficiary(account=("ewallet", "momo", "0912345678"))
    cash = make_beneficiary()
    suspended = make_beneficiary(account=("bank", "970436", "0011001234567"))
    suspended.status = "suspended"
    deceased = make_beneficiary(account=("bank", "970436", "0011009999999"), status="deceased")
    db.session.commit()
    response = _resolve(client, auth,
                        ("a", wallet.person.id_number), ("b", cash.person.id_number),
                        ("c", suspended.person.id_number), ("d", deceased.person.id_number),
                        ("e", "087084999999"), ("f", "0870840009"), ("g", "abc"))
    answers = [(r["reference_id"], r["status"], r["status_reason_code"], r.get("fa"))
               for r in response.get_json()["resolve_response"]]
    assert answers == [
        ("a", "succ", "succ.fa.active", "mobile:0912345678@momo"),
        ("b", "succ", "succ.fa.not_found", None),
        ("c", "succ", "succ.id.inactive", None),
        ("d", "succ", "succ.id.inactive", None),
        ("e", "succ", "succ.id.not_found", None),
        ("f", "rjct", "rjct.id.invalid", None),
        ("g", "rjct", "rjct.id.invalid", None),
    ]
    event_row = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event_row.action == "api.mapper_resolve"
    assert (event_row.actor_kind, event_row.actor_label) == ("partner", "vcb")
    assert event_row.details["counts"] == {"succ.fa.active": 1, "succ.fa.not_found": 1,
                                           "succ.id.inactive": 2, "succ.id.not_found": 1,
                                           "rjct.id.invalid": 2}
    assert wallet.person.id_number not in json.dumps(event_row.details)


def _many_beneficiaries(count: int) -> list[str]:
    """`count` beneficiaries in bulk (a bank account each for every third)."""
    commune = make_commune()
    id_numbers = [f"001{2 if i % 2 else 3}{i % 90 + 10:02d}{i:06d}" for i in range(count)]
    db.session.execute(Person.__table__.insert(), [
        {"id_number": n, "full_name": f"Người {i}", "birth_date": date(2010, 1, 1), "sex": "male",
         "phone": None, "commune_id": commune.id, "status": "alive"}
        for i, n in enumerate(id_numbers)
    ])
    ids = db.session.execute(select(Person.id).order_by(Person.id)).scalars().all()
    db.session.execute(Beneficiary.__table__.insert(), [
        {"person_id": pid, "status": "active", "enrolled_on": date(2024, 1, 1),
         "online_changes_locked": False} for pid in ids
    ])
    db.session.commit()
    return id_numbers


def test_ten_thousand_ids_resolve_in_one_call_with_one_query(client, auth):
    id_numbers = _many_beneficiaries(10_000)
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM person" in statement:
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = _resolve(client, auth, *[(str(i), n) for i, n in enumerate(id_numbers)])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    answers = response.get_json()["resolve_response"]
    assert len(answers) == 10_000
    assert [a["reference_id"] for a in answers] == [str(i) for i in range(10_000)]
    assert {a["status_reason_code"] for a in answers} == {"succ.fa.not_found"}
    assert len(statements) == 1  # one query for all the IDs, not one per item


def test_more_than_ten_thousand_items_are_refused_whole(client, auth):
    body = {"resolve_request": [{"reference_id": str(i), "id": "087084000999"}
                                for i in range(10_001)]}
    response = client.post(URL, json=body, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "invalid_request", "message": "$.resolve_request must have at most 10000 items"}


@pytest.mark.parametrize(("body", "message"), [
    ({}, "$ lacks the field 'resolve_request'"),
    ({"resolve_request": []}, "$.resolve_request must have at least 1 item(s)"),
    ({"resolve_request": [{"reference_id": "1", "id": 87084000999}]},
     "$.resolve_request[0].id must be string"),
    ({"resolve_request": [{"reference_id": "1", "id": "087084000999", "name": "x"}]},
     "$.resolve_request[0] has an unknown field 'name'"),
    ({"resolve_request": [{"reference_id": "1"}]}, "$.resolve_request[0] lacks the field 'id'"),
    ({"resolve_request": {"reference_id": "1"}}, "$.resolve_request must be array"),
    ({"resolve_request": [{"reference_id": "1", "id": "087084000999"}], "extra": 1},
     "$ has an unknown field 'extra'"),
    ([], "$ must be object"),
    ("text", "$ must be object"),
    (None, "$ must be object"),
    ({"resolve_request": [{"reference_id": "", "id": "1"}]},
     "$.resolve_request[0].reference_id must have at least 1 characters"),
    ({"resolve_request": [{"reference_id": "a\u0000", "id": "1"}]},
     "$.resolve_request[0].reference_id must match ^[^\\x00-\\x1f\\x7f]*$"),
])
def test_wrong_shapes_and_types_get_400_with_where_and_what(client, auth, body, message):
    response = client.post(URL, data=json.dumps(body), content_type="application/json",
                           headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {"error": {"code": "invalid_request", "message": message}}


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe", b'{"a": NaN', b"[" * 100_000,
                                 b'{"resolve_request": [{"reference_id": "\\ud800", "id": "1"}]}'])
def test_bad_json_gets_400_never_500(client, auth, raw):
    response = client.post(URL, data=raw, content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("invalid_json", "invalid_request")


def test_a_body_that_is_not_json_gets_415(client, auth):
    response = client.post(URL, data="id=1", content_type="application/x-www-form-urlencoded",
                           headers=auth)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_an_oversize_body_gets_413_and_is_audited(client, auth):
    response = client.post(URL, data=b"{" + b" " * (9 * 1024 * 1024) + b"}",
                           content_type="application/json", headers=auth)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    event_row = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event_row.details == {"operation": "mapper/resolve", "outcome": "payload_too_large",
                                 "status": 413}


def test_every_call_is_audited_once(client, auth):
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    _resolve(client, auth, ("1", "087084000999"))
    client.post(URL, json={"bad": 1}, headers=auth)
    after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert after - before == 2
