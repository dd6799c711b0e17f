from __future__ import annotations

import pytest

from tests.payment_factories import bearer, make_api_key


@pytest.fixture
def key():
    return make_api_key()


@pytest.fixture
def auth(key) -> dict[str, str]:
    return bearer(key)
