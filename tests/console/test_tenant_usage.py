"""A tenant's page in the console shows its usage against its plan (read in its own schema),
and never another tenant's."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import tenant_context

from tests.conftest import TEST_PASSWORD, make_customer
from tests.console.otp_helpers import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(platform_client, db):
    from tenants.console.services import operator_ensure

    connection.set_schema_to_public()
    operator = operator_ensure(email="usage-ops@platform.example", password=TEST_PASSWORD).user
    return verified_login(platform_client, operator)


def usage_of(html: str) -> dict[str, str]:
    section = html[html.index('id="usage-heading"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", section, re.S)
    return {label.strip(): re.sub(r"<[^>]+>|\s+", " ", value).strip() for label, value in rows}


def test_the_tenant_page_shows_seats_storage_and_active_customers(operator_client, tenant_a):
    tenant_a.plan, tenant_a.status = "starter", "active"
    tenant_a.save(update_fields=["plan", "status"])
    with tenant_context(tenant_a):
        make_customer("agent-1@alpha-usage.example", is_staff=True)
        make_customer("agent-2@alpha-usage.example", is_staff=True)
        name = default_storage.save("usage/blob.bin", ContentFile(b"x" * (3 * 1024 * 1024)))
    try:
        html = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    finally:
        with tenant_context(tenant_a):
            default_storage.delete(name)
    usage = usage_of(html)
    from billing.models import Plan

    starter = Plan.objects.get(key="starter")
    # the admin who signed up and the two agents
    assert usage["Agent seats"].startswith(f"3 of {starter.agent_seats}")
    assert usage["Storage (MB)"].startswith("3.0 of")
    assert "Monthly active customers" in usage


def test_another_tenants_staff_are_not_counted(operator_client, tenant_a, tenant_b):
    with tenant_context(tenant_a):
        for n in range(4):
            make_customer(f"agent-{n}@alpha-only.example", is_staff=True)
    html = operator_client.get(f"/operator/tenants/{tenant_b.pk}/").content.decode()
    assert usage_of(html)["Agent seats"].startswith("1 of")
