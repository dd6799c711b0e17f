"""POST /api/v1/payments/status: payment results by reference, idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from domain import addresses
from domain.models import AuditEvent, Payment
from extensions import db
from tests.factories import make_beneficiary
from tests.payment_factories import make_payment

URL = "/api/v1/payments/status"


def _post(client, auth, *items):
    return client.post(URL, json={"payment_status": list(items)}, headers=auth)


def _answers(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    return [(o["partner_reference"], o["status_reason_code"])
            for o in body["payment_status_response"]], body["summary"]


def test_results_of_a_payment_run_create_the_payments_and_posting_twice_changes_nothing(
        client, auth):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    cash = make_beneficiary()
    run = client.get("/api/v1/payment-run?period=2026-03", headers=auth)
    lines = [line for line in run.get_data(as_text=True).splitlines()]
    assert len(lines) == 2
    items = [
        {"partner_reference": f"RUN-2026-03-{lan.id}-elderly_80", "status": "paid",
         "paid_at": "2026-03-25T10:15:00+07:00"},
        {"partner_reference": f"RUN-2026-03-{cash.id}-elderly_80", "status": "paid_cash",
         "paid_at": "2026-03-26T08:00:00+07:00"},
    ]
    answers, summary = _answers(_post(client, auth, *items))
    assert answers == [(items[0]["partner_reference"], "succ.payment.created"),
                       (items[1]["partner_reference"], "succ.payment.created")]
    assert summary == {"received": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    payment = db.session.scalar(select(Payment).where(Payment.beneficiary_id == lan.id))
    assert (payment.period, payment.amount, payment.fa_kind, payment.fa_masked) == (
        "2026-03", 500_000, "bank", "•••• 4567")
    assert payment.fa_index == addresses.active_address(lan.id).number_index

    answers, summary = _answers(_post(client, auth, *items))
    assert [code for _, code in answers] == ["succ.payment.unchanged"] * 2
    assert summary["unchanged"] == 2
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2


def test_an_imported_payment_is_updated_by_reference(client, auth):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    make_payment(beneficiary=lan, status="scheduled", partner_reference="VCB-42")
    answers, _ = _answers(_post(client, auth, {
        "partner_reference": "VCB-42", "status": "failed",
        "failure_reason": "Account closed by the bank"}))
    assert answers == [("VCB-42", "succ.payment.updated")]
    payment = db.session.scalar(select(Payment).where(Payment.partner_reference == "VCB-42"))
    db.session.refresh(payment)
    assert (payment.status, payment.failure_reason) == ("failed", "Account closed by the bank")
    answers, _ = _answers(_post(client, auth, {
        "partner_reference": "VCB-42", "status": "paid", "paid_at": "2026-04-02T09:00:00Z"}))
    assert answers == [("VCB-42", "succ.payment.updated")]


def test_each_item_is_judged_alone(client, auth):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    cash = make_beneficiary()
    make_payment(beneficiary=lan, partner_reference="PAID-1")
    answers, summary = _answers(_post(
        client, auth,
        {"partner_reference": "NOPE-1", "status": "paid", "paid_at": "2026-03-10T09:00:00Z"},
        {"partner_reference": "PAID-1", "status": "scheduled"},
        {"partner_reference": "PAID-1", "status": "paid"},
        {"partner_reference": "PAID-1", "status": "paid", "paid_at": "2026-13-10T09:00:00Z"},
        {"partner_reference": "PAID-1", "status": "failed", "paid_at": "2026-03-10T09:00:00Z"},
        {"partner_reference": "PAID-1", "status": "paid", "paid_at": "2026-03-10T09:00:00Z",
         "failure_reason": "x"},
        {"partner_reference": f"RUN-2026-03-{cash.id}-elderly_80", "status": "paid",
         "paid_at": "2026-03-10T09:00:00Z"},
        {"partner_reference": f"RUN-2026-03-{lan.id}-elderly_80", "status": "paid_cash",
         "paid_at": "2026-03-10T09:00:00Z"},
        {"partner_reference": f"RUN-2026-03-{lan.id}-orphan_child", "status": "scheduled"},
        {"partner_reference": "PAID-1", "status": "returned", "failure_reason": "Sent back"},
    ))
    assert [code for _, code in answers] == [
        "rjct.reference.not_found",
        "rjct.status.transition",
        "rjct.paid_at.missing",
        "rjct.paid_at.invalid",
        "rjct.paid_at.unexpected",
        "rjct.failure_reason.unexpected",
        "rjct.status.mismatch",
        "rjct.status.mismatch",
        "rjct.reference.not_found",
        "succ.payment.updated",
    ]
    assert summary == {"received": 10, "created": 0, "updated": 1, "unchanged": 0,
                       "rejected": 9}


def test_the_same_reference_twice_in_one_batch(client, auth):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    reference = f"RUN-2026-03-{lan.id}-elderly_80"
    answers, _ = _answers(_post(
        client, auth,
        {"partner_reference": reference, "status": "scheduled"},
        {"partner_reference": reference, "status": "scheduled", "paid_at": None},
        {"partner_reference": reference, "status": "paid", "paid_at": "2026-03-25T03:00:00Z"},
    ))
    assert [code for _, code in answers] == ["succ.payment.created", "succ.payment.unchanged",
                                             "succ.payment.updated"]
    payments = db.session.scalars(select(Payment)).all()
    assert [(p.partner_reference, p.status) for p in payments] == [(reference, "paid")]


def test_a_run_payment_uses_the_address_in_force_on_that_cut_off(client, auth):
    lan = make_beneficiary(account=("bank", "970436", "0011001234567"))
    new = addresses.build_address(beneficiary_id=lan.id, kind="ewallet", provider_code="momo",
                                  number="0912345678", holder_name="X")
    db.session.add(new)
    db.session.flush()
    addresses.switch_to(new, date(2026, 4, 20))
    db.session.commit()
    _post(client, auth,
          {"partner_reference": f"RUN-2026-03-{lan.id}-elderly_80", "status": "scheduled"},
          {"partner_reference": f"RUN-2026-04-{lan.id}-elderly_80", "status": "scheduled"})
    kinds = dict(db.session.execute(select(Payment.period, Payment.fa_provider_code)).all())
    assert kinds == {"2026-03": "970436", "2026-04": "momo"}


def test_status_posts_are_audited_with_their_counts(client, auth):
    _post(client, auth, {"partner_reference": "NOPE", "status": "scheduled"})
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_label) == ("api.payments_status", "vcb")
    assert event.details == {"operation": "payments/status", "received": 1, "created": 0,
                             "updated": 0, "unchanged": 0, "rejected": 1}


def test_wrong_types_and_unknown_fields_get_400(client, auth):
    for item in ({"partner_reference": "A", "status": "paid", "amount": 5},
                 {"partner_reference": "A", "status": "unknown"},
                 {"partner_reference": "has space", "status": "paid"},
                 {"partner_reference": "A", "status": "paid", "paid_at": 5},
                 {"partner_reference": "A"}):
        response = _post(client, auth, item)
        assert response.status_code == 400, item
        assert response.get_json()["error"]["code"] == "invalid_request"
