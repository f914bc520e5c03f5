"""The console's tests share a signed-in operator: password and authenticator code passed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from tests.conftest import TEST_PASSWORD
from tests.console.otp_helpers import verified_login

OPERATOR_EMAIL = "ops@platform.example"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in lockouts and the console's cached figures start empty in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator(db):
    from tenants.console.services import operator_ensure

    connection.set_schema_to_public()
    return operator_ensure(email=OPERATOR_EMAIL, password=TEST_PASSWORD).user


@pytest.fixture
def operator_client(platform_client, operator):
    return verified_login(platform_client, operator)
