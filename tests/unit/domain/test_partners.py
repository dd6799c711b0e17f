"""API keys: shown once, stored hashed, found by prefix, revocable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain import partners
from domain.actors import Actor
from domain.models import ApiKey, AuditEvent, Partner
from extensions import db

CLI = Actor.system("test")


def test_a_key_is_shown_once_and_only_its_hash_is_stored(app):
    created = partners.create_key("vcb", CLI, partner_name="Vietcombank")
    assert created.key.startswith(f"asl_{created.api_key.prefix}_")
    row = db.session.scalar(select(ApiKey))
    assert created.key not in (row.key_hash, row.prefix)
    assert created.key.split("_", 2)[2] not in row.key_hash
    assert db.session.scalar(select(Partner)).name == "Vietcombank"
    assert partners.authenticate(created.key).api_key.id == row.id
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["partner.created", "api_key.created"]
    assert created.key not in str(db.session.scalars(select(AuditEvent.details)).all())


def test_a_second_key_for_the_same_partner_reuses_it(app):
    first = partners.create_key("vcb", CLI)
    second = partners.create_key("VCB", CLI)
    assert first.partner.id == second.partner.id
    assert first.api_key.prefix != second.api_key.prefix


@pytest.mark.parametrize(("presented", "failure"), [
    (None, "missing"),
    ("", "missing"),
    ("not-a-key", "malformed"),
    ("asl_0123456789_" + "x" * 43, "unknown"),
])
def test_wrong_keys_are_refused_with_the_reason(app, presented, failure):
    partners.create_key("vcb", CLI)
    result = partners.authenticate(presented)
    assert (result.api_key, result.failure) == (None, failure)


def test_a_known_prefix_with_a_wrong_secret_is_unknown(app):
    created = partners.create_key("vcb", CLI)
    forged = created.key[:-4] + ("AAAA" if not created.key.endswith("AAAA") else "BBBB")
    assert partners.authenticate(forged).failure == "unknown"


def test_a_revoked_key_is_refused(app):
    created = partners.create_key("vcb", CLI)
    partners.revoke(created.api_key.prefix, CLI)
    assert partners.authenticate(created.key).failure == "revoked"
    partners.revoke(created.api_key.prefix, CLI)  # twice: no second event
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("api_key.revoked") == 1
    with pytest.raises(partners.PartnerError):
        partners.revoke("nope", CLI)


@pytest.mark.parametrize("code", ["", "a", "Has Space", "x" * 41, "-lead"])
def test_partner_codes_are_checked(app, code):
    with pytest.raises(partners.PartnerError):
        partners.create_key(code, CLI)
