"""Who is signed in, and the access rules the blueprints attach.

The cookie carries only a random session token (Flask-Login's "alternative token" pattern);
the `auth_session` table says whether it is still valid, so signing out and idle time-outs
hold on every worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask, abort, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user

from domain import sessions
from domain.actors import Actor
from domain.models import AuthSession, Beneficiary, Person, StaffUser
from extensions import client_address, db, login_manager


@dataclass
class CitizenUser:
    token: str
    session_row: AuthSession
    person: Person

    is_authenticated = True
    is_active = True
    is_anonymous = False
    kind = "citizen"

    def get_id(self) -> str:
        return self.token

    @property
    def beneficiary(self) -> Beneficiary | None:
        if "_beneficiary" not in self.__dict__:
            from sqlalchemy import select

            self.__dict__["_beneficiary"] = db.session.scalar(
                select(Beneficiary).where(Beneficiary.person_id == self.person.id)
            )
        return self.__dict__["_beneficiary"]

    @property
    def expires_at(self) -> datetime:
        return sessions.expires_at(self.session_row)

    def actor(self) -> Actor:
        return Actor("citizen", self.person.id, None, None, client_address())


@dataclass
class StaffPrincipal:
    token: str
    session_row: AuthSession
    staff: StaffUser

    is_authenticated = True
    is_active = True
    is_anonymous = False
    kind = "staff"

    def get_id(self) -> str:
        return self.token

    @property
    def expires_at(self) -> datetime:
        return sessions.expires_at(self.session_row)

    def actor(self, on_behalf_of_person_id: int | None = None) -> Actor:
        return Actor(
            "staff",
            self.staff.id,
            self.staff.username,
            on_behalf_of_person_id,
            client_address(),
        )


class Anonymous(AnonymousUserMixin):
    kind = "anonymous"

    def actor(self) -> Actor:
        return Actor("anonymous", None, None, None, client_address())


def _load(token: str):
    row = sessions.load(token)
    if row is None:
        g.session_lapsed = True
        return None
    if row.principal_kind == "citizen":
        person = db.session.get(Person, row.person_id)
        if person is None or not person.is_alive:
            return None
        return CitizenUser(token, row, person)
    staff = db.session.get(StaffUser, row.staff_id)
    if staff is None or not staff.is_active:
        return None
    return StaffPrincipal(token, row, staff)


def init_app(app: Flask) -> None:
    login_manager.user_loader(_load)
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = None  # the server-side session does this job
    login_manager.login_view = "auth.signin"
    login_manager.login_message = _l("Sign in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/staff") and "staff_auth" in app.blueprints:
            return redirect(url_for("staff_auth.signin"))
        if g.get("session_lapsed") or session.pop("_user_id", None):
            flash(_l("You were signed out after a time without activity. Sign in again."), "info")
        else:
            flash(_l("Sign in to continue."), "info")
        if request.method == "GET":
            return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))
        return redirect(url_for("auth.signin"))


def require_citizen() -> None:
    """before_request rule for citizen blueprints."""
    if not current_user.is_authenticated or current_user.kind != "citizen":
        return login_manager.unauthorized()
    return None


def require_staff(*roles: str):
    def rule():
        if not current_user.is_authenticated or current_user.kind != "staff":
            return login_manager.unauthorized()
        if roles and current_user.staff.role not in roles:
            abort(403)
        return None

    return rule


def public(view):
    """Mark a view that needs no sign-in; the route-access test refuses any other open view."""
    view.is_public = True
    return view
