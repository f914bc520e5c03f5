"""The billing page in a portal's admin, and the plan at the module switches' door."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from billing.models import Subscription
from cms.models import ModuleSettings
from tenants.models import TenantStatus
from tests.conftest import TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db
PAGE = "/admin/billing/"


def admin_client(tenant):
    return login_on(TenantClient(host_of(tenant)), tenant, admin_of(tenant))


def on_plan(tenant, key: str, status=TenantStatus.ACTIVE):
    tenant.plan, tenant.status = key, status
    tenant.save(update_fields=["plan", "status"])


def test_a_trial_sees_its_days_left_usage_and_that_billing_is_offline(tenant_a, offline):
    html = admin_client(tenant_a).get(PAGE).content.decode()
    assert 'data-status="trialing"' in html and "data-trial-days=" in html
    assert "Agent seats" in html and "Storage (MB)" in html
    assert "data-offline" in html
    assert 'data-plan-row="starter"' in html and 'data-plan-row="pro"' in html
    assert "/billing/checkout/" not in html  # offline: nothing to buy online


def test_a_paying_tenant_sees_invoices_and_links_to_stripe(tenant_a, stripe_http, priced_plans):
    on_plan(tenant_a, "starter")
    Subscription.objects.update_or_create(
        tenant=tenant_a, defaults={"stripe_customer_id": "cus_alpha"}
    )
    stripe_http.routes[("GET", "/v1/invoices")] = {
        "object": "list",
        "data": [
            {
                "id": "in_1",
                "object": "invoice",
                "number": "ALPHA-0001",
                "created": 1_764_000_000,
                "amount_due": 2900,
                "currency": "eur",
                "status": "paid",
                "hosted_invoice_url": "https://invoice.stripe.com/i/alpha1",
            }
        ],
        "has_more": False,
        "url": "/v1/invoices",
    }
    html = admin_client(tenant_a).get(PAGE).content.decode()
    assert "ALPHA-0001" in html and "29.00 EUR" in html
    assert "https://invoice.stripe.com/i/alpha1" in html
    assert "/billing/portal/" in html  # manage cards and invoices
    assert "/billing/checkout/" in html  # pro can be chosen
    assert stripe_http.calls("GET", "/v1/invoices")[0]["customer"] == "cus_alpha"


def test_stripe_being_down_leaves_the_rest_of_the_page(tenant_a, stripe_http, priced_plans):
    on_plan(tenant_a, "starter")
    Subscription.objects.update_or_create(
        tenant=tenant_a, defaults={"stripe_customer_id": "cus_alpha"}
    )
    response = admin_client(tenant_a).get(PAGE)  # no /v1/invoices route: Stripe answers 404
    assert response.status_code == 200
    assert "Invoices cannot be shown right now" in response.content.decode()


def test_only_administrators_see_billing(tenant_a, offline):
    with tenant_context(tenant_a):
        staff = make_customer("agent@alpha-billing.example", is_staff=True)
        staff.user_permissions.add(
            *get_user_model()
            ._meta.apps.get_model("auth", "Permission")
            .objects.filter(codename="access_admin")
        )
    response = login_on(TenantClient(host_of(tenant_a)), tenant_a, staff).get(PAGE)
    assert response.status_code in (302, 403)
    assert "Agent seats" not in response.content.decode()


def _switches(tenant):
    with tenant_context(tenant):
        return dict(ModuleSettings.load().switches or {})


def test_a_module_outside_the_plan_cannot_be_switched_on(tenant_a, offline):
    from tests.conftest import switch_module

    switch_module(tenant_a, "tickets", False)
    on_plan(tenant_a, "free")  # kb and faq only
    with tenant_context(tenant_a):
        modules = f"/admin/settings/cms/modulesettings/{ModuleSettings.load().pk}/"
    client = admin_client(tenant_a)
    page = client.get(modules).content.decode()
    assert 'value="tickets"' in page
    before = _switches(tenant_a)
    response = client.post(modules, {"switches": ["kb", "faq", "tickets"]})
    assert response.status_code == 200  # the form again, with the error
    html = response.content.decode()
    assert "Not in your plan: Tickets." in html and 'href="/admin/billing/"' in html
    assert _switches(tenant_a) == before
    # on a trial (every feature) the same change goes through
    on_plan(tenant_a, "trial", status=TenantStatus.TRIALING)
    response = client.post(modules, {"switches": ["kb", "faq", "tickets"]})
    assert response.status_code == 302
    assert _switches(tenant_a)["tickets"] is True


def test_api_keys_work_only_on_plans_with_api_access(tenant_a):
    from api.services import api_key_create

    with tenant_context(tenant_a):
        _key, token = api_key_create(user=admin_of(tenant_a), name="integration")
    client = TenantClient(host_of(tenant_a), HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/api-keys/").status_code == 200  # a trial has every feature
    on_plan(tenant_a, "starter")  # no API access
    refused = client.get("/api/v1/api-keys/")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert "not included in this portal's plan" in refused.json()["detail"]
    # the portal's own signed-in pages and API calls are not integrations: they keep working
    assert admin_client(tenant_a).get("/api/v1/api-keys/").status_code == 200
    on_plan(tenant_a, "pro")
    assert client.get("/api/v1/api-keys/").status_code == 200
