"""Keyed hashes (blind indexes), encryption at rest, and random tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _index_key() -> bytes:
    return current_app.config["BLIND_INDEX_KEY"].encode()


def blind_index(value: str, *, purpose: str = "value") -> str:
    """A keyed hash for exact look-ups without storing the value itself."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(_index_key(), message, hashlib.sha256).hexdigest()


def id_number_index(id_number: str) -> str:
    return blind_index(id_number, purpose="id_number")


def account_index(kind: str, provider_code: str, number: str) -> str:
    return blind_index(f"{kind}:{provider_code}:{number}", purpose="account")


def secret_hash(value: str, *, purpose: str) -> str:
    """Hash of a one-time secret (code, token); compared in constant time."""
    return blind_index(value, purpose=f"secret:{purpose}")


def same_secret(value: str, expected_hash: str, *, purpose: str) -> bool:
    return hmac.compare_digest(secret_hash(value, purpose=purpose), expected_hash)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def _fernet() -> Fernet:
    return Fernet(current_app.config["FIELD_ENCRYPTION_KEY"].encode())


def encrypt(value: str) -> bytes:
    return _fernet().encrypt(value.encode())


def decrypt(token: bytes) -> str:
    try:
        return _fernet().decrypt(token).decode()
    except InvalidToken as exc:  # a wrong key is a deployment error, never a user's
        raise RuntimeError("cannot decrypt a stored value: check FIELD_ENCRYPTION_KEY") from exc
