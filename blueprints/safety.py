"""Small request helpers used by several blueprints."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import session

KEEP_ACROSS_SIGNIN = ("lang",)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no `//` or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def fresh_session() -> None:
    """Drop everything from before sign-in (no fixation) but the language choice."""
    kept = {key: session[key] for key in KEEP_ACROSS_SIGNIN if key in session}
    session.clear()
    session.update(kept)
