"""The automated checks stored with each change request for the officer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain import addresses, checks
from domain.models import ChangeRequest
from domain.providers import Provider, provider
from extensions import db
from tests.change_factories import make_change_request, make_sim_account
from tests.factories import make_beneficiary


def _by_code(request: ChangeRequest) -> dict[str, dict]:
    return {check["code"]: check for check in request.checks}


@pytest.fixture
def beneficiary(app):
    return make_beneficiary(full_name="Nguyễn Văn An", phone="0903123456")


def test_every_result_has_the_stored_shape(beneficiary):
    request = make_change_request(beneficiary=beneficiary, kind="ewallet", provider_code="momo",
                                  number="0903123456")
    codes = [check["code"] for check in request.checks]
    # The helper check runs only for a request a helper made.
    assert codes == [code for code in checks.CHECK_CODES if code != "holder_is_helper"]
    for check in request.checks:
        assert set(check) == {"code", "result", "message", "params"}
        assert check["result"] in checks.RESULTS
        check["message"] % check["params"]  # the msgid takes exactly its params
    db.session.expire_all()
    stored = db.session.scalar(select(ChangeRequest))
    assert stored.checks == request.checks


def test_bank_accounts_have_no_phone_check(beneficiary):
    request = make_change_request(beneficiary=beneficiary)
    assert "phone_matches" not in _by_code(request)


@pytest.mark.parametrize(
    ("holder", "result"),
    [
        ("NGUYEN VAN AN", "pass"),
        ("AN NGUYEN VAN", "pass"),
        ("nguyễn văn an", "pass"),
        ("NGUYEN VAN ANH", "fail"),
        ("TRAN THI MAI", "fail"),
    ],
)
def test_holder_name_against_the_registry(beneficiary, holder, result):
    make_sim_account(provider_code="970436", number="0071000123456", holder_name=holder)
    request = make_change_request(beneficiary=beneficiary)
    check = _by_code(request)["holder_name"]
    assert check["result"] == result
    assert check["params"] == {"holder": holder, "registry": "Nguyễn Văn An"}
    assert request.high_risk is (result == "fail")


def test_a_clean_request_is_not_high_risk(beneficiary):
    make_sim_account(provider_code="970436", number="0071000123456", holder_name="NGUYEN VAN AN")
    request = make_change_request(beneficiary=beneficiary)
    assert {check["result"] for check in request.checks} == {"pass"}
    assert request.high_risk is False


def test_registry_status(beneficiary):
    check = checks.registry_status(beneficiary)
    assert check["result"] == "pass"
    assert check["params"]["commune"] == "Phường Cao Lãnh"
    beneficiary.person.status = "deceased"
    assert checks.registry_status(beneficiary)["result"] == "fail"
    beneficiary.person.status = "alive"
    beneficiary.status = "suspended"
    check = checks.registry_status(beneficiary)
    assert check["result"] == "fail" and check["params"]["status"] == "suspended"


def test_an_account_linked_to_someone_else_fails(beneficiary):
    make_beneficiary(full_name="Trần Thị Mai", account=("bank", "970436", "0071000123456"))
    request = make_change_request(beneficiary=beneficiary)
    check = _by_code(request)["same_address_elsewhere"]
    assert check["result"] == "fail" and check["params"] == {"count": 1}
    assert request.high_risk


def test_an_account_waiting_for_someone_else_fails(beneficiary):
    other = make_beneficiary(full_name="Trần Thị Mai")
    make_change_request(beneficiary=other)
    request = make_change_request(beneficiary=beneficiary)
    assert _by_code(request)["same_address_elsewhere"]["result"] == "fail"


def test_an_account_someone_else_used_earlier_warns(beneficiary):
    other = make_beneficiary(full_name="Trần Thị Mai", account=("bank", "970436", "0071000123456"))
    addresses.active_address(other.id).status = "superseded"
    db.session.commit()
    request = make_change_request(beneficiary=beneficiary)
    assert _by_code(request)["same_address_elsewhere"]["result"] == "warn"


def test_the_same_number_at_another_bank_is_another_account(beneficiary):
    make_beneficiary(full_name="Trần Thị Mai", account=("bank", "970418", "0071000123456"))
    request = make_change_request(beneficiary=beneficiary)
    assert _by_code(request)["same_address_elsewhere"]["result"] == "pass"


@pytest.mark.parametrize(("earlier", "result"), [(0, "pass"), (1, "pass"), (2, "warn"),
                                                  (3, "fail")])
def test_changes_in_the_last_12_months(beneficiary, earlier, result):
    now = datetime.now(UTC)
    for index in range(earlier):
        make_change_request(beneficiary=beneficiary, number=f"007100000{index:04d}",
                            status="approved", decided_at=now - timedelta(days=30 * (index + 1)))
    # An approval more than a year ago does not count.
    make_change_request(beneficiary=beneficiary, number="0071000888888", status="approved",
                        decided_at=now - timedelta(days=400))
    request = make_change_request(beneficiary=beneficiary)
    check = _by_code(request)["recent_changes"]
    assert check["result"] == result and check["params"] == {"count": earlier}


def test_a_wallet_on_another_number_than_the_registered_phone_warns(beneficiary):
    request = make_change_request(beneficiary=beneficiary, kind="mobile_money",
                                  provider_code="viettelmoney", number="0987654321")
    check = _by_code(request)["phone_matches"]
    assert check["result"] == "warn"
    assert check["params"] == {"number": "098•••4321", "phone": "090•••3456"}


def test_a_wallet_on_the_registered_phone_passes(beneficiary):
    request = make_change_request(beneficiary=beneficiary, kind="mobile_money",
                                  provider_code="mobifonemoney", number="0903123456")
    assert _by_code(request)["phone_matches"]["result"] == "pass"


def test_a_provider_not_accepting_payments_fails(beneficiary, monkeypatch):
    momo = provider("momo")
    closed = Provider(**{**momo.__dict__, "accepting_payments": False})
    monkeypatch.setattr(checks, "find_provider", lambda code: closed)
    request = make_change_request(beneficiary=beneficiary, kind="ewallet", provider_code="momo",
                                  number="0903123456")
    check = _by_code(request)["provider_accepting"]
    assert check["result"] == "fail" and check["params"] == {"provider": "MoMo"}
    assert request.high_risk


def test_messages_hold_no_full_number(beneficiary):
    request = make_change_request(beneficiary=beneficiary, kind="ewallet", provider_code="momo",
                                  number="0977111222")
    assert "0977111222" not in str(request.checks)


def test_a_helper_asking_for_an_account_in_their_own_name_is_high_risk(beneficiary):
    from domain.models import FinancialAddress
    from tests.factories import make_person

    helper = make_person(full_name="Trần Thị Mai")
    address = db.session.scalar(select(FinancialAddress))
    address.holder_name = "TRAN THI MAI"
    results = checks.run_checks(beneficiary, address, "0011001234567", helper=helper)
    helper_check = next(r for r in results if r["code"] == "holder_is_helper")
    assert helper_check["result"] == checks.FAIL
    assert checks.is_high_risk(results)
    address.holder_name = beneficiary.person.full_name.upper()
    results = checks.run_checks(beneficiary, address, "0011001234567", helper=helper)
    assert next(r for r in results if r["code"] == "holder_is_helper")["result"] == checks.PASS
