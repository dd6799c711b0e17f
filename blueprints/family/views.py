"""Family helpers: invite (by ID number or QR code) with a code, accept, act for, end."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import qrcode
import qrcode.image.svg
from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.account.context import acting_delegation, acts_for_self
from blueprints.family import bp
from blueprints.family.forms import SCOPE_LABELS, CodeForm, EmptyForm, InviteForm, QrInviteForm
from blueprints.forms import translated
from domain import delegations, otp, sessions
from domain.delegations import DelegationRefused, Invitation
from domain.errors import ValidationError
from domain.models import Beneficiary
from extensions import db, limiter

INVITE_KEY = "family_invite"
QR_KEY = "family_qr"


def _own_beneficiary() -> Beneficiary:
    """Only a beneficiary acting for themself manages their helpers."""
    if not acts_for_self():
        abort(404)
    return current_user.beneficiary


def _actor():
    return current_user.actor()


@bp.route("/")
def index():
    beneficiary = current_user.beneficiary if acts_for_self() else None
    helpers = delegations.helpers_of(beneficiary) if beneficiary else []
    return render_template(
        "family/index.html",
        beneficiary=beneficiary,
        helpers=helpers,
        last_actions={d.id: delegations.last_actions(d) for d in helpers},
        renew_due={d.id: _renew_due(d) for d in helpers},
        action_label=action_label,
        ended=delegations.ended_helpers_of(beneficiary) if beneficiary else [],
        helping=delegations.helping(current_user.person),
        invitations=delegations.invitations_for(current_user.person),
        acting=acting_delegation(),
        scope_labels=SCOPE_LABELS,
        form=EmptyForm(),
        beneficiaries={b.id: b for b in _beneficiaries_helped()},
    )


# What a helper did, as the beneficiary reads it in the list of last actions.
ACTION_LABELS = {
    "change_request.submitted": _l("Asked to change where your benefit is paid"),
    "change_request.cancelled": _l("Cancelled a request to change the account"),
    "change_request.code_sent": _l("Asked for a code to confirm a change"),
    "payments.viewed": _l("Looked at your payments"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label else _("Used the service for you")


def _renew_due(delegation) -> bool:
    """Offer renewal in the last 60 days of a delegation."""
    if delegation.status != "active" or delegation.expires_at is None:
        return False
    return delegation.expires_at - datetime.now(UTC) < timedelta(days=60)


def _beneficiaries_helped() -> list[Beneficiary]:
    ids = {d.beneficiary_id for d in delegations.helping(current_user.person)}
    ids |= {d.beneficiary_id for d in delegations.invitations_for(current_user.person)}
    return [db.session.get(Beneficiary, i) for i in ids]


# --- The beneficiary invites ---


def _code_limit() -> str:
    return "10 per hour"


def _per_person() -> str:
    return f"family-code:{current_user.person.id}"


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    beneficiary = _own_beneficiary()
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = delegations.check_invitation(
                beneficiary, current_user.person, form.scope.data, form.helper_id_number.data
            )
        except DelegationRefused as refused:
            form.helper_id_number.errors.append(translated(refused))
        else:
            session[INVITE_KEY] = {"scope": invitation.scope,
                                   "helper": invitation.helper_id_number}
            return redirect(url_for("family.invite_check"), code=303)
    elif not form.is_submitted() and isinstance(session.get(INVITE_KEY), dict):
        form.scope.data = session[INVITE_KEY].get("scope")
    return render_template("family/invite.html", form=form)


@bp.route("/invite/qr", methods=["GET", "POST"])
def invite_qr():
    beneficiary = _own_beneficiary()
    form = QrInviteForm()
    if form.validate_on_submit():
        try:
            delegations.check_invitation(beneficiary, current_user.person, form.scope.data, None)
        except DelegationRefused as refused:
            form.scope.errors.append(translated(refused))
        else:
            session[INVITE_KEY] = {"scope": form.scope.data, "helper": None}
            return redirect(url_for("family.invite_check"), code=303)
    return render_template("family/invite_qr.html", form=form)


def _pending_invitation(beneficiary: Beneficiary) -> Invitation | None:
    stored = session.get(INVITE_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        return delegations.check_invitation(
            beneficiary, current_user.person, stored.get("scope"), stored.get("helper")
        )
    except (ValidationError, TypeError, AttributeError):  # tampered: as if there were none
        return None


@bp.route("/invite/check", methods=["GET", "POST"])
@limiter.limit(_code_limit, key_func=_per_person, methods=["POST"])
def invite_check():
    beneficiary = _own_beneficiary()
    invitation = _pending_invitation(beneficiary)
    if invitation is None:
        flash(_("Start the invitation again."), "info")
        return redirect(url_for("family.index"), code=303)
    form = EmptyForm()
    if form.validate_on_submit():
        challenge = delegations.send_code(beneficiary, invitation, _actor())
        session[INVITE_KEY] = {**session[INVITE_KEY], "challenge": challenge.public_id}
        return redirect(url_for("family.invite_code"), code=303)
    return render_template("family/invite_check.html", invitation=invitation, form=form,
                           scope_labels=SCOPE_LABELS)


@bp.route("/invite/code", methods=["GET", "POST"])
def invite_code():
    beneficiary = _own_beneficiary()
    invitation = _pending_invitation(beneficiary)
    challenge = delegations.find_challenge((session.get(INVITE_KEY) or {}).get("challenge"))
    if invitation is None or challenge is None:
        flash(_("Start the invitation again."), "info")
        return redirect(url_for("family.index"), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            result = delegations.confirm(beneficiary, challenge, form.code.data, invitation,
                                         _actor())
        except DelegationRefused as refused:
            session.pop(INVITE_KEY, None)
            flash(translated(refused), "error")
            return redirect(url_for("family.index"), code=303)
        if result.outcome is otp.Outcome.ACCEPTED:
            session.pop(INVITE_KEY, None)
            if result.qr_token:
                session[QR_KEY] = {"token": result.qr_token, "id": result.delegation.id}
                return redirect(url_for("family.invite_show_qr"), code=303)
            flash(_("Invitation sent. Your helper must sign in with their own ID number "
                    "and accept it within 7 days."), "success")
            return redirect(url_for("family.index"), code=303)
        if result.outcome is otp.Outcome.WRONG:
            form.code.errors.append(_(
                "The code is not right. Check the SMS and try again: %(left)d tries left.",
                left=result.attempts_left))
        else:
            session[INVITE_KEY] = {k: v for k, v in session[INVITE_KEY].items()
                                   if k != "challenge"}
            flash(_("That code no longer works. Send a new code."), "error")
            return redirect(url_for("family.invite_check"), code=303)
    return render_template("family/invite_code.html", form=form, invitation=invitation,
                           expires_at=challenge.expires_at)


def _qr_invitation():
    stored = session.get(QR_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("token"), str):
        return None, None
    delegation = delegations.find_by_token(stored["token"])
    return (stored["token"], delegation) if delegation is not None else (None, None)


@bp.route("/invite/qr/show")
def invite_show_qr():
    _own_beneficiary()
    token, delegation = _qr_invitation()
    if delegation is None:
        session.pop(QR_KEY, None)
        flash(_("The QR code has expired or was used. Make a new one if you need it."), "info")
        return redirect(url_for("family.index"), code=303)
    return render_template("family/invite_show_qr.html", delegation=delegation,
                           join_url=url_for("family.join", token=token, _external=True))


@bp.route("/invite/qr/code.svg")
def invite_qr_svg():
    _own_beneficiary()
    token, delegation = _qr_invitation()
    if delegation is None:
        abort(404)
    image = qrcode.make(url_for("family.join", token=token, _external=True),
                        image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.route("/<int:delegation_id>/end", methods=["GET", "POST"])
def end(delegation_id: int):
    beneficiary = _own_beneficiary()
    delegation = delegations.find_for_beneficiary(beneficiary, delegation_id) if (
        beneficiary) else None
    if delegation is None or delegation.status not in delegations.OPEN_STATUSES:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        delegations.end(delegation, by="beneficiary", actor=_actor())
        flash(_("Your helper can no longer act for you."), "success")
        return redirect(url_for("family.index"), code=303)
    return render_template("family/end.html", delegation=delegation, form=form, as_helper=False)


@bp.route("/<int:delegation_id>/renew", methods=["POST"])
def renew(delegation_id: int):
    beneficiary = _own_beneficiary()
    delegation = delegations.find_for_beneficiary(beneficiary, delegation_id) if (
        beneficiary) else None
    if delegation is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            delegations.renew(delegation, _actor())
        except DelegationRefused as refused:
            flash(translated(refused), "error")
        else:
            flash(_("Your helper can act for you for another 12 months."), "success")
    return redirect(url_for("family.index"), code=303)


# --- The helper's side ---


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """A helper scanned the beneficiary's QR code (signed in as themself)."""
    delegation = delegations.find_by_token(token)
    if delegation is None:
        return render_template("family/join_invalid.html"), 404
    owner = db.session.get(Beneficiary, delegation.beneficiary_id).person
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            delegations.accept(delegation, current_user.person, current_user.actor(),
                               token=token)
        except DelegationRefused as refused:
            flash(translated(refused), "error")
            return redirect(url_for("family.index"), code=303)
        flash(_("You can now help %(name)s.", name=owner.full_name), "success")
        return redirect(url_for("family.index"), code=303)
    return render_template("family/join.html", delegation=delegation, owner=owner, form=form,
                           scope_labels=SCOPE_LABELS)


def _invitation_for_me(delegation_id: int):
    delegation = delegations.find_for_helper(current_user.person, delegation_id)
    if delegation is None:
        abort(404)
    return delegation


@bp.route("/invitations/<int:delegation_id>/accept", methods=["POST"])
def accept(delegation_id: int):
    delegation = _invitation_for_me(delegation_id)
    if EmptyForm().validate_on_submit():
        try:
            delegations.accept(delegation, current_user.person, current_user.actor())
        except DelegationRefused as refused:
            flash(translated(refused), "error")
        else:
            owner = db.session.get(Beneficiary, delegation.beneficiary_id).person
            flash(_("You can now help %(name)s.", name=owner.full_name), "success")
    return redirect(url_for("family.index"), code=303)


@bp.route("/invitations/<int:delegation_id>/decline", methods=["POST"])
def decline(delegation_id: int):
    delegation = _invitation_for_me(delegation_id)
    if EmptyForm().validate_on_submit() and delegation.status == "invited":
        delegations.decline(delegation, current_user.person, current_user.actor())
        flash(_("You declined the invitation."), "success")
    return redirect(url_for("family.index"), code=303)


@bp.route("/helping/<int:delegation_id>/act", methods=["POST"])
def act_for(delegation_id: int):
    delegation = _invitation_for_me(delegation_id)
    if not delegations.is_live(delegation):
        abort(404)
    if EmptyForm().validate_on_submit():
        sessions.set_acting_for(current_user.session_row, delegation.beneficiary_id)
        return redirect(url_for("account.home"), code=303)
    return redirect(url_for("family.index"), code=303)


@bp.route("/helping/stop", methods=["POST"])
def stop_acting():
    if EmptyForm().validate_on_submit():
        sessions.set_acting_for(current_user.session_row, None)
        flash(_("You stopped helping. You now see your own pages."), "success")
    return redirect(url_for("family.index"), code=303)


@bp.route("/helping/<int:delegation_id>/end", methods=["GET", "POST"])
def stop_helping(delegation_id: int):
    delegation = _invitation_for_me(delegation_id)
    if delegation.status not in delegations.OPEN_STATUSES:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.session_row.acting_for_beneficiary_id == delegation.beneficiary_id:
            sessions.set_acting_for(current_user.session_row, None)
        delegations.end(delegation, by="helper", actor=current_user.actor())
        flash(_("You no longer help this person."), "success")
        return redirect(url_for("family.index"), code=303)
    return render_template("family/end.html", delegation=delegation, form=form, as_helper=True)
