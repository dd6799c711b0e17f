from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Response, abort, render_template
from flask_babel import gettext as _

from blueprints.filters import format_date, format_period
from blueprints.payments import bp
from blueprints.payments.context import change_journey_url, viewed_beneficiary
from blueprints.payments.forms import HistoryFilterForm
from domain import payments
from domain.identifiers import mask_id_number
from domain.models import Payment
from domain.payments import Filters
from domain.programmes import programme_name


def describe(payment: Payment, id_number: str) -> dict:
    """What a template shows about a payment, in the person's language."""
    msgid, params = payments.paid_into(payment)
    paid_into = _(msgid, **params)
    return {
        "payment": payment,
        # Some partners build references from the ID number: never print it whole.
        "reference": payment.partner_reference.replace(id_number, mask_id_number(id_number)),
        "programme": _(programme_name(payment.programme)),
        "status": _(payments.status_label(payment.status)),
        "tag": payments.status_tag(payment.status),
        "paid_into": paid_into,  # inside a sentence
        "paid_into_label": paid_into[:1].upper() + paid_into[1:],  # on its own
        "paid_on": payments.paid_on(payment),
        "is_problem": payment.status in payments.PROBLEM_STATUSES,
        "is_cash": payment.fa_kind in (None, "cash"),
    }


@bp.route("/")
def history():
    beneficiary = viewed_beneficiary()
    years = payments.years_with_payments(beneficiary.id)
    programmes = payments.programmes_with_payments(beneficiary.id)
    form = HistoryFilterForm(years, programmes)
    if form.validate():
        filters, cursor = form.filters, form.cursor
    else:
        filters, cursor = Filters(), None
    result = payments.history_page(beneficiary.id, filters, cursor)
    groups = [
        {"year": group.year, "total": group.total,
         "rows": [describe(p, beneficiary.person.id_number) for p in group.payments]}
        for group in result.groups
    ]
    return render_template(
        "payments/history.html",
        form=form,
        filters=filters,
        cursor=cursor,
        groups=groups,
        next_cursor=result.next_cursor,
        problem=_unresolved_problem(groups),
        active_filters=_active_filters(filters),
        show_programme=len(programmes) > 1,
        has_any_payment=bool(years),
    )


def _unresolved_problem(groups: list[dict]) -> Payment | None:
    """The newest failed or returned payment shown that no later payment made good."""
    rows = [row["payment"] for group in groups for row in group["rows"]]
    made_good = {(p.period, p.programme) for p in rows if p.status in payments.RECEIVED_STATUSES}
    return next((p for p in rows if p.status in payments.PROBLEM_STATUSES
                 and (p.period, p.programme) not in made_good), None)


def _active_filters(filters: Filters) -> list[str]:
    labels = []
    if filters.year is not None:
        labels.append(str(filters.year))
    if filters.programme is not None:
        labels.append(_(programme_name(filters.programme)))
    if filters.status is not None:
        labels.append(_(payments.status_label(filters.status)))
    return labels


def _own_payment(payment_id: int) -> Payment:
    payment = payments.find_payment(viewed_beneficiary().id, payment_id)
    if payment is None:
        abort(404)
    return payment


@bp.route("/<int:payment_id>")
def detail(payment_id: int):
    payment = _own_payment(payment_id)
    return render_template(
        "payments/detail.html",
        item=describe(payment, viewed_beneficiary().person.id_number),
        change_url=change_journey_url(),
    )


@bp.route("/<int:payment_id>/receipt")
def receipt(payment_id: int):
    payment = _own_payment(payment_id)
    person = viewed_beneficiary().person
    return render_template(
        "payments/receipt.html",
        item=describe(payment, person.id_number),
        person=person,
        now=datetime.now(UTC),
    )


def _cell(value: object) -> str:
    """A spreadsheet cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/<int:year>.csv")
def year_csv(year: int):
    beneficiary = viewed_beneficiary()
    if not payments.FIRST_YEAR <= year <= payments.LAST_YEAR:
        abort(404)
    rows = [describe(payment, beneficiary.person.id_number)
            for payment in payments.payments_in_year(beneficiary.id, year)]
    if not rows:
        abort(404)
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, so spreadsheet programs read the Vietnamese as UTF-8
    writer = csv.writer(out)
    writer.writerow([_("Month"), _("Programme"), _("Amount (đồng)"), _("Status"),
                     _("Paid on"), _("Paid into"), _("Payment reference"), _("Reason")])
    for row in rows:
        payment = row["payment"]
        writer.writerow([_cell(v) for v in (
            format_period(payment.period), row["programme"], payment.amount, row["status"],
            format_date(row["paid_on"]), row["paid_into_label"], row["reference"],
            payment.failure_reason,
        )])
    filename = f"an-sinh-link-{year}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
