"""Whom the signed-in person is acting for: the one place that decides it.

Today a beneficiary acts for themselves; a family helper acting for a beneficiary will be
decided here, and every account page follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user

from domain.actors import Actor
from domain.models import Beneficiary


@dataclass(frozen=True)
class Opener:
    """Who opens a change request, as the request records it."""

    kind: str  # self | helper | support
    person_id: int | None = None


def acting_beneficiary_or_none() -> Beneficiary | None:
    return current_user.beneficiary


def acting_beneficiary() -> Beneficiary:
    """The beneficiary the signed-in person acts for; 404 when there is none."""
    beneficiary = acting_beneficiary_or_none()
    if beneficiary is None:
        abort(404)
    return beneficiary


def acting_actor() -> Actor:
    return current_user.actor()


def opener() -> Opener:
    return Opener("self", None)


def acts_for_self() -> bool:
    """Whether the signed-in person is the beneficiary (only they may change the lock)."""
    beneficiary = acting_beneficiary_or_none()
    return beneficiary is not None and beneficiary.person_id == current_user.person.id
