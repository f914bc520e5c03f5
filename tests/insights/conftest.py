"""Helpers for the insights tests: a knowledge base in tenant alpha (tests/kb's), votes from
distinct visitors, and customers."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from tests.kb.conftest import make_kb

BROWSER = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kb_a(tenant_a):
    kb = make_kb(tenant_a)
    with tenant_context(tenant_a):
        article = kb["article"]
        article.owner = kb["author"]
        article.save(update_fields=["owner"])
        kb["url"] = article.url
        kb["sibling_url"] = kb["sibling"].url
    return kb


def vote(client, page, helpful: bool | str, comment: str = "", ip: str = "10.0.0.1", **extra):
    value = helpful if isinstance(helpful, str) else ("yes" if helpful else "no")
    return client.post(
        f"/feedback/{page.pk}/",
        {"helpful": value, "comment": comment},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=BROWSER,
        **extra,
    )


def customer(tenant, name="carol"):
    from django.contrib.auth import get_user_model

    with tenant_context(tenant):
        return get_user_model().objects.create_user(
            username=f"{name}@customer.example", email=f"{name}@customer.example", password="x"
        )


def set_module(tenant, key: str, on: bool) -> None:
    from cms.models import ModuleSettings

    with tenant_context(tenant):
        row = ModuleSettings.load()
        row.switches = {**(row.switches or {}), key: on}
        row.save()
