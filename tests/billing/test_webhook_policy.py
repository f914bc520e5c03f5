"""What Stripe's word cannot undo: an operator's suspension and an owner's deletion request.
A suspension for non-payment, though, is lifted by paying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Subscription
from tenants import lifecycle, services
from tenants.models import AuditLog, TenantStatus
from tests.billing.test_webhook import post, stripe_says, sub_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def paying_a(tenant_a, priced_plans, stripe_http):
    Subscription.objects.create(
        tenant=tenant_a, stripe_customer_id="cus_A", stripe_subscription_id="sub_A"
    )
    tenant_a.plan, tenant_a.status = "pro", TenantStatus.ACTIVE
    tenant_a.save(update_fields=["plan", "status"])
    return tenant_a


def test_an_operators_suspension_stands_when_stripe_says_active(
    platform_client, paying_a, stripe_http
):
    services.tenant_suspend(tenant=paying_a, actor="ops@platform.example", reason="abuse report")
    stripe_says(stripe_http, "active")
    response = post(platform_client, sub_event("evt_p1", "customer.subscription.updated", "active"))
    assert response.status_code == 200
    paying_a.refresh_from_db()
    assert paying_a.status == TenantStatus.SUSPENDED
    assert not AuditLog.objects.filter(
        tenant=paying_a, actor="stripe", action__startswith="tenant.status"
    )
    # an operator resuming it is what lifts it
    services.tenant_resume(tenant=paying_a, actor="ops@platform.example")
    paying_a.refresh_from_db()
    assert paying_a.status == TenantStatus.ACTIVE


def test_paying_lifts_a_suspension_for_non_payment(
    platform_client, paying_a, stripe_http, settings
):
    settings.BILLING_GRACE_DAYS = 7
    services.tenant_set_status(tenant=paying_a, status=TenantStatus.PAST_DUE, actor="stripe")
    lifecycle.run(timezone.now() + timedelta(days=8))
    paying_a.refresh_from_db()
    assert paying_a.status == TenantStatus.SUSPENDED
    stripe_says(stripe_http, "active")
    post(platform_client, sub_event("evt_p2", "invoice.paid", "active"))
    paying_a.refresh_from_db()
    assert paying_a.status == TenantStatus.ACTIVE


def test_an_owners_deletion_request_is_not_reopened_by_a_renewal(
    platform_client, paying_a, stripe_http
):
    services.tenant_set_status(
        tenant=paying_a, status=TenantStatus.CANCELLED, actor="admin@alpha.example"
    )
    paying_a.deletion_requested_at = timezone.now()
    paying_a.save(update_fields=["deletion_requested_at"])
    stripe_says(stripe_http, "active")
    post(platform_client, sub_event("evt_p3", "customer.subscription.updated", "active"))
    paying_a.refresh_from_db()
    assert paying_a.status == TenantStatus.CANCELLED
