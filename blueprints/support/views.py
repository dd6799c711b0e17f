"""Support desk pages: search, the masked profile, and one page per action.

A profile is reachable only for a beneficiary this agent found by an exact search in this
session: typing another number into the URL answers 404, so nobody can browse by URL.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.account.journey import _unseal
from blueprints.auth.forms import EmptyForm
from blueprints.forms import translated
from blueprints.review.forms import RevealForm
from blueprints.support import bp
from blueprints.support.forms import ActionForm, AssistedForm, CodeForm, NotMeForm, SearchForm
from domain import addresses, change_requests, otp, support
from domain.change_requests import ChangeContent
from domain.errors import N_, ValidationError
from domain.models import Beneficiary
from domain.security import encrypt

CASES_KEY = "support_cases"
ASSISTED_KEY = "support_assisted"
MAX_CASES = 20


def _staff():
    return current_user.staff


def _actor(beneficiary: Beneficiary):
    return current_user.actor(on_behalf_of_person_id=beneficiary.person_id)


def _cases() -> list[int]:
    cases = session.get(CASES_KEY)
    return [c for c in cases if isinstance(c, int)] if isinstance(cases, list) else []


def _beneficiary(beneficiary_id: int) -> Beneficiary:
    if beneficiary_id not in _cases():
        abort(404)
    try:
        return support.get_beneficiary(beneficiary_id)
    except support.NotFound:
        abort(404)


def _refused(error: support.Refused, beneficiary: Beneficiary):
    return render_template("support/refused.html", message=translated(error),
                           beneficiary=beneficiary), 403


@bp.route("/", methods=["GET", "POST"])
def search():
    form = SearchForm()
    not_found = False
    if form.validate_on_submit():
        try:
            found = support.find(_staff(), form.query.data, current_user.actor())
        except support.NotFound:
            not_found = True
        except ValidationError as error:
            form.query.errors.append(translated(error))
        else:
            cases = [c for c in _cases() if c != found.id][-(MAX_CASES - 1):]
            session[CASES_KEY] = [*cases, found.id]
            return redirect(url_for("support.profile", beneficiary_id=found.id), code=303)
    return render_template("support/search.html", form=form, not_found=not_found)


@bp.route("/<int:beneficiary_id>")
def profile(beneficiary_id: int):
    beneficiary = _beneficiary(beneficiary_id)
    try:
        view = support.profile(_staff(), beneficiary, _actor(beneficiary))
    except support.Refused as error:
        return _refused(error, beneficiary)
    return render_template("support/profile.html", p=view)


# --- Actions with a reason and a note ---

ACTIONS = {
    "unlock": {
        "title": N_("Unlock signing in"),
        "button": N_("Unlock signing in"),
        "done": N_("Signing in is unlocked. The beneficiary was told by SMS."),
    },
    "reset_cash": {
        "title": N_("Reset the payment link to cash"),
        "button": N_("Suspend the account and pay in cash"),
        "done": N_("The account is suspended and the benefit is paid in cash at the commune "
                   "office from today. The beneficiary was told by SMS."),
    },
    "resend": {
        "title": N_("Send the last message again"),
        "button": N_("Send it again"),
        "done": N_("The last message was sent again to the registered phone."),
    },
    "not_me": {
        "title": N_('Record "this was not me"'),
        "button": N_("Record the report"),
        "done": N_("The report is recorded. Any open request is on hold for the officer. The "
                   "beneficiary was told by SMS."),
    },
    "revoke": {
        "title": N_("Stop a helper"),
        "button": N_("Stop this helper"),
        "done": N_("The helper can no longer act for the beneficiary. Both were told by SMS."),
    },
}


def _run_action(beneficiary_id: int, action: str, form, run, **context):
    beneficiary = _beneficiary(beneficiary_id)
    problem = support.conflict(_staff(), beneficiary)
    if problem is not None:
        try:
            support.ensure_may_serve(_staff(), beneficiary, _actor(beneficiary), action)
        except support.Refused as error:
            return _refused(error, beneficiary)
    if form.validate_on_submit():
        try:
            run(beneficiary)
        except support.Refused as error:
            if error.reason == "conflict":
                return _refused(error, beneficiary)
            flash(translated(error), "error")
            return redirect(url_for("support.profile", beneficiary_id=beneficiary.id), code=303)
        except ValidationError as error:
            about_code = error.message.startswith(("A message code", "No message"))
            (form.report_code if about_code else form.note).errors.append(translated(error))
        else:
            flash(_(ACTIONS[action]["done"]), "success")
            return redirect(url_for("support.profile", beneficiary_id=beneficiary.id), code=303)
    view = support.profile(_staff(), beneficiary, _actor(beneficiary))
    return render_template("support/action.html", form=form, p=view, action=action,
                           page=ACTIONS[action], **context)


@bp.route("/<int:beneficiary_id>/unlock", methods=["GET", "POST"])
def unlock(beneficiary_id: int):
    form = ActionForm()
    return _run_action(beneficiary_id, "unlock", form, lambda b: support.unlock(
        _staff(), b, form.reason.data, form.note.data, _actor(b)))


@bp.route("/<int:beneficiary_id>/reset-cash", methods=["GET", "POST"])
def reset_cash(beneficiary_id: int):
    form = ActionForm()
    return _run_action(beneficiary_id, "reset_cash", form, lambda b: support.reset_to_cash(
        _staff(), b, form.reason.data, form.note.data, _actor(b)))


@bp.route("/<int:beneficiary_id>/resend", methods=["GET", "POST"])
def resend(beneficiary_id: int):
    form = ActionForm()
    return _run_action(beneficiary_id, "resend", form, lambda b: support.resend_last(
        _staff(), b, form.reason.data, form.note.data, _actor(b)))


@bp.route("/<int:beneficiary_id>/not-me", methods=["GET", "POST"])
def not_me(beneficiary_id: int):
    form = NotMeForm()
    return _run_action(beneficiary_id, "not_me", form, lambda b: support.record_not_me(
        _staff(), b, form.report_code.data, form.reason.data, form.note.data, _actor(b)))


@bp.route("/<int:beneficiary_id>/helpers/<int:delegation_id>/stop", methods=["GET", "POST"])
def revoke(beneficiary_id: int, delegation_id: int):
    beneficiary = _beneficiary(beneficiary_id)
    try:
        delegation = support.find_delegation(beneficiary, delegation_id)
    except support.NotFound:
        abort(404)
    form = ActionForm()
    return _run_action(beneficiary_id, "revoke", form, lambda b: support.revoke_delegation(
        _staff(), b, delegation_id, form.reason.data, form.note.data, _actor(b)),
        delegation=delegation)


# --- Revealing a full account number ---


@bp.route("/<int:beneficiary_id>/reveal/<int:address_id>", methods=["GET", "POST"])
def reveal(beneficiary_id: int, address_id: int):
    beneficiary = _beneficiary(beneficiary_id)
    form = RevealForm()
    if form.validate_on_submit():
        try:
            address, number = support.reveal_number(_staff(), beneficiary, address_id,
                                                    form.reason.data, form.note.data,
                                                    _actor(beneficiary))
        except support.NotFound:
            abort(404)
        except support.Refused as error:
            return _refused(error, beneficiary)
        except ValidationError as error:
            form.note.errors.append(translated(error))
        else:
            return render_template("support/revealed.html", beneficiary=beneficiary,
                                   address=address, number=number)
    try:
        view = support.profile(_staff(), beneficiary, _actor(beneficiary))
    except support.Refused as error:
        return _refused(error, beneficiary)
    address = next((a for a in [view.current, view.upcoming, *view.suspended]
                    if a is not None and a.id == address_id and a.number_encrypted), None)
    if address is None:
        abort(404)
    return render_template("support/reveal.html", form=form, p=view, address=address)


# --- An assisted change request: details, review, code ---


def _assisted_state(beneficiary: Beneficiary) -> dict | None:
    stored = session.get(ASSISTED_KEY)
    if not isinstance(stored, dict) or stored.get("beneficiary_id") != beneficiary.id:
        return None
    number = _unseal(stored.get("number_sealed"))
    if number is None:
        return None
    return {**stored, "number": number}


def _content(beneficiary: Beneficiary, state: dict) -> ChangeContent:
    return support.assisted_content(_staff(), beneficiary, state.get("provider"),
                                    state["number"], _actor(beneficiary))


@bp.route("/<int:beneficiary_id>/assisted", methods=["GET", "POST"])
def assisted(beneficiary_id: int):
    beneficiary = _beneficiary(beneficiary_id)
    form = AssistedForm()
    try:
        support.ensure_may_serve(_staff(), beneficiary, _actor(beneficiary), "assisted")
        change_requests.ensure_can_change(beneficiary)
    except support.Refused as error:
        return _refused(error, beneficiary)
    except ValidationError as error:
        flash(translated(error), "error")
        return redirect(url_for("support.profile", beneficiary_id=beneficiary.id), code=303)
    if form.validate_on_submit():
        try:
            content = support.assisted_content(_staff(), beneficiary, form.provider.data,
                                               form.number.data, _actor(beneficiary))
        except ValidationError as error:
            field = form.provider if "from the list" in error.message else form.number
            field.errors.append(translated(error))
        else:
            session[ASSISTED_KEY] = {
                "beneficiary_id": beneficiary.id,
                "provider": content.provider_code,
                "number_sealed": encrypt(content.number).decode(),
                "reason": form.reason.data,
                "note": form.note.data,
            }
            return redirect(url_for("support.assisted_review", beneficiary_id=beneficiary.id),
                            code=303)
    view = support.profile(_staff(), beneficiary, _actor(beneficiary))
    return render_template("support/assisted.html", form=form, p=view)


@bp.route("/<int:beneficiary_id>/assisted/review", methods=["GET", "POST"])
def assisted_review(beneficiary_id: int):
    beneficiary = _beneficiary(beneficiary_id)
    state = _assisted_state(beneficiary)
    if state is None:
        return redirect(url_for("support.assisted", beneficiary_id=beneficiary.id), code=303)
    try:
        content = _content(beneficiary, state)
    except support.Refused as error:
        return _refused(error, beneficiary)
    except ValidationError as error:
        flash(translated(error), "error")
        return redirect(url_for("support.assisted", beneficiary_id=beneficiary.id), code=303)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            challenge = support.assisted_send_code(_staff(), beneficiary, content,
                                                   state.get("reason"), state.get("note"),
                                                   _actor(beneficiary))
        except support.Refused as error:
            return _refused(error, beneficiary)
        except ValidationError as error:
            flash(translated(error), "error")
            return redirect(url_for("support.assisted", beneficiary_id=beneficiary.id),
                            code=303)
        session[ASSISTED_KEY] = {**session[ASSISTED_KEY], "challenge": challenge.public_id}
        return redirect(url_for("support.assisted_code", beneficiary_id=beneficiary.id),
                        code=303)
    view = support.profile(_staff(), beneficiary, _actor(beneficiary))
    return render_template("support/assisted_review.html", form=form, p=view, content=content)


@bp.route("/<int:beneficiary_id>/assisted/code", methods=["GET", "POST"])
def assisted_code(beneficiary_id: int):
    beneficiary = _beneficiary(beneficiary_id)
    state = _assisted_state(beneficiary)
    challenge = change_requests.find_challenge(state.get("challenge")) if state else None
    if state is None or challenge is None or challenge.person_id != beneficiary.person_id:
        flash(_("Start again: enter the new account details."), "info")
        return redirect(url_for("support.assisted", beneficiary_id=beneficiary.id), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            content = _content(beneficiary, state)
            result = support.assisted_confirm(_staff(), beneficiary, challenge, form.code.data,
                                              content, _actor(beneficiary))
        except support.Refused as error:
            return _refused(error, beneficiary)
        except ValidationError as error:
            session.pop(ASSISTED_KEY, None)
            flash(translated(error), "error")
            return redirect(url_for("support.profile", beneficiary_id=beneficiary.id), code=303)
        if result.request is not None:
            session.pop(ASSISTED_KEY, None)
            return render_template("support/assisted_done.html", beneficiary=beneficiary,
                                   created=result.request)
        if result.refused is not None:
            session.pop(ASSISTED_KEY, None)
            flash(translated(result.refused), "error")
            return redirect(url_for("support.profile", beneficiary_id=beneficiary.id), code=303)
        if result.outcome is otp.Outcome.WRONG:
            form.code.errors.append(_("That code is not right. %(count)d tries left.",
                                      count=result.attempts_left))
        else:
            session.pop(ASSISTED_KEY, None)
            flash(_("The code can no longer be used. Start again to send a new one."), "error")
            return redirect(url_for("support.assisted", beneficiary_id=beneficiary.id),
                            code=303)
    view = support.profile(_staff(), beneficiary, _actor(beneficiary))
    return render_template("support/assisted_code.html", form=form, p=view)


# --- What the templates show ---

KIND_NAMES = {"bank": N_("Bank"), "ewallet": N_("E-wallet"), "mobile_money": N_("Mobile money")}
DELEGATION_SCOPES = {"view": N_("See payments"),
                     "view_and_request": N_("See payments and ask for account changes")}
DELEGATION_STATUSES = {"invited": N_("Invited"), "active": N_("Active")}


def account_label(address) -> str:
    if address is None:
        return _("No account")
    if address.kind == "cash":
        return _("Cash at the commune office")
    return f"{_(KIND_NAMES.get(address.kind, address.kind))}: " \
           f"{addresses.provider_name(address)} {addresses.masked_number(address)}"


@bp.context_processor
def _support_context():
    return {
        "account_label": account_label,
        "reason_labels": support.REASONS,
        "scope_labels": DELEGATION_SCOPES,
        "delegation_status_labels": DELEGATION_STATUSES,
    }
