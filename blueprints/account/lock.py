"""The opt-in lock on online changes, switched on or off with a code."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.account import bp
from blueprints.account.context import acting_actor, acting_beneficiary, acts_for_self
from blueprints.account.forms import CodeForm, EmptyForm
from blueprints.forms import translated
from domain import change_lock, otp
from domain.errors import ValidationError
from extensions import limiter

LOCK_KEY = "change_lock"


def _code_limit() -> str:
    return current_app.config.get("CHANGE_CODE_RATE_LIMIT", "10 per hour")


def _per_person() -> str:
    person = getattr(current_user, "person", None)
    return f"lock-code:{person.id if person else 'anonymous'}"


def _own_beneficiary():
    # Only the beneficiary themself switches the lock, never someone acting for them.
    if not acts_for_self():
        abort(404)
    return acting_beneficiary()


@bp.route("/lock", methods=["GET", "POST"])
@limiter.limit(_code_limit, key_func=_per_person, methods=["POST"])
def lock():
    beneficiary = _own_beneficiary()
    state = change_lock.state(beneficiary)
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        turn_on = not state.locked
        try:
            challenge = change_lock.send_code(beneficiary, turn_on, acting_actor())
        except ValidationError as refused:
            error = translated(refused)
        else:
            session[LOCK_KEY] = {"challenge": challenge.public_id, "turn_on": turn_on}
            return redirect(url_for("account.lock_code"), code=303)
    return render_template("account/lock.html", state=state, form=form, error=error)


def _pending():
    pending = session.get(LOCK_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("turn_on"), bool):
        return None, None
    challenge = change_lock.find_challenge(pending.get("challenge"), pending["turn_on"])
    return challenge, pending["turn_on"]


@bp.route("/lock/code", methods=["GET", "POST"])
def lock_code():
    beneficiary = _own_beneficiary()
    challenge, turn_on = _pending()
    if challenge is None or challenge.person_id != beneficiary.person_id:
        session.pop(LOCK_KEY, None)
        flash(_("Choose what you want to do, then we send you a code."), "info")
        return redirect(url_for("account.lock"), code=303)
    form = CodeForm()
    if form.validate_on_submit():
        checked = change_lock.confirm(beneficiary, challenge, form.code.data, turn_on,
                                      acting_actor())
        if checked.outcome is otp.Outcome.ACCEPTED:
            session.pop(LOCK_KEY, None)
            if turn_on:
                flash(_("Online changes are locked. Changes can only be made at your commune "
                        "office."), "success")
            else:
                flash(_("Online changes are unlocked. For your safety a change can start in "
                        "24 hours."), "success")
            return redirect(url_for("account.lock"), code=303)
        if checked.outcome is otp.Outcome.WRONG:
            form.code.errors.append(
                _("The code is not right. Check the SMS and try again: %(left)d tries left.",
                  left=checked.attempts_left)
            )
        else:
            session.pop(LOCK_KEY, None)
            if checked.outcome is otp.Outcome.FAILED:
                flash(_("The code was entered wrongly too many times. Ask for a new code."),
                      "error")
            else:
                flash(_("The code has expired. Ask for a new code."), "error")
            return redirect(url_for("account.lock"), code=303)
    return render_template(
        "account/lock_code.html",
        form=form,
        resend_form=EmptyForm(),
        turn_on=turn_on,
        wait=otp.seconds_until_resend(challenge),
        resend_at=challenge.last_sent_at,
        expires_at=challenge.expires_at,
    )


@bp.route("/lock/resend", methods=["POST"])
@limiter.limit(_code_limit, key_func=_per_person)
def lock_resend():
    beneficiary = _own_beneficiary()
    challenge, turn_on = _pending()
    form = EmptyForm()
    if challenge is None or challenge.person_id != beneficiary.person_id:
        return redirect(url_for("account.lock"), code=303)
    if not form.validate_on_submit():
        return redirect(url_for("account.lock_code"), code=303)
    wait = change_lock.resend_code(beneficiary, challenge, turn_on, acting_actor())
    if wait > 0:
        flash(_("You can ask for a new code in %(seconds)d seconds.", seconds=wait), "error")
    elif not otp.is_usable(challenge):
        session.pop(LOCK_KEY, None)
        flash(_("The code has expired. Ask for a new code."), "error")
        return redirect(url_for("account.lock"), code=303)
    else:
        flash(_("We sent a new code. Earlier codes no longer work."), "success")
    return redirect(url_for("account.lock_code"), code=303)
