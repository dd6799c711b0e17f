"""Schemathesis drives the partner API from its own OpenAPI document, calling the Flask app
as a WSGI app: no request it generates may get a 500 or a response the document does not
describe (status code, content type, body schema)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select

from blueprints.api.schema import document
from domain.models import Beneficiary
from extensions import db
from tests.factories import make_beneficiary

LIMITS = ("API_RATE_LIMIT_RESOLVE", "API_RATE_LIMIT_STATUS", "API_RATE_LIMIT_PAYMENT_RUN",
          "API_AUTH_FAILURE_LIMIT")

# The same document the app serves (test_openapi.py proves they are equal); loading it from a
# dict keeps the schema independent of the session-scoped app fixture.
api_schema = schemathesis.openapi.from_dict(document())


@pytest.fixture
def generous_limits(app):
    saved = {name: app.config.get(name) for name in LIMITS}
    app.config.update(dict.fromkeys(LIMITS, "100000 per minute"))
    yield
    for name, value in saved.items():
        if value is None:
            app.config.pop(name, None)
        else:
            app.config[name] = value


def _some_people() -> None:
    """A few beneficiaries, so that generated calls also meet real rows."""
    if db.session.scalar(select(func.count()).select_from(Beneficiary)):
        return
    make_beneficiary(id_number="087084000999", account=("bank", "970436", "0011001234567"))
    make_beneficiary(account=("ewallet", "momo", "0912345678"))
    make_beneficiary()


@api_schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_keeps_its_contract(case, app, auth, generous_limits):
    _some_people()
    case.operation.schema.app = case.operation.app = app  # as from_wsgi would arrange
    case.call_and_validate(headers=auth)
