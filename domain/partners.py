"""Disbursement partners and their API keys.

A key looks like `asl_<prefix>_<secret>`. It is shown once, when created; the database keeps
only its prefix (to find the row) and a keyed hash of the whole key (to check it).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from domain import audit
from domain.actors import Actor
from domain.models import ApiKey, Partner
from domain.security import new_token, same_secret, secret_hash
from extensions import db

PURPOSE = "api_key"
_CODE = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
_KEY = re.compile(r"asl_([0-9a-f]{10})_([A-Za-z0-9_-]{20,100})")
LAST_USED_RESOLUTION = timedelta(minutes=1)


class PartnerError(ValueError):
    """A command-line mistake: unknown partner code, unknown key prefix…"""


@dataclass(frozen=True)
class CreatedKey:
    partner: Partner
    api_key: ApiKey
    key: str  # shown once, never stored


@dataclass(frozen=True)
class Authentication:
    api_key: ApiKey | None
    failure: str | None  # missing | malformed | unknown | revoked


def create_key(partner_code: str, actor: Actor, *, partner_name: str | None = None) -> CreatedKey:
    """A new key for the partner; the partner is created on its first key."""
    code = partner_code.strip().lower()
    if not _CODE.fullmatch(code):
        raise PartnerError(
            "A partner code is 2 to 40 lower-case letters, digits, dots, dashes or underscores."
        )
    partner = db_partner(code)
    if partner is None:
        partner = Partner(code=code, name=(partner_name or code).strip()[:120],
                          created_at=datetime.now(UTC))
        db.session.add(partner)
        db.session.flush()
        audit.record(actor, "partner.created", subject_type="partner", subject_id=partner.id,
                     details={"code": code})
    elif partner_name:
        partner.name = partner_name.strip()[:120]
    prefix = secrets.token_hex(5)
    key = f"asl_{prefix}_{new_token(32)}"
    api_key = ApiKey(partner_id=partner.id, prefix=prefix,
                     key_hash=secret_hash(key, purpose=PURPOSE), created_at=datetime.now(UTC))
    db.session.add(api_key)
    db.session.flush()
    audit.record(actor, "api_key.created", subject_type="api_key", subject_id=api_key.id,
                 details={"partner": code, "prefix": prefix})
    db.session.commit()
    return CreatedKey(partner, api_key, key)


def db_partner(code: str) -> Partner | None:
    return db.session.scalar(select(Partner).where(Partner.code == code))


def revoke(prefix: str, actor: Actor) -> ApiKey:
    api_key = db.session.scalar(
        select(ApiKey).options(joinedload(ApiKey.partner)).where(ApiKey.prefix == prefix.strip())
    )
    if api_key is None:
        raise PartnerError(f"No API key has the prefix {prefix!r}.")
    if api_key.revoked_at is None:
        api_key.revoked_at = datetime.now(UTC)
        audit.record(actor, "api_key.revoked", subject_type="api_key", subject_id=api_key.id,
                     details={"partner": api_key.partner.code, "prefix": api_key.prefix})
        db.session.commit()
    return api_key


def list_keys() -> list[ApiKey]:
    return list(
        db.session.scalars(
            select(ApiKey).options(joinedload(ApiKey.partner)).order_by(ApiKey.id)
        )
    )


def authenticate(presented: str | None) -> Authentication:
    """The live key that `presented` is, or why not. Marks the key used (at most once a
    minute); the caller's transaction commits that."""
    if not presented:
        return Authentication(None, "missing")
    match = _KEY.fullmatch(presented)
    if match is None:
        return Authentication(None, "malformed")
    api_key = db.session.scalar(
        select(ApiKey).options(joinedload(ApiKey.partner)).where(ApiKey.prefix == match.group(1))
    )
    if api_key is None or not same_secret(presented, api_key.key_hash, purpose=PURPOSE):
        return Authentication(None, "unknown")
    if api_key.revoked_at is not None:
        return Authentication(None, "revoked")
    now = datetime.now(UTC)
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        api_key.last_used_at = now
    return Authentication(api_key, None)


def partner_actor(api_key: ApiKey, client_address: str | None) -> Actor:
    return Actor("partner", api_key.partner_id, api_key.partner.code, None, client_address)


def record_call(actor: Actor, operation: str, *, outcome: str, **details) -> None:
    """Audit an API call that did no work of its own (refused input, failed sign-in)."""
    audit.record(actor, "api.call_refused", subject_type="partner", subject_id=actor.id,
                 details={"operation": operation, "outcome": outcome, **details})
    db.session.commit()
