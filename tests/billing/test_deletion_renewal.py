"""An owner who asks for the portal's deletion is not charged again: the Stripe subscription
stops renewing (the period paid for runs out), and undoing the request lets it renew. Stripe is
answered at its HTTP edge."""

from __future__ import annotations

import pytest

from billing.models import Subscription
from tenants import services
from tenants.models import AuditLog, TenantStatus
from tests.billing import stripe_fake as sf
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SUB = "/v1/subscriptions/sub_A"


@pytest.fixture
def paying_a(tenant_a, priced_plans, stripe_http):
    Subscription.objects.create(
        tenant=tenant_a,
        stripe_customer_id="cus_A",
        stripe_subscription_id="sub_A",
        status="active",
        price_id="price_pro",
    )
    tenant_a.plan, tenant_a.status = "pro", TenantStatus.ACTIVE
    tenant_a.save(update_fields=["plan", "status"])

    def modify(form):
        cancel = form.get("cancel_at_period_end") == "true"
        return sf.subscription("sub_A", "cus_A", "active", "price_pro") | {
            "cancel_at_period_end": cancel
        }

    stripe_http.routes[("POST", SUB)] = modify
    return tenant_a


def test_asking_for_deletion_stops_the_renewal_and_undo_resumes_it(
    paying_a, admin_client_a, stripe_http, django_capture_on_commit_callbacks
):
    page = admin_client_a.get("/admin/portal-deletion/").content.decode()
    assert "Your subscription stops renewing" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_a.post(
            "/admin/portal-deletion/", {"confirm_slug": "alpha", "password": TEST_PASSWORD}
        )
    assert response.status_code == 302
    assert [call["cancel_at_period_end"] for call in stripe_http.calls("POST", SUB)] == ["true"]
    row = Subscription.objects.get(tenant=paying_a)
    assert row.cancel_at_period_end is True
    assert AuditLog.objects.filter(tenant=paying_a, action="billing.renewal.stopped").exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client_a.post("/admin/portal-deletion/undo/").status_code == 302
    assert [c["cancel_at_period_end"] for c in stripe_http.calls("POST", SUB)] == ["true", "false"]
    row.refresh_from_db()
    assert row.cancel_at_period_end is False
    paying_a.refresh_from_db()
    assert paying_a.status == TenantStatus.ACTIVE


def test_stripe_being_down_leaves_the_request_standing_and_audited(
    paying_a, stripe_http, django_capture_on_commit_callbacks
):
    del stripe_http.routes[("POST", SUB)]  # Stripe answers 404
    with django_capture_on_commit_callbacks(execute=True):
        services.tenant_deletion_request(tenant=paying_a, actor="admin@alpha.example")
    paying_a.refresh_from_db()
    assert paying_a.status == TenantStatus.CANCELLED and paying_a.deletion_requested_at
    failed = AuditLog.objects.get(tenant=paying_a, action="billing.renewal.failed")
    assert failed.detail["renew"] is False
    assert Subscription.objects.get(tenant=paying_a).cancel_at_period_end is False


def test_a_trial_without_a_subscription_asks_stripe_nothing(
    tenant_a, stripe_http, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.tenant_deletion_request(tenant=tenant_a, actor="admin@alpha.example")
    assert stripe_http.calls("POST", SUB) == []
    assert not AuditLog.objects.filter(action__startswith="billing.renewal").exists()
