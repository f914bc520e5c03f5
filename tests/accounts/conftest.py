"""Customer accounts tests: Celery runs eagerly (the worker test starts a real worker) and the
sign-in counters start empty (the caches are cleared before each test by tests/conftest.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
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
    from django.utils import timezone

    from modules.accounts.models import CustomerProfile

    with tenant_context(tenant):
        user = get_user_model().objects.create_user(
            username=email.lower(), email=email.lower(), password=password
        )
        CustomerProfile.objects.create(
            user=user, email_verified_at=timezone.now() if verified else None
        )
        return user


LINK = re.compile(r"https?://[^\s]+")


def link_in(message) -> str:
    """The first link of an email, as a path on the portal."""
    url = LINK.search(message.body).group(0)
    return "/" + url.split("/", 3)[3]
