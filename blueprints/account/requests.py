"""A beneficiary's change requests: what happens next, the timeline, cancelling."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from blueprints.account import bp
from blueprints.account.context import acting_actor, acting_beneficiary
from blueprints.account.forms import EmptyForm
from blueprints.account.journey import refusal_text
from domain import change_requests
from domain.benefit_overview import request_view
from domain.change_requests import ChangeRefused


def _own_request(request_id: int):
    found = change_requests.find_request(acting_beneficiary(), request_id)
    if found is None:
        abort(404)
    return found


@bp.route("/requests/<int:request_id>")
def request_detail(request_id: int):
    return render_template("account/request.html", **request_view(_own_request(request_id)))


@bp.route("/requests/<int:request_id>/sent")
def request_sent(request_id: int):
    found = _own_request(request_id)
    return render_template(
        "account/request_sent.html",
        effective_from=change_requests.effective_if_approved_now(),
        commune=acting_beneficiary().person.commune.name,
        **request_view(found),
    )


@bp.route("/requests/<int:request_id>/cancel", methods=["GET", "POST"])
def request_cancel(request_id: int):
    beneficiary = acting_beneficiary()
    found = _own_request(request_id)
    if not change_requests.can_cancel(found):
        flash(_("This request can no longer be cancelled."), "error")
        return redirect(url_for("account.request_detail", request_id=found.id), code=303)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            change_requests.cancel(beneficiary, found, acting_actor())
        except ChangeRefused as refused:
            flash(refusal_text(refused), "error")
            return redirect(url_for("account.request_detail", request_id=request_id), code=303)
        flash(
            _("Request %(reference)s is cancelled. Your benefit is paid as before.",
              reference=found.reference),
            "success",
        )
        return redirect(url_for("account.home"), code=303)
    return render_template("account/request_cancel.html", form=form, **request_view(found))
