"""Whom the signed-in person is acting for: the one place that decides it.

A beneficiary acts for themselves. A family helper who chose someone to help (the choice is
kept on the server-side session) acts for that beneficiary within the delegation's scope:
every page then shows whom they help, and every action is recorded with the helper as actor
and the beneficiary as the person acted for.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, request
from flask_login import current_user

from domain import delegations, sessions
from domain.actors import Actor
from domain.models import Beneficiary, Delegation
from extensions import client_address, db


@dataclass(frozen=True)
class Opener:
    """Who opens a change request, as the request records it."""

    kind: str  # self | helper | support
    person_id: int | None = None


def acting_delegation() -> Delegation | None:
    """The live delegation the signed-in helper acts under, or None when acting for oneself."""
    if "acting_delegation" in g:
        return g.acting_delegation
    found = None
    if current_user.is_authenticated and current_user.kind == "citizen":
        beneficiary_id = current_user.session_row.acting_for_beneficiary_id
        if beneficiary_id is not None:
            found = delegations.live_delegation(current_user.person.id, beneficiary_id)
            if found is None:  # ended or expired meanwhile: back to acting for oneself
                sessions.set_acting_for(current_user.session_row, None)
                g.help_ended = True
    g.acting_delegation = found
    return found


def acting_beneficiary_or_none() -> Beneficiary | None:
    delegation = acting_delegation()
    if delegation is not None:
        return db.session.get(Beneficiary, delegation.beneficiary_id)
    return current_user.beneficiary


def acting_beneficiary() -> Beneficiary:
    """The beneficiary the signed-in person acts for; 404 when there is none."""
    beneficiary = acting_beneficiary_or_none()
    if beneficiary is None:
        abort(404)
    return beneficiary


def acting_actor() -> Actor:
    delegation = acting_delegation()
    if delegation is None:
        return current_user.actor()
    beneficiary = db.session.get(Beneficiary, delegation.beneficiary_id)
    return Actor("citizen", current_user.person.id, "helper", beneficiary.person_id,
                 client_address())


def opener() -> Opener:
    if acting_delegation() is not None:
        return Opener("helper", current_user.person.id)
    return Opener("self", None)


def acts_for_self() -> bool:
    """Whether the signed-in person is the beneficiary (only they may change the lock)."""
    if acting_delegation() is not None:
        return False
    beneficiary = current_user.beneficiary
    return beneficiary is not None and beneficiary.person_id == current_user.person.id


# Endpoints a helper may use only with the "ask for account changes" scope, and those only
# the beneficiary may use (the lock, the QR code that shows the full account number).
CHANGE_PREFIXES = ("account.change", "account.request_cancel")
OWNER_ONLY = ("account.lock", "account.vietqr")


def enforce_scope():
    """before_request rule: a helper sees only what the delegation's scope allows."""
    delegation = acting_delegation()
    if delegation is None:
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith(OWNER_ONLY):
        abort(403)
    if endpoint.startswith(CHANGE_PREFIXES) and not delegations.scope_allows_changes(delegation):
        abort(403)
    if request.method == "POST":
        delegations.recorded_action(delegation)
        db.session.commit()
    return None
