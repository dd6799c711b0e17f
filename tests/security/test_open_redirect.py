"""`next` after sign-in only ever leads to a page of this site."""

from __future__ import annotations

import pytest

from tests.factories import make_person
from tests.pages import latest_code

HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
    " //evil.example",
    "/\t/evil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_is_ignored(client, target):
    person = make_person()
    client.get("/signin", query_string={"next": target})
    client.post("/signin", data={"id_number": person.id_number})
    response = client.post("/signin/code", data={"code": latest_code(client, person.phone)})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == "/account/", location


def test_a_local_next_is_followed(client):
    person = make_person()
    client.get("/signin", query_string={"next": "/account/?tab=1"})
    client.post("/signin", data={"id_number": person.id_number})
    response = client.post("/signin/code", data={"code": latest_code(client, person.phone)})
    assert response.headers["Location"] == "/account/?tab=1"
