from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from blueprints.access import StaffPrincipal, public
from blueprints.forms import translated
from blueprints.safety import fresh_session
from blueprints.staff_auth import bp
from blueprints.staff_auth.forms import SetupForm, SigninForm, TotpForm
from domain import sessions, staff_auth
from domain.errors import ValidationError
from domain.models import StaffUser
from extensions import limiter

PENDING_KEY = "staff_pending"
SETUP_KEY = "staff_setup"


def _per_username_key() -> str:
    return "staff-signin:" + staff_auth.username_index(request.form.get("username", "")[:60])


def _per_username_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT_PER_ID"]


def _per_address_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT_PER_ADDRESS"]


def landing_for(staff: StaffUser) -> str:
    if staff.role in ("officer", "supervisor"):
        return url_for("review.queue")
    if staff.role == "admin":
        return url_for("admin.staff_list")
    return url_for("staff_auth.home")


def _signed_in_staff() -> bool:
    return current_user.is_authenticated and current_user.kind == "staff"


@bp.route("/signin", methods=["GET", "POST"])
@public
@limiter.limit(_per_address_limit, methods=["POST"])
@limiter.limit(_per_username_limit, key_func=_per_username_key, methods=["POST"])
def signin():
    if _signed_in_staff():
        return redirect(landing_for(current_user.staff))
    form = SigninForm()
    if form.validate_on_submit():
        step = staff_auth.check_password(form.username.data, form.password.data,
                                         current_user.actor())
        if step.result is staff_auth.Result.LOCKED:
            return render_template("staff/locked.html", locked_until=step.locked_until)
        if step.result is staff_auth.Result.DISABLED:
            form.username.errors.append(
                _("This staff account is switched off. Ask an administrator.")
            )
        elif step.result is staff_auth.Result.WRONG:
            form.password.errors.append(
                _("The username or password is not right. Check them and try again.")
            )
        else:
            if current_user.is_authenticated:  # a citizen session in the same browser ends
                sessions.end(current_user.session_row)
                logout_user()
            fresh_session()
            session[PENDING_KEY] = step.token
            target = "staff_auth.code"
            if step.result is staff_auth.Result.NEEDS_ENROLMENT:
                target = "staff_auth.enrol"
            return redirect(url_for(target), code=303)
    return render_template("staff/signin.html", form=form)


def _pending():
    row = staff_auth.pending(session.get(PENDING_KEY))
    if row is None:
        session.pop(PENDING_KEY, None)
    return row


def _restart():
    flash(_("Sign in again with your username and password."), "info")
    return redirect(url_for("staff_auth.signin"), code=303)


def _finish(row, form: TotpForm):
    """Check the code; sign in, show the pause, or put the error on the form (returns None)."""
    step = staff_auth.verify_code(row, form.code.data, current_user.actor())
    if step.result is staff_auth.Result.SIGNED_IN:
        fresh_session()
        login_user(StaffPrincipal(step.token, sessions.load(step.token), step.staff))
        return redirect(landing_for(step.staff), code=303)
    if step.result is staff_auth.Result.LOCKED:
        session.pop(PENDING_KEY, None)
        return render_template("staff/locked.html", locked_until=step.locked_until)
    form.code.errors.append(
        _("The code is not right, or it was used already. Wait for the next code in your app "
          "and type it.")
    )
    return None


@bp.route("/signin/code", methods=["GET", "POST"])
@public
@limiter.limit(_per_address_limit, methods=["POST"])
def code():
    row = _pending()
    if row is None:
        return _restart()
    staff = staff_auth.pending_staff(row)
    if staff.totp_enrolled_at is None or staff.totp_secret_encrypted is None:
        return redirect(url_for("staff_auth.enrol"))
    form = TotpForm()
    if form.validate_on_submit():
        done = _finish(row, form)
        if done is not None:
            return done
    return render_template("staff/code.html", form=form, staff=staff)


@bp.route("/signin/enrol", methods=["GET", "POST"])
@public
@limiter.limit(_per_address_limit, methods=["POST"])
def enrol():
    row = _pending()
    if row is None:
        return _restart()
    staff = staff_auth.pending_staff(row)
    if staff.totp_enrolled_at is not None and staff.totp_secret_encrypted is not None:
        return redirect(url_for("staff_auth.code"))
    secret = staff_auth.enrolment_secret(row, current_user.actor())
    form = TotpForm()
    if form.validate_on_submit():
        done = _finish(row, form)
        if done is not None:
            return done
    return render_template(
        "staff/enrol.html",
        form=form,
        staff=staff,
        secret=staff_auth.grouped_secret(secret),
        issuer=staff_auth.TOTP_ISSUER,
    )


@bp.route("/signin/enrol/qr.svg")
@public
def enrol_qr():
    row = _pending()
    if row is None:
        abort(404)
    staff = staff_auth.pending_staff(row)
    if staff.totp_enrolled_at is not None or staff.totp_secret_encrypted is None:
        abort(404)
    secret = staff_auth.enrolment_secret(row, current_user.actor())
    svg = staff_auth.qr_svg(staff_auth.provisioning_uri(staff, secret))
    return Response(svg, mimetype="image/svg+xml")


@bp.route("/setup/start")
@public
def setup_start():
    """The link in the message: keep the token in the session, out of the address bar."""
    token = request.args.get("token", "")[:100]
    fresh_session()
    session[SETUP_KEY] = token
    return redirect(url_for("staff_auth.setup"), code=303)


@bp.route("/setup", methods=["GET", "POST"])
@public
@limiter.limit(_per_address_limit, methods=["POST"])
def setup():
    staff = staff_auth.find_by_setup_token(session.get(SETUP_KEY))
    if staff is None:
        session.pop(SETUP_KEY, None)
        return render_template("staff/setup_invalid.html"), 404
    form = SetupForm()
    if form.validate_on_submit():
        try:
            staff_auth.choose_password(session[SETUP_KEY], form.password.data,
                                       form.confirmation.data, current_user.actor())
        except ValidationError as error:
            form.password.errors.append(translated(error))
        else:
            if current_user.is_authenticated:
                logout_user()
            fresh_session()
            flash(_("Your password is saved. Sign in with it now: you will then set up your "
                    "authenticator app."), "success")
            return redirect(url_for("staff_auth.signin"), code=303)
    return render_template("staff/setup.html", form=form, staff=staff)


@bp.route("/")
def home():
    staff = current_user.staff
    return render_template(
        "staff/home.html",
        staff=staff,
        locality=staff_auth.locality_name(staff),
        role_label=staff_auth.ROLE_LABELS[staff.role],
    )
