"""A portal's admin follows a signed link to the platform host, which opens Stripe Checkout or
Stripe's customer portal for that tenant."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from billing import services
from billing.models import Plan, Subscription
from tests.conftest import TenantClient, host_of


@pytest.fixture
def stripe_api(stripe_http):
    stripe_http.routes[("POST", "/v1/customers")] = {"id": "cus_new", "object": "customer"}
    stripe_http.routes[("POST", "/v1/checkout/sessions")] = {
        "id": "cs_1",
        "object": "checkout.session",
        "url": "https://checkout.stripe.com/c/pay/cs_1",
    }
    stripe_http.routes[("POST", "/v1/billing_portal/sessions")] = {
        "id": "bps_1",
        "object": "billing_portal.session",
        "url": "https://billing.stripe.com/p/session/bps_1",
    }
    return stripe_http


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_a_checkout_link_sends_the_admin_to_stripe_for_that_tenant_and_plan(
    platform_client, tenant_a, priced_plans, stripe_api, settings
):
    link = services.billing_link_create(
        tenant=tenant_a, action="checkout", plan=priced_plans["starter"]
    )
    assert urlsplit(link).hostname == settings.PLATFORM_DOMAIN
    response = platform_client.get(path_of(link))
    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_1"
    [sent] = stripe_api.calls("POST", "/v1/checkout/sessions")
    assert sent["client_reference_id"] == str(tenant_a.pk)
    assert sent["line_items[0][price]"] == "price_starter"
    assert sent["success_url"] == tenant_a.portal_url("/admin/")
    assert Subscription.objects.get(tenant=tenant_a).stripe_customer_id == "cus_new"


def test_a_customer_portal_link(platform_client, tenant_a, stripe_api):
    Subscription.objects.create(tenant=tenant_a, stripe_customer_id="cus_A")
    link = services.billing_link_create(tenant=tenant_a, action="portal")
    response = platform_client.get(path_of(link))
    assert response.status_code == 303
    assert response["Location"] == "https://billing.stripe.com/p/session/bps_1"
    assert stripe_api.calls("POST", "/v1/billing_portal/sessions") == [
        {"customer": "cus_A", "return_url": tenant_a.portal_url("/admin/")}
    ]


def test_forged_expired_or_misused_links_are_refused(
    platform_client, tenant_a, priced_plans, stripe_api, monkeypatch
):
    pro = priced_plans["pro"]
    link = path_of(services.billing_link_create(tenant=tenant_a, action="checkout", plan=pro))
    token = link.rstrip("/").rsplit("/", 1)[1]
    refused = [
        link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
        f"/billing/portal/{token}/",  # a checkout link is not a portal link
    ]
    for url in refused:
        response = platform_client.get(url)
        assert response.status_code == 400
        assert "This billing link has expired" in response.content.decode()
    # On a portal's host there are no billing links at all.
    assert TenantClient(host_of(tenant_a)).get(link).status_code == 404
    monkeypatch.setattr(services, "LINK_SECONDS", -1)
    assert platform_client.get(link).status_code == 400
    assert stripe_api.requests == []


def test_offline_the_link_says_billing_is_not_configured(
    platform_client, tenant_a, priced_plans, offline
):
    link = services.billing_link_create(
        tenant=tenant_a, action="checkout", plan=priced_plans["pro"]
    )
    response = platform_client.get(path_of(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Billing is not configured" in page
    assert tenant_a.portal_url("/admin/") in page
    assert offline.requests == []


def test_what_cannot_be_bought_online_says_so(platform_client, tenant_a, stripe_api):
    free = Plan.objects.get(key="free")
    for link in (
        services.billing_link_create(tenant=tenant_a, action="checkout", plan=free),
        services.billing_link_create(tenant=tenant_a, action="portal"),  # no customer yet
    ):
        response = platform_client.get(path_of(link))
        assert response.status_code == 400
        assert "This cannot be done online" in response.content.decode()
    assert stripe_api.requests == []


def test_when_stripe_is_down_nothing_is_charged(
    platform_client, tenant_a, priced_plans, stripe_http
):
    # No routes: Stripe answers every call with an error.
    link = services.billing_link_create(
        tenant=tenant_a, action="checkout", plan=priced_plans["pro"]
    )
    response = platform_client.get(path_of(link))
    assert response.status_code == 502
    assert "Stripe could not be reached" in response.content.decode()
    assert not Subscription.objects.filter(stripe_customer_id__isnull=False).exists()
