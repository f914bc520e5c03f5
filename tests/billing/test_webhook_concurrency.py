"""Stripe delivers the same event twice at the same moment (it retries while the first delivery
is still running): each delivery on its own committed connection, as in production."""

from __future__ import annotations

import json
import threading

from django.db import connection

from billing.models import Plan, StripeEvent, Subscription
from tenants.models import AuditLog, Tenant, TenantStatus
from tests.billing import stripe_fake as sf
from tests.conftest import TenantClient, run_committed


def _setup(tenant_pk):
    Subscription.objects.create(tenant_id=tenant_pk, stripe_customer_id="cus_race")


def _cleanup(tenant_pk, saved):
    StripeEvent.objects.filter(event_id="evt_race").delete()
    Subscription.objects.filter(tenant_id=tenant_pk).delete()
    AuditLog.objects.filter(tenant_id=tenant_pk, actor="stripe").delete()
    Tenant.objects.filter(pk=tenant_pk).update(status=saved[0], plan=saved[1])


def _read(tenant_pk):
    tenant = Tenant.objects.get(pk=tenant_pk)
    return (
        tenant.status,
        tenant.plan,
        StripeEvent.objects.filter(event_id="evt_race").count(),
        AuditLog.objects.filter(tenant_id=tenant_pk, action="tenant.status.active").count(),
    )


def _price(price_id):
    Plan.objects.filter(key="pro").update(stripe_price_id=price_id)


def test_two_simultaneous_deliveries_apply_the_event_once(tenant_a, stripe_http, settings):
    # Committed, so that the deliveries' own connections see them (and nothing here is locked
    # by the test's own transaction).
    run_committed(_price, "price_race")
    saved = (tenant_a.status, tenant_a.plan)
    run_committed(_setup, tenant_a.pk)
    stripe_http.routes[("GET", "/v1/subscriptions/sub_race")] = sf.subscription(
        "sub_race", "cus_race", "active", "price_race"
    )
    body = json.dumps(
        sf.event(
            "evt_race",
            "customer.subscription.updated",
            sf.subscription("sub_race", "cus_race", "active", "price_race"),
        )
    ).encode()
    start = threading.Barrier(2)
    answers: list[int] = []

    def deliver():
        try:
            start.wait()
            client = TenantClient(settings.PLATFORM_DOMAIN)
            response = client.post(
                "/billing/stripe/webhook/",
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=sf.sign(body),
            )
            answers.append(response.status_code)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [200, 200]
        assert run_committed(_read, tenant_a.pk) == (TenantStatus.ACTIVE, "pro", 1, 1)
        assert len(stripe_http.calls("GET", "/v1/subscriptions/sub_race")) == 1
    finally:
        run_committed(_cleanup, tenant_a.pk, saved)
        run_committed(_price, None)
