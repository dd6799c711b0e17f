from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from blueprints.access import CitizenUser, public
from blueprints.auth import bp
from blueprints.auth.forms import CodeForm, EmptyForm, IdNumberForm
from blueprints.safety import fresh_session, safe_next
from domain import otp, sessions
from domain import signin as citizen_signin
from domain.errors import ValidationError
from domain.identifiers import normalize_id_number
from domain.security import id_number_index
from extensions import limiter

CHALLENGE_KEY = "signin_challenge"
NEXT_KEY = "signin_next"


def _id_number_key() -> str:
    try:
        id_number = normalize_id_number(request.form.get("id_number", ""))
        return "signin-id:" + id_number_index(id_number)
    except ValidationError:
        return "signin-id:malformed"


def _per_id_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT_PER_ID"]


def _per_address_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT_PER_ADDRESS"]


@bp.route("/signin", methods=["GET", "POST"])
@public
@limiter.limit(_per_address_limit, methods=["POST"])
@limiter.limit(_per_id_limit, key_func=_id_number_key, methods=["POST"])
def signin():
    if current_user.is_authenticated and current_user.kind == "citizen":
        return redirect(url_for("account.home"))
    form = IdNumberForm()
    if form.validate_on_submit():
        started = citizen_signin.start(form.id_number.data, current_user.actor())
        if started.locked_until is not None:
            return render_template("auth/locked.html", locked_until=started.locked_until)
        next_target = session.get(NEXT_KEY) or safe_next(request.args.get("next"))
        fresh_session()
        session[CHALLENGE_KEY] = started.challenge_id
        if next_target:
            session[NEXT_KEY] = next_target
        return redirect(url_for("auth.code"), code=303)
    if request.method == "GET" and safe_next(request.args.get("next")):
        session[NEXT_KEY] = safe_next(request.args.get("next"))
    return render_template("auth/signin.html", form=form)


def _current_challenge():
    return otp.find_open(session.get(CHALLENGE_KEY), purpose=citizen_signin.PURPOSE)


@bp.route("/signin/code", methods=["GET", "POST"])
@public
@limiter.limit(_per_address_limit, methods=["POST"])
def code():
    challenge = _current_challenge()
    if challenge is None:
        flash(_("Enter your personal ID number to get a code."), "info")
        return redirect(url_for("auth.signin"))
    form = CodeForm()
    if form.validate_on_submit():
        verified = citizen_signin.verify(challenge, form.code.data, current_user.actor())
        if verified.result is citizen_signin.Result.SIGNED_IN:
            next_target = safe_next(session.get(NEXT_KEY))
            fresh_session()
            row = sessions.load(verified.session_token)
            login_user(CitizenUser(verified.session_token, row, verified.person))
            return redirect(next_target or url_for("account.home"), code=303)
        if verified.result is citizen_signin.Result.LOCKED:
            session.pop(CHALLENGE_KEY, None)
            return render_template("auth/locked.html", locked_until=verified.locked_until)
        if verified.result is citizen_signin.Result.FAILED:
            session.pop(CHALLENGE_KEY, None)
            return render_template("auth/ended.html", reason="failed")
        if verified.result is citizen_signin.Result.EXPIRED:
            session.pop(CHALLENGE_KEY, None)
            return render_template("auth/ended.html", reason="expired")
        form.code.errors.append(
            _(
                "The code is not right. Check the SMS and try again: %(left)d tries left.",
                left=verified.attempts_left,
            )
        )
    return render_template(
        "auth/code.html",
        form=form,
        resend_form=EmptyForm(),
        wait=otp.seconds_until_resend(challenge),
        resend_at=challenge.last_sent_at,
        expires_at=challenge.expires_at,
    )


@bp.route("/signin/resend", methods=["POST"])
@public
@limiter.limit(_per_address_limit)
def resend():
    challenge = _current_challenge()
    form = EmptyForm()
    if challenge is None or not form.validate_on_submit():
        return redirect(url_for("auth.signin"))
    wait = citizen_signin.resend(challenge, current_user.actor())
    if wait > 0:
        flash(_("You can ask for a new code in %(seconds)d seconds.", seconds=wait), "error")
    elif not otp.is_usable(challenge):
        session.pop(CHALLENGE_KEY, None)
        return render_template("auth/ended.html", reason="expired")
    else:
        flash(_("We sent a new code. Earlier codes no longer work."), "success")
    return redirect(url_for("auth.code"), code=303)


@bp.route("/signout", methods=["POST"])
@public
def signout():
    form = EmptyForm()
    if current_user.is_authenticated and form.validate_on_submit():
        citizen_signin.sign_out(current_user.session_row, current_user.actor())
        target = "staff_auth.signin" if current_user.kind == "staff" else "auth.signin"
        logout_user()
        fresh_session()
        flash(_("You have signed out."), "success")
        return redirect(url_for(target), code=303)
    return redirect(url_for("auth.signin"), code=303)


@bp.route("/session/keep-alive", methods=["POST"])
@public
def keep_alive():
    form = EmptyForm()
    if not current_user.is_authenticated or not form.validate_on_submit():
        if request.accept_mimetypes.best == "application/json":
            return jsonify(signed_in=False), 401
        return redirect(url_for("auth.signin"), code=303)
    sessions.keep_alive(current_user.session_row)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(signed_in=True, expires_at=current_user.expires_at.isoformat())
    return redirect(safe_next(request.form.get("next")) or url_for("account.home"), code=303)
