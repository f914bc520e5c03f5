"""Customer accounts tests: Celery runs eagerly (the worker test starts a real worker) and the
sign-in counters start empty (the caches are cleared before each test by tests/conftest.py)."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from tests.conftest import TEST_PASSWORD

PASSWORD = TEST_PASSWORD


@pytest.fixture(autouse=True)
def _eager_celery(request):
    if request.node.get_closest_marker("worker"):
        yield None
        return
    request.getfixturevalue("celery_eager")
    yield None


def make_customer(tenant, email: str, *, verified: bool = True, password: str = PASSWORD):
    """A customer of `tenant` (tests.conftest.make_customer, in its schema)."""
    from tests.conftest import make_customer as customer

    with tenant_context(tenant):
        return customer(email, verified=verified, password=password)


LINK = re.compile(r"https?://[^\s]+")


def link_in(message) -> str:
    """The first link of an email, as a path on the portal."""
    url = LINK.search(message.body).group(0)
    return "/" + url.split("/", 3)[3]
