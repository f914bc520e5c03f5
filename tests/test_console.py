"""The operator console on the platform host: access, the tenants list, suspension, audit log,
sign-in lockout and the create_operator command."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import TEST_PASSWORD, TenantClient
from tests.console.otp_helpers import code_at, enrolled_device, verified_login

OPERATOR_EMAIL = "ops@platform.example"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Lockout counters live in the (process-wide) cache; each test starts from none.
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


def _make_bare_tenant(slug: str, **fields):
    """A real-kind Tenant row with a primary domain and no schema: enough for the list page."""
    from tenants.models import Domain, Tenant

    tenant = Tenant.objects.create(
        schema_name=f"t_{slug.replace('-', '_')}", slug=slug, name=f"Company {slug}", **fields
    )
    Domain.objects.create(tenant=tenant, domain=f"{slug}.localhost", is_primary=True)
    return tenant


def test_anonymous_is_sent_to_sign_in(platform_client):
    for url in ("/operator/", "/operator/audit/", "/operator/tenants/1/"):
        response = platform_client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/operator/login/?next={url}"


def test_signed_in_non_operator_gets_403(platform_client):
    User = get_user_model()
    # Staff but not in the operators group, and in the group but not staff: neither gets in.
    staff = User.objects.create_user(username="staff@platform.example", is_staff=True)
    platform_client.force_login(staff)
    assert platform_client.get("/operator/").status_code == 403

    from tenants.console.services import operators_group

    group, _created = operators_group()
    member = User.objects.create_user(username="member@platform.example", is_staff=False)
    member.groups.add(group)
    platform_client.force_login(member)
    response = platform_client.get("/operator/")
    assert response.status_code == 403
    assert "Alpha Corp" not in response.content.decode()


def test_console_is_not_served_on_a_tenant_host(client_a, operator):
    assert client_a.get("/operator/").status_code == 404


def test_operator_sees_tenants_and_can_search_and_filter(operator_client, tenant_a, tenant_b):
    from tenants.models import Domain, Tenant

    page = operator_client.get("/operator/").content.decode()
    assert "Alpha Corp" in page
    assert "Beta Ltd" in page
    assert "alpha.localhost" in page
    assert "tpl_base" not in page  # the template schema is not a tenant

    page = operator_client.get("/operator/", {"q": "alph"}).content.decode()
    assert "Alpha Corp" in page
    assert "Beta Ltd" not in page

    # Search also matches non-primary (custom) domains.
    Domain.objects.create(
        tenant=tenant_b, domain="help.beta-ltd.test", is_custom=True, is_primary=False
    )
    page = operator_client.get("/operator/", {"q": "beta-ltd.test"}).content.decode()
    assert "Beta Ltd" in page
    assert "Alpha Corp" not in page

    Tenant.objects.filter(pk=tenant_b.pk).update(status="active", plan="growth")
    page = operator_client.get("/operator/", {"status": "active"}).content.decode()
    assert "Beta Ltd" in page
    assert "Alpha Corp" not in page
    page = operator_client.get("/operator/", {"plan": "trial"}).content.decode()
    assert "Alpha Corp" in page
    assert "Beta Ltd" not in page

    # An unknown status is ignored rather than an error.
    assert operator_client.get("/operator/", {"status": "bogus"}).status_code == 200


def test_list_sorts_and_paginates(operator_client, tenant_a, tenant_b):
    for i in range(30):
        _make_bare_tenant(f"zz-extra-{i:02d}")
    query = {"q": "zz-extra", "ordering": "-name"}
    first = operator_client.get("/operator/", query).content.decode()
    names = re.findall(r">Company (zz-extra-\d+)<", first)
    assert names == [f"zz-extra-{i:02d}" for i in range(29, 4, -1)]
    assert 'aria-sort="descending"' in first
    second = operator_client.get("/operator/", {**query, "page": 2}).content.decode()
    assert re.findall(r">Company (zz-extra-\d+)<", second) == [
        f"zz-extra-{i:02d}" for i in range(4, -1, -1)
    ]


def test_list_shows_counts_chart_and_platform_panel(operator_client, tenant_a, tenant_b):
    response = operator_client.get("/operator/")
    page = response.content.decode()
    assert "<svg" in page
    assert "<title" in page
    assert "Signups per day" in page  # the visually-hidden table's caption
    assert "Spare schemas ready" in page
    assert "Template schema" in page
    signups = response.context["chart"]
    assert len(signups.bars) == 30
    assert signups.total >= 2  # alpha and beta were created today


def test_list_query_count_does_not_grow_with_tenants(
    operator_client, tenant_a, tenant_b, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as baseline:
        assert operator_client.get("/operator/").status_code == 200
    for i in range(20):
        _make_bare_tenant(f"nplus-{i:02d}", status="active" if i % 2 else "trialing")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = operator_client.get("/operator/")
    assert response.status_code == 200
    assert "Company nplus-19" in response.content.decode()


def test_suspend_and_resume_from_the_console(
    operator_client, tenant_a, tenant_b, client_a, client_b, admin_client_a
):
    from tenants.models import AuditLog, Tenant

    detail = operator_client.get(f"/operator/tenants/{tenant_a.pk}/")
    assert detail.status_code == 200
    assert "alpha.localhost" in detail.content.decode()

    # A reason is required.
    response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/suspend/", {"reason": ""})
    assert response.status_code == 400
    assert Tenant.objects.get(pk=tenant_a.pk).status == "trialing"

    response = operator_client.post(
        f"/operator/tenants/{tenant_a.pk}/suspend/",
        {"reason": "Unpaid invoices"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/operator/tenants/{tenant_a.pk}/"
    assert Tenant.objects.get(pk=tenant_a.pk).status == "suspended"
    entry = AuditLog.objects.filter(tenant=tenant_a, action="tenant.status.suspended").get()
    assert entry.actor == OPERATOR_EMAIL
    assert entry.detail["reason"] == "Unpaid invoices"
    assert entry.ip == "192.0.2.7"

    assert client_a.get("/").status_code == 503
    assert admin_client_a.post("/admin/pages/add/", {}).status_code == 403
    assert client_b.get("/").status_code == 200

    connection.set_schema_to_public()
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "Unpaid invoices" in page  # the tenant's audit entries
    assert "Resume tenant" in page

    response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/resume/")
    assert response.status_code == 302
    assert Tenant.objects.get(pk=tenant_a.pk).status == "trialing"
    assert AuditLog.objects.filter(tenant=tenant_a, action="tenant.status.trialing").exists()
    assert client_a.get("/").status_code == 200


def test_suspend_needs_post_and_an_operator(platform_client, operator_client, tenant_a):
    from tenants.models import Tenant

    assert operator_client.get(f"/operator/tenants/{tenant_a.pk}/suspend/").status_code == 405
    anonymous = TenantClient(platform_client.host)
    response = anonymous.post(f"/operator/tenants/{tenant_a.pk}/suspend/", {"reason": "x"})
    assert response.status_code == 302
    assert Tenant.objects.get(pk=tenant_a.pk).status == "trialing"


def test_csrf_is_enforced_on_suspend(operator, tenant_a, settings):
    from tenants.models import Tenant

    client = TenantClient(settings.PLATFORM_DOMAIN, enforce_csrf_checks=True)
    verified_login(client, operator)
    response = client.post(f"/operator/tenants/{tenant_a.pk}/suspend/", {"reason": "x"})
    assert response.status_code == 403
    assert Tenant.objects.get(pk=tenant_a.pk).status == "trialing"


def test_detail_of_non_tenant_rows_is_404(operator_client):
    from tenants.models import Tenant

    template = Tenant.objects.get(kind="template")
    assert operator_client.get(f"/operator/tenants/{template.pk}/").status_code == 404
    assert operator_client.get("/operator/tenants/999999/").status_code == 404


def test_audit_log_lists_and_filters(operator_client, tenant_a, tenant_b):
    from tenants.services import audit

    audit(actor="someone@platform.example", action="tenant.note", tenant=tenant_a, note="hello")
    audit(actor="someone@platform.example", action="tenant.other", tenant=tenant_b)
    page = operator_client.get("/operator/audit/").content.decode()
    assert "<code>tenant.note</code>" in page
    assert "<code>tenant.other</code>" in page

    page = operator_client.get("/operator/audit/", {"action": "tenant.note"}).content.decode()
    assert "hello" in page
    assert "<code>tenant.other</code>" not in page

    page = operator_client.get("/operator/audit/", {"tenant": "beta"}).content.decode()
    assert "<code>tenant.other</code>" in page
    assert "<code>tenant.note</code>" not in page


def test_login_and_lockout_after_five_failures(platform_client, operator):
    def attempt(password, ip="203.0.113.5", username=OPERATOR_EMAIL):
        return platform_client.post(
            "/operator/login/?next=/operator/audit/",
            {"username": username, "password": password, "next": "/operator/audit/"},
            REMOTE_ADDR=ip,
        )

    assert platform_client.get("/operator/login/").status_code == 200

    # Four failures, then the right password and the code: in (and the failures forgotten).
    device = enrolled_device(operator)
    for _ in range(4):
        assert attempt("wrong").status_code == 200
    response = attempt(TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/operator/login/code/?next=%2Foperator%2Faudit%2F"
    response = platform_client.post(
        "/operator/login/code/",
        {"code": code_at(device.bin_key), "next": "/operator/audit/"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302
    assert response["Location"] == "/operator/audit/"
    platform_client.post("/operator/logout/")

    for _ in range(4):
        assert attempt("wrong").status_code == 200
    assert attempt("wrong").status_code == 429  # the fifth failure locks the pair out
    response = attempt(TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302  # still signed out

    # Another address is not locked out (the password step passes; the code step follows).
    response = attempt(TEST_PASSWORD, ip="203.0.113.99")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/code/")


def test_non_operator_cannot_sign_in(platform_client):
    get_user_model().objects.create_user(
        username="staff@platform.example", password=TEST_PASSWORD, is_staff=True
    )
    response = platform_client.post(
        "/operator/login/", {"username": "staff@platform.example", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in platform_client.session


def test_logout(operator_client):
    response = operator_client.post("/operator/logout/")
    assert response.status_code == 302
    assert operator_client.get("/operator/").status_code == 302


def test_create_operator_command_is_idempotent(db, monkeypatch):
    from tenants.selectors import OPERATORS_GROUP, user_is_operator

    connection.set_schema_to_public()
    out = io.StringIO()
    call_command(
        "create_operator", email="New.Op@platform.example", password=TEST_PASSWORD, stdout=out
    )
    assert "Created operator New.Op@platform.example" in out.getvalue()
    user = get_user_model().objects.get(username="new.op@platform.example")
    assert user.is_staff
    assert user_is_operator(user=user)
    assert user.check_password(TEST_PASSWORD)

    monkeypatch.setattr("sys.stdin", io.StringIO("another-long-passphrase-77\n"))
    out = io.StringIO()
    call_command(
        "create_operator", email="new.op@platform.example", password_stdin=True, stdout=out
    )
    assert "Updated operator" in out.getvalue()
    user.refresh_from_db()
    assert user.check_password("another-long-passphrase-77")
    assert get_user_model().objects.filter(username="new.op@platform.example").count() == 1
    assert user.groups.filter(name=OPERATORS_GROUP).count() == 1


def test_create_operator_refuses_a_weak_password(db):
    from django.core.management import CommandError

    connection.set_schema_to_public()
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_operator", email="weak@platform.example", password="123")
    assert not get_user_model().objects.filter(username="weak@platform.example").exists()
