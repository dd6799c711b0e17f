"""Guessing one-time codes through the HTTP layer, from several client addresses, gets
nobody signed in: five tries per code, lockouts, and rate limits stop it long before luck."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select

from domain.models import AuditEvent, AuthSession
from extensions import db
from tests.factories import make_person

ADDRESSES = ["203.0.113.10", "203.0.113.11", "198.51.100.7", "192.0.2.44", "192.0.2.45"]


def test_thousands_of_guesses_from_several_addresses_sign_nobody_in(app):
    victim = make_person()
    guesses = (f"{n:06d}" for n in itertools.count(0, 7919))
    attempts = signed_in = refused = 0
    clients = []
    for address in ADDRESSES:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        clients.append(client)
    while attempts < 3000:
        for client in clients:
            response = client.post("/signin", data={"id_number": victim.id_number})
            if response.status_code != 303:
                refused += 1
            for _ in range(6):
                attempts += 1
                response = client.post("/signin/code", data={"code": next(guesses)})
                location = response.headers.get("Location", "")
                if response.status_code == 303 and location.endswith("/account/"):
                    signed_in += 1
                if response.status_code != 200:
                    break
    assert signed_in == 0
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0
    # Almost every attempt was turned away before a code was even compared.
    compared = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action.in_(("signin.code_wrong", "signin.challenge_failed")))
    )
    assert compared <= 15 + 5, compared
    assert refused > 0
