from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from blueprints.admin import bp
from blueprints.admin.forms import CreateStaffForm
from blueprints.auth.forms import EmptyForm
from blueprints.forms import translated
from domain import audit, staff_auth
from domain.errors import ValidationError


def _setup_link(token: str) -> str:
    return url_for("staff_auth.setup_start", token=token, _external=True)


def _target(staff_id: int):
    staff = staff_auth.get_staff(staff_id)
    if staff is None:
        abort(404)
    return staff


@bp.route("/")
def staff_list():
    people = staff_auth.all_staff()
    return render_template(
        "admin/staff_list.html",
        people=people,
        states={s.id: staff_auth.staff_state(s) for s in people},
        localities={s.id: staff_auth.locality_name(s) for s in people},
        role_labels=staff_auth.ROLE_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = CreateStaffForm()
    form.locality.choices = [SelectChoice("", _("Whole country (support and administrators)"))] + [
        SelectChoice(code, name) for code, name in staff_auth.locality_choices()
    ]
    if form.validate_on_submit():
        try:
            staff, token = staff_auth.create_staff(
                username=form.username.data,
                display_name=form.display_name.data,
                role=form.role.data,
                locality=form.locality.data,
                id_number=form.id_number.data or None,
                actor=current_user.actor(),
            )
        except staff_auth.FieldError as error:
            getattr(form, error.field).errors.append(translated(error))
        else:
            return render_template("admin/link.html", staff=staff, link=_setup_link(token),
                                   created=True)
    return render_template("admin/new.html", form=form)


@bp.route("/<int:staff_id>")
def detail(staff_id: int):
    staff = _target(staff_id)
    return render_template(
        "admin/detail.html",
        staff=staff,
        state=staff_auth.staff_state(staff),
        locality=staff_auth.locality_name(staff),
        role_label=staff_auth.ROLE_LABELS[staff.role],
        lockout=staff_auth.current_lockout(staff),
        events=audit.search(subjects={"staff_user": [staff.id]}, actor=("staff", staff.id),
                            limit=50),
        action_form=EmptyForm(),
        is_me=staff.id == current_user.staff.id,
    )


def _confirmed(staff_id: int, action, template: str, done: str):
    """GET asks to confirm; POST runs `action(staff, actor)` and goes back to the detail page."""
    staff = _target(staff_id)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            action(staff, current_user.actor())
        except ValidationError as error:
            flash(translated(error), "error")
        else:
            flash(done % {"name": staff.display_name}, "success")
        return redirect(url_for("admin.detail", staff_id=staff.id), code=303)
    return render_template(template, staff=staff, form=form)


@bp.route("/<int:staff_id>/disable", methods=["GET", "POST"])
def disable(staff_id: int):
    return _confirmed(staff_id, staff_auth.disable, "admin/confirm_disable.html",
                      _("%(name)s's account is switched off and signed out everywhere."))


@bp.route("/<int:staff_id>/enable", methods=["POST"])
def enable(staff_id: int):
    return _confirmed(staff_id, staff_auth.enable, "admin/confirm_disable.html",
                      _("%(name)s's account is switched on again."))


@bp.route("/<int:staff_id>/reset-authenticator", methods=["GET", "POST"])
def reset_authenticator(staff_id: int):
    return _confirmed(staff_id, staff_auth.reset_totp, "admin/confirm_reset.html",
                      _("%(name)s's authenticator is reset. They set up a new one at their "
                        "next sign-in."))


@bp.route("/<int:staff_id>/lift-lockout", methods=["POST"])
def lift_lockout(staff_id: int):
    return _confirmed(staff_id, staff_auth.lift_lockout, "admin/confirm_disable.html",
                      _("%(name)s can sign in again."))


@bp.route("/<int:staff_id>/setup-link", methods=["GET", "POST"])
def setup_link(staff_id: int):
    staff = _target(staff_id)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            token = staff_auth.new_setup_link(staff, current_user.actor())
        except ValidationError as error:
            flash(translated(error), "error")
            return redirect(url_for("admin.detail", staff_id=staff.id), code=303)
        return render_template("admin/link.html", staff=staff, link=_setup_link(token),
                               created=False)
    return render_template("admin/confirm_setup_link.html", staff=staff, form=form)
