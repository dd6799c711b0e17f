from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from blueprints.auth.forms import EmptyForm
from blueprints.forms import translated
from blueprints.review import bp
from blueprints.review.forms import (
    AuditSearchForm,
    QueueFilterForm,
    RejectForm,
    RevealForm,
    VersionedForm,
)
from domain import cycles, review
from domain.errors import ValidationError


def _staff():
    return current_user.staff


def _filters() -> tuple[QueueFilterForm, review.QueueFilter]:
    staff = _staff()
    form = QueueFilterForm(formdata=request.args)
    form.commune.choices = [SelectChoice("", _("All communes"))] + [
        SelectChoice(commune.code, commune.name) for commune in review.communes_in_scope(staff)
    ]
    form.validate()
    page = request.args.get("page", default=1, type=int) or 1
    filters = review.QueueFilter(
        status=form.status.data if form.status.data and not form.status.errors else "open",
        risk=form.risk.data if form.risk.data and not form.risk.errors else "any",
        commune=form.commune.data if form.commune.data and not form.commune.errors else None,
        page=page,
    )
    return form, filters


@bp.route("/")
def queue():
    form, filters = _filters()
    page = review.queue(_staff(), filters)
    return render_template(
        "review/queue.html",
        form=form,
        filters=filters,
        page=page,
        scope=review.scope_name(_staff()),
        action_form=EmptyForm(),
    )


@bp.route("/export.csv")
def export():
    _form, filters = _filters()
    body, _count = review.export_csv(_staff(), filters, current_user.actor())
    filename = f"an-sinh-link-queue-{cycles.today().strftime('%Y%m%d')}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/next", methods=["POST"])
def claim_next():
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("review.queue"), code=303)
    claimed = review.claim_next(_staff(), current_user.actor())
    if claimed is None:
        flash(_("No request is waiting for you now."), "info")
        return redirect(url_for("review.queue"), code=303)
    flash(_("You are reviewing request %(reference)s. Your claim lasts 2 hours.",
            reference=claimed.reference), "success")
    return redirect(url_for("review.show", request_id=claimed.id), code=303)


def _view(request_id: int) -> review.ReviewView:
    try:
        return review.review_view(_staff(), request_id)
    except review.NotFound:
        abort(404)


@bp.route("/<int:request_id>")
def show(request_id: int):
    view = _view(request_id)
    return render_template(
        "review/review.html",
        v=view,
        action_form=EmptyForm(),
        decision_form=VersionedForm(data={"version": str(view.request.version)}),
        next_cutoff=cycles.next_cutoff(cycles.today()),
    )


def _back_to(request_id: int):
    return redirect(url_for("review.show", request_id=request_id), code=303)


@bp.route("/<int:request_id>/claim", methods=["POST"])
def claim(request_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        return _back_to(request_id)
    try:
        claimed = review.claim(_staff(), request_id, current_user.actor())
    except review.NotFound:
        abort(404)
    except review.Refused as refusal:
        flash(translated(refusal), "error")
        return _back_to(request_id)
    flash(_("You are reviewing request %(reference)s. Your claim lasts 2 hours.",
            reference=claimed.reference), "success")
    return _back_to(request_id)


@bp.route("/<int:request_id>/release", methods=["POST"])
def release(request_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        return _back_to(request_id)
    try:
        released = review.release(_staff(), request_id, current_user.actor())
    except review.NotFound:
        abort(404)
    except review.Refused as refusal:
        flash(translated(refusal), "error")
        return _back_to(request_id)
    flash(_("You released request %(reference)s. Another officer can take it now.",
            reference=released.reference), "success")
    return redirect(url_for("review.queue"), code=303)


@bp.route("/<int:request_id>/approve", methods=["GET", "POST"])
def approve(request_id: int):
    if request.method == "POST":
        form = VersionedForm()
        if form.validate_on_submit():
            try:
                decision = review.approve(_staff(), request_id, form.seen_version,
                                          current_user.actor())
            except review.NotFound:
                abort(404)
            except review.Refused as refusal:
                flash(translated(refusal), "error")
                return _back_to(request_id)
            if decision.outcome == "first_approval":
                flash(_("First approval recorded for %(reference)s. A supervisor must now give "
                        "the second approval.", reference=decision.request.reference), "success")
            else:
                flash(_("Request %(reference)s is approved. Payments go to the new account from "
                        "the cut-off on %(date)s. The beneficiary gets an SMS.",
                        reference=decision.request.reference,
                        date=decision.effective_from.strftime("%d/%m/%Y")), "success")
            return redirect(url_for("review.queue"), code=303)
        view = _view(request_id)
    else:
        view = _view(request_id)
        if not view.can_decide:
            flash(_("Claim this request before you decide it."), "error")
            return _back_to(request_id)
        form = VersionedForm(data={"version": str(view.request.version)})
    return render_template(
        "review/approve.html",
        v=view,
        form=form,
        next_cutoff=cycles.next_cutoff(cycles.today()),
    )


@bp.route("/<int:request_id>/reject", methods=["GET", "POST"])
def reject(request_id: int):
    view = _view(request_id)
    if request.method == "GET" and not view.can_decide:
        flash(_("Claim this request before you decide it."), "error")
        return _back_to(request_id)
    form = RejectForm(data={"version": str(view.request.version)})
    if request.method == "POST":
        form = RejectForm()
        if form.validate_on_submit():
            try:
                decision = review.reject(_staff(), request_id, form.seen_version,
                                         form.reason.data, form.note.data, current_user.actor())
            except review.NotFound:
                abort(404)
            except review.Refused as refusal:
                flash(translated(refusal), "error")
                return _back_to(request_id)
            except ValidationError as error:
                form.note.errors.append(translated(error))
            else:
                flash(_("Request %(reference)s is rejected. The beneficiary gets an SMS saying "
                        "why and what to do.", reference=decision.request.reference), "success")
                return redirect(url_for("review.queue"), code=303)
    return render_template("review/reject.html", v=view, form=form)


@bp.route("/<int:request_id>/reveal/<int:address_id>", methods=["GET", "POST"])
def reveal(request_id: int, address_id: int):
    try:
        address = review.reveal_target(_staff(), request_id, address_id)
    except review.NotFound:
        abort(404)
    view = _view(request_id)
    form = RevealForm()
    if form.validate_on_submit():
        try:
            revealed = review.reveal_number(_staff(), request_id, address_id, form.reason.data,
                                            form.note.data, current_user.actor())
        except review.NotFound:
            abort(404)
        except ValidationError as error:
            form.note.errors.append(translated(error))
        else:
            return render_template("review/revealed.html", v=view, revealed=revealed)
    return render_template("review/reveal.html", v=view, form=form, address=address)


@bp.route("/dashboard")
def dashboard():
    staff = _staff()
    if staff.role != "supervisor":
        abort(403)
    return render_template(
        "review/dashboard.html",
        board=review.dashboard(staff),
        scope=review.scope_name(staff),
        statuses=review.DASHBOARD_STATUSES,
        overdue_after=review.OVERDUE_AFTER_WORKING_DAYS,
    )


@bp.route("/audit", methods=["GET", "POST"])
def audit_search():
    form = AuditSearchForm()
    result = None
    if form.validate_on_submit():
        try:
            result = review.beneficiary_log(_staff(), form.id_number.data, current_user.actor())
        except review.NotFound:
            form.id_number.errors.append(
                _("Nobody with this ID number lives in your area. Check the number.")
            )
    return render_template("review/audit.html", form=form, result=result)
