"""Checkout and customer portal sessions, offline mode and the operator's plan change."""

from __future__ import annotations

import pytest

from billing import stripe_client
from billing.models import Plan, Subscription
from billing.services import plan_change_offline
from tenants.models import AuditLog, TenantStatus

SUCCESS = "https://example.test/billing/done/"
CANCEL = "https://example.test/billing/"


@pytest.fixture
def stripe_api(stripe_http):
    stripe_http.routes[("POST", "/v1/customers")] = lambda form: {
        "id": "cus_new",
        "object": "customer",
        "name": form.get("name"),
    }
    stripe_http.routes[("POST", "/v1/checkout/sessions")] = {
        "id": "cs_test_1",
        "object": "checkout.session",
        "url": "https://checkout.stripe.com/c/pay/cs_test_1",
    }
    stripe_http.routes[("POST", "/v1/billing_portal/sessions")] = {
        "id": "bps_1",
        "object": "billing_portal.session",
        "url": "https://billing.stripe.com/p/session/bps_1",
    }
    return stripe_http


def test_checkout_creates_the_customer_once_and_stores_its_id(tenant_a, priced_plans, stripe_api):
    pro = priced_plans["pro"]
    session = stripe_client.checkout_session_create(tenant_a, pro, SUCCESS, CANCEL)
    assert session.url == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert Subscription.objects.get(tenant=tenant_a).stripe_customer_id == "cus_new"
    [customer] = stripe_api.calls("POST", "/v1/customers")
    assert customer["name"] == "Alpha Corp"
    assert customer["metadata[tenant_id]"] == str(tenant_a.pk)
    [sent] = stripe_api.calls("POST", "/v1/checkout/sessions")
    assert sent["mode"] == "subscription"
    assert sent["customer"] == "cus_new"
    assert sent["client_reference_id"] == str(tenant_a.pk)
    assert sent["metadata[tenant_id]"] == str(tenant_a.pk)
    assert sent["line_items[0][price]"] == "price_pro"
    assert sent["success_url"] == SUCCESS and sent["cancel_url"] == CANCEL

    # A second checkout (changed their mind) reuses the customer.
    stripe_client.checkout_session_create(tenant_a, priced_plans["starter"], SUCCESS, CANCEL)
    assert len(stripe_api.calls("POST", "/v1/customers")) == 1
    assert stripe_api.calls("POST", "/v1/checkout/sessions")[1]["customer"] == "cus_new"


def test_a_plan_without_a_stripe_price_cannot_be_bought(tenant_a, priced_plans, stripe_api):
    with pytest.raises(stripe_client.BillingError, match="cannot be bought online"):
        stripe_client.checkout_session_create(tenant_a, priced_plans["free"], SUCCESS, CANCEL)
    assert stripe_api.requests == []


def test_customer_portal_for_a_tenant_with_a_customer(tenant_a, tenant_b, stripe_api):
    Subscription.objects.create(tenant=tenant_a, stripe_customer_id="cus_A")
    session = stripe_client.portal_session_create(tenant_a, CANCEL)
    assert session.url == "https://billing.stripe.com/p/session/bps_1"
    [sent] = stripe_api.calls("POST", "/v1/billing_portal/sessions")
    assert sent == {"customer": "cus_A", "return_url": CANCEL}
    with pytest.raises(stripe_client.BillingError, match="choose a plan first"):
        stripe_client.portal_session_create(tenant_b, CANCEL)


def test_offline_every_stripe_call_says_billing_is_not_configured(tenant_a, priced_plans, offline):
    for call in (
        lambda: stripe_client.checkout_session_create(
            tenant_a, priced_plans["pro"], SUCCESS, CANCEL
        ),
        lambda: stripe_client.portal_session_create(tenant_a, CANCEL),
    ):
        with pytest.raises(stripe_client.BillingOffline, match="Billing is not configured"):
            call()
    assert offline.requests == []
    assert not Subscription.objects.exists()


def test_offline_an_operator_switches_the_plan(tenant_a, offline):
    starter = Plan.objects.get(key="starter")
    plan_change_offline(tenant=tenant_a, plan=starter, actor="ops@platform.test", ip="10.0.0.1")
    tenant_a.refresh_from_db()
    assert tenant_a.plan == "starter"
    assert tenant_a.status == TenantStatus.TRIALING  # the trial lifecycle still runs
    row = AuditLog.objects.get(tenant=tenant_a, action="tenant.plan.changed")
    assert row.actor == "ops@platform.test" and row.ip == "10.0.0.1"
    assert row.detail == {"plan": "starter", "previous": "trial", "reason": "offline"}
    # The same plan again is no change and no audit row.
    plan_change_offline(tenant=tenant_a, plan=starter, actor="ops@platform.test")
    assert AuditLog.objects.filter(tenant=tenant_a, action="tenant.plan.changed").count() == 1


def test_with_stripe_on_plans_are_not_switched_by_hand(tenant_a, stripe_api):
    with pytest.raises(stripe_client.BillingError, match="through Stripe"):
        plan_change_offline(tenant=tenant_a, plan=Plan.objects.get(key="pro"), actor="ops")
    tenant_a.refresh_from_db()
    assert tenant_a.plan == "trial"
    assert not AuditLog.objects.filter(action="tenant.plan.changed").exists()
