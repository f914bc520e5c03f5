"""The console's tenants table (filters, search, CSV export) and the actions on a tenant's page:
extend the trial, change the plan offline, delete with a typed confirmation. Each is a POST with
CSRF, audited, and out of reach of anyone but an operator (a tenant's own admin included)."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import TenantClient
from tests.console.conftest import OPERATOR_EMAIL
from tests.console.otp_helpers import verified_login

DAY = datetime.timedelta(days=1)


@pytest.fixture
def plans(db):
    from billing.models import Plan

    Plan.objects.update_or_create(key="starter", defaults={"name": "Starter", "price_cents": 1900})
    Plan.objects.update_or_create(key="growth", defaults={"name": "Growth", "price_cents": 4900})


def make_tenant(slug: str, **fields):
    from tenants.models import Domain, Tenant

    tenant = Tenant.objects.create(
        schema_name=f"t_{slug.replace('-', '_')}",
        slug=slug,
        name=fields.pop("name", slug),
        **fields,
    )
    Domain.objects.create(tenant=tenant, domain=f"{slug}.localhost", is_primary=True)
    return tenant


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="tenants-')
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- The tenants table


def test_filter_by_read_only_status_and_plan(operator_client, tenant_a, tenant_b):
    make_tenant("ro-one", name="Read Only One", status="read_only")
    make_tenant("paid-one", name="Paid One", status="active", plan="growth")
    page = operator_client.get("/operator/", {"status": "read_only"}).content.decode()
    assert "Read Only One" in page
    assert "Paid One" not in page
    assert "Alpha Corp" not in page
    page = operator_client.get("/operator/", {"plan": "growth"}).content.decode()
    assert "Paid One" in page
    assert "Read Only One" not in page


def test_csv_export_of_the_filtered_list(operator_client, tenant_a, tenant_b):
    for i in range(30):  # more than one page: the export has every match
        make_tenant(f"csv-{i:02d}", name=f"Csv {i:02d}", status="active", plan="growth")
    make_tenant("csv-trial", name="Csv trial", status="trialing")
    page = operator_client.get("/operator/", {"q": "csv", "status": "active", "page": 2})
    # The table's export link keeps the filters and drops the page.
    assert 'href="?q=csv&amp;status=active&amp;format=csv"' in page.content.decode()
    rows = read_csv(
        operator_client.get("/operator/", {"q": "csv", "status": "active", "format": "csv"})
    )
    assert len(rows) == 30
    assert {row["Status"] for row in rows} == {"active"}
    assert rows[0]["Slug"] == "csv-29"  # newest first, as the table
    assert rows[0]["Portal"] == "csv-29.localhost"
    assert rows[0]["Plan"] == "growth"


def test_csv_quotes_and_neutralises_formulas(operator_client, tenant_a):
    make_tenant("evil-1", name='=HYPERLINK("http://x.example","click")', owner_email="a@b.example")
    make_tenant("evil-2", name="+1, -2; @SUM(A1)")
    make_tenant("evil-3", name='-cmd|"/c calc"!A0')
    make_tenant("evil-4", name="@import\nline two")
    make_tenant("fine-5", name='Plain, "quoted" name')
    response = operator_client.get("/operator/", {"q": "-", "format": "csv"})
    names = {row["Slug"]: row["Name"] for row in read_csv(response)}
    assert names["evil-1"] == '\'=HYPERLINK("http://x.example","click")'
    assert names["evil-2"] == "'+1, -2; @SUM(A1)"
    assert names["evil-3"] == '\'-cmd|"/c calc"!A0'
    assert names["evil-4"] == "'@import\nline two"
    assert names["fine-5"] == 'Plain, "quoted" name'
    # Proper quoting: the raw line for the comma-and-quote name is one quoted field.
    assert '"Plain, ""quoted"" name"' in response.content.decode()


# --- The tenant page


def test_tenant_page_shows_owner_stripe_links_and_audit(operator_client, tenant_a):
    from billing.models import Subscription
    from tenants.models import Tenant
    from tenants.services import audit

    Tenant.objects.filter(pk=tenant_a.pk).update(owner_email="owner@alpha.example")
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "owner@alpha.example" in page
    assert "dashboard.stripe.com" not in page  # no Stripe ids yet

    Subscription.objects.create(
        tenant=tenant_a, stripe_customer_id="cus_ABC123", stripe_subscription_id="sub_XYZ789"
    )
    audit(actor="someone@platform.example", action="tenant.note", tenant=tenant_a, note="hi")
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert 'href="https://dashboard.stripe.com/customers/cus_ABC123"' in page
    assert 'href="https://dashboard.stripe.com/subscriptions/sub_XYZ789"' in page
    assert "<code>tenant.note</code>" in page
    assert "Extend trial" in page
    assert "Delete tenant" in page


def test_extend_trial(operator_client, tenant_a):
    from tenants.models import AuditLog, Tenant

    before = timezone.now() + 5 * DAY  # still on trial: the days add to the current end
    Tenant.objects.filter(pk=tenant_a.pk).update(trial_ends_at=before)
    response = operator_client.post(
        f"/operator/tenants/{tenant_a.pk}/extend-trial/", {"days": 10}, REMOTE_ADDR="192.0.2.8"
    )
    assert response.status_code == 302
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert tenant.trial_ends_at == before + 10 * DAY
    assert tenant.status == "trialing"
    entry = AuditLog.objects.get(tenant=tenant_a, action="tenant.trial.extended")
    assert entry.actor == OPERATOR_EMAIL
    assert entry.ip == "192.0.2.8"
    assert entry.detail["days"] == 10


@pytest.mark.parametrize("days", ["0", "91", "-3", "ten", ""])
def test_extend_trial_refuses_bad_days(operator_client, tenant_a, days):
    from tenants.models import AuditLog, Tenant

    before = Tenant.objects.get(pk=tenant_a.pk).trial_ends_at
    response = operator_client.post(
        f"/operator/tenants/{tenant_a.pk}/extend-trial/", {"days": days}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    # the error is read out with its field: text inside the described element, not a list
    # a browser would move out of the paragraph
    error = re.search(r'<span id="days-errors" role="alert">([^<]+)</span>', html)
    assert error and error.group(1).strip()
    assert Tenant.objects.get(pk=tenant_a.pk).trial_ends_at == before
    assert not AuditLog.objects.filter(action="tenant.trial.extended").exists()


def test_extending_a_read_only_trial_makes_it_trialing_again(operator_client, tenant_a):
    from tenants.models import AuditLog, LifecycleNotice, Tenant

    ended = timezone.now() - 3 * DAY
    Tenant.objects.filter(pk=tenant_a.pk).update(status="read_only", trial_ends_at=ended)
    LifecycleNotice.objects.create(tenant=tenant_a, kind="trial-ended")
    LifecycleNotice.objects.create(tenant=tenant_a, kind="trial-reminder-1")
    start = timezone.now()
    response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/extend-trial/", {"days": 7})
    assert response.status_code == 302
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert tenant.status == "trialing"
    # Counted from now, since the old end had passed.
    assert start + 7 * DAY <= tenant.trial_ends_at <= timezone.now() + 7 * DAY
    assert AuditLog.objects.filter(tenant=tenant_a, action="tenant.status.trialing").exists()
    # The new trial end gets its own reminders.
    assert not LifecycleNotice.objects.filter(tenant=tenant_a).exists()


def test_extend_trial_refused_for_a_paying_tenant(operator_client, tenant_a):
    from tenants.models import Tenant

    Tenant.objects.filter(pk=tenant_a.pk).update(status="active", plan="growth")
    response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/extend-trial/", {"days": 7})
    assert response.status_code == 400
    assert "Only a tenant on trial" in response.content.decode()


def test_change_plan(operator_client, tenant_a, plans):
    from tenants.models import AuditLog, Tenant

    response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/plan/", {"plan": "growth"})
    assert response.status_code == 302
    assert Tenant.objects.get(pk=tenant_a.pk).plan == "growth"
    entry = AuditLog.objects.get(tenant=tenant_a, action="tenant.plan.changed")
    assert entry.detail["previous"] == "trial"
    assert entry.detail["plan"] == "growth"
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "is now on the Growth plan" in page


def test_change_plan_refuses_an_unknown_key(operator_client, tenant_a, plans):
    from tenants.models import AuditLog, Tenant

    response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/plan/", {"plan": "gold"})
    assert response.status_code == 400
    assert Tenant.objects.get(pk=tenant_a.pk).plan == "trial"
    assert not AuditLog.objects.filter(action="tenant.plan.changed").exists()


def test_delete_needs_the_typed_slug(operator_client, tenant_a, client_a):
    from tenants.models import AuditLog, Tenant

    for typed in ("", "beta", "ALPHA", "alph"):
        response = operator_client.post(
            f"/operator/tenants/{tenant_a.pk}/delete/", {"confirm": typed}
        )
        assert response.status_code == 400
        assert Tenant.objects.get(pk=tenant_a.pk).deleted_at is None
    assert "Nothing was deleted" in response.content.decode()
    assert not AuditLog.objects.filter(tenant=tenant_a, action="tenant.delete").exists()
    assert client_a.get("/").status_code == 200

    connection.set_schema_to_public()
    response = operator_client.post(
        f"/operator/tenants/{tenant_a.pk}/delete/", {"confirm": "alpha"}
    )
    assert response.status_code == 302
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert tenant.deleted_at is not None
    assert tenant.status == "cancelled"
    assert AuditLog.objects.get(tenant=tenant_a, action="tenant.delete").actor == OPERATOR_EMAIL
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "This tenant is deleted." in page


# --- Who can do it


ACTIONS = (
    ("extend-trial/", {"days": "30"}),
    ("plan/", {"plan": "growth"}),
    ("delete/", {"confirm": "alpha"}),
)


def _unchanged(tenant_a) -> bool:
    from tenants.models import AuditLog, Tenant

    tenant = Tenant.objects.get(pk=tenant_a.pk)
    return (
        tenant.deleted_at is None
        and tenant.plan == "trial"
        and tenant.trial_ends_at == tenant_a.trial_ends_at
        and not AuditLog.objects.filter(tenant=tenant_a).exists()
    )


def test_actions_need_post(operator_client, tenant_a):
    for path, _data in ACTIONS:
        assert operator_client.get(f"/operator/tenants/{tenant_a.pk}/{path}").status_code == 405


def test_actions_enforce_csrf(operator, tenant_a, plans, settings):
    client = verified_login(
        TenantClient(settings.PLATFORM_DOMAIN, enforce_csrf_checks=True), operator
    )
    for path, data in ACTIONS:
        assert client.post(f"/operator/tenants/{tenant_a.pk}/{path}", data).status_code == 403
    assert _unchanged(tenant_a)


def test_actions_refused_to_non_operators(platform_client, tenant_a, plans):
    from django.contrib.auth import get_user_model

    for path, data in ACTIONS:
        response = platform_client.post(f"/operator/tenants/{tenant_a.pk}/{path}", data)
        assert response.status_code == 302
        assert response["Location"].startswith("/operator/login/")
    staff = get_user_model().objects.create_user(username="staff@platform.example", is_staff=True)
    platform_client.force_login(staff)
    for path, data in ACTIONS:
        assert (
            platform_client.post(f"/operator/tenants/{tenant_a.pk}/{path}", data).status_code == 403
        )
    assert _unchanged(tenant_a)


def test_a_tenant_admin_never_reaches_the_console(admin_client_a, tenant_a, plans, settings):
    # On their own portal the console is not served at all.
    for url in ("/operator/", "/operator/dashboard/", f"/operator/tenants/{tenant_a.pk}/"):
        assert admin_client_a.get(url).status_code == 404
    for path, data in ACTIONS:
        response = admin_client_a.post(f"/operator/tenants/{tenant_a.pk}/{path}", data)
        assert response.status_code == 404
    # Their session cookie carried to the platform host signs nobody in there.
    platform = TenantClient(settings.PLATFORM_DOMAIN)
    platform.cookies = admin_client_a.cookies
    connection.set_schema_to_public()
    for url in ("/operator/dashboard/", "/operator/?format=csv"):
        response = platform.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/operator/login/")
    for path, data in ACTIONS:
        response = platform.post(f"/operator/tenants/{tenant_a.pk}/{path}", data)
        assert response.status_code == 302
    assert _unchanged(tenant_a)
