"""POST /billing/stripe/webhook/ on the platform host, with events signed as Stripe signs them
and Stripe's API answered at its HTTP edge."""

from __future__ import annotations

import json
import time

import pytest

from billing.models import StripeEvent, Subscription
from tenants.models import AuditLog, Tenant, TenantStatus
from tests.billing import stripe_fake as sf
from tests.conftest import TenantClient, host_of

URL = "/billing/stripe/webhook/"
SUB = "/v1/subscriptions/sub_A"


def post(client, body, signature: str | None = "sign", **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    if signature == "sign":
        signature = sf.sign(raw)
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(URL, data=raw, content_type="application/json", **headers)


@pytest.fixture
def customer_a(tenant_a, priced_plans, stripe_http):
    """Alpha went through checkout once: Stripe knows it as cus_A."""
    return Subscription.objects.create(tenant=tenant_a, stripe_customer_id="cus_A")


def stripe_says(fake, status: str, price: str = "price_pro", sub_id: str = "sub_A"):
    fake.routes[("GET", f"/v1/subscriptions/{sub_id}")] = sf.subscription(
        sub_id, "cus_A", status, price
    )


def sub_event(event_id: str, type_: str, status: str, sub_id: str = "sub_A") -> dict:
    return sf.event(event_id, type_, sf.subscription(sub_id, "cus_A", status, "price_pro"))


def state(tenant) -> tuple:
    tenant.refresh_from_db()
    return tenant.status, tenant.plan


def audit_actions(tenant) -> list[str]:
    return list(
        AuditLog.objects.filter(tenant=tenant, actor="stripe")
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


def test_subscription_becoming_active_puts_the_tenant_on_its_plan(
    platform_client, tenant_a, customer_a, stripe_http
):
    stripe_says(stripe_http, "active", "price_pro")
    response = post(platform_client, sub_event("evt_1", "customer.subscription.created", "active"))
    assert response.status_code == 200
    assert state(tenant_a) == (TenantStatus.ACTIVE, "pro")
    assert audit_actions(tenant_a) == ["tenant.plan.changed", "tenant.status.active"]
    plan_row = AuditLog.objects.get(tenant=tenant_a, action="tenant.plan.changed")
    assert plan_row.detail["previous"] == "trial" and plan_row.detail["plan"] == "pro"
    customer_a.refresh_from_db()
    assert customer_a.stripe_subscription_id == "sub_A"
    assert customer_a.status == "active" and customer_a.price_id == "price_pro"
    assert customer_a.current_period_end is not None
    recorded = StripeEvent.objects.get(event_id="evt_1")
    assert recorded.tenant == tenant_a
    assert "status active" in recorded.outcome


@pytest.mark.parametrize(
    ("stripe_status", "tenant_status"),
    [
        ("trialing", TenantStatus.ACTIVE),
        ("past_due", TenantStatus.PAST_DUE),
        ("unpaid", TenantStatus.PAST_DUE),
        ("canceled", TenantStatus.CANCELLED),
        ("incomplete_expired", TenantStatus.CANCELLED),
    ],
)
def test_stripe_status_maps_to_tenant_status(
    platform_client, tenant_a, customer_a, stripe_http, stripe_status, tenant_status
):
    stripe_says(stripe_http, stripe_status)
    assert (
        post(platform_client, sub_event("evt_s", "customer.subscription.updated", "x")).status_code
        == 200
    )
    assert state(tenant_a)[0] == tenant_status
    assert f"tenant.status.{tenant_status}" in audit_actions(tenant_a)


def test_a_customer_who_stops_and_starts_paying(platform_client, tenant_a, customer_a, stripe_http):
    stripe_says(stripe_http, "active", "price_starter")
    post(platform_client, sub_event("evt_1", "customer.subscription.created", "active"))
    assert state(tenant_a) == (TenantStatus.ACTIVE, "starter")

    stripe_says(stripe_http, "past_due", "price_starter")
    invoice = sf.invoice("in_1", "cus_A", "sub_A", "open")
    assert (
        post(platform_client, sf.event("evt_2", "invoice.payment_failed", invoice)).status_code
        == 200
    )
    assert state(tenant_a) == (TenantStatus.PAST_DUE, "starter")

    stripe_says(stripe_http, "active", "price_pro")  # paid, and upgraded in the portal
    invoice = sf.invoice("in_2", "cus_A", "sub_A", "paid")
    assert post(platform_client, sf.event("evt_3", "invoice.paid", invoice)).status_code == 200
    assert state(tenant_a) == (TenantStatus.ACTIVE, "pro")

    stripe_says(stripe_http, "canceled", "price_pro")
    post(platform_client, sub_event("evt_4", "customer.subscription.deleted", "canceled"))
    assert state(tenant_a) == (TenantStatus.CANCELLED, "pro")
    assert audit_actions(tenant_a) == [
        "tenant.plan.changed",
        "tenant.status.active",
        "tenant.entitlements.applied",  # the trial's pro fell to starter: modules switched off
        "tenant.status.past_due",
        "tenant.plan.changed",
        "tenant.status.active",
        "tenant.status.cancelled",
    ]


def test_the_same_event_twice_changes_things_once(
    platform_client, tenant_a, customer_a, stripe_http
):
    stripe_says(stripe_http, "active")
    body = sub_event("evt_dup", "customer.subscription.updated", "active")
    assert post(platform_client, body).json()["duplicate"] is False
    audited = audit_actions(tenant_a)
    # Stripe's state moves on; a replay of the old event must not re-apply anything.
    stripe_says(stripe_http, "past_due")
    second = post(platform_client, body)
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert state(tenant_a) == (TenantStatus.ACTIVE, "pro")
    assert audit_actions(tenant_a) == audited
    assert StripeEvent.objects.filter(event_id="evt_dup").count() == 1
    assert len(stripe_http.calls("GET", SUB)) == 1


def test_events_out_of_order_end_in_stripes_current_state(
    platform_client, tenant_a, customer_a, stripe_http
):
    stripe_says(stripe_http, "canceled")
    later = sub_event("evt_later", "customer.subscription.deleted", "canceled")
    earlier = sub_event("evt_earlier", "customer.subscription.updated", "active")
    earlier["created"] = later["created"] - 60
    assert post(platform_client, later).status_code == 200
    assert state(tenant_a)[0] == TenantStatus.CANCELLED
    audited = audit_actions(tenant_a)

    # The earlier event says "active", but Stripe says canceled.
    assert post(platform_client, earlier).status_code == 200
    assert state(tenant_a)[0] == TenantStatus.CANCELLED
    assert audit_actions(tenant_a) == audited
    assert len(stripe_http.calls("GET", SUB)) == 2
    assert StripeEvent.objects.filter(event_id="evt_earlier").exists()


def test_checkout_completed_links_the_subscription(
    platform_client, tenant_a, customer_a, stripe_http
):
    stripe_says(stripe_http, "active", "price_starter", sub_id="sub_new")
    stripe_http.routes[("GET", "/v1/subscriptions/sub_new")]["customer"] = "cus_A"
    session = sf.checkout_session("cs_1", "cus_A", "sub_new", str(tenant_a.pk))
    assert (
        post(platform_client, sf.event("evt_c", "checkout.session.completed", session)).status_code
        == 200
    )
    assert state(tenant_a) == (TenantStatus.ACTIVE, "starter")
    customer_a.refresh_from_db()
    assert customer_a.stripe_subscription_id == "sub_new"


def test_checkout_naming_another_tenant_changes_nothing(
    platform_client, tenant_a, tenant_b, customer_a, stripe_http
):
    stripe_says(stripe_http, "active", sub_id="sub_new")
    # Alpha's customer with Beta's id as reference, then Beta's id with an unknown customer.
    for customer in ("cus_A", "cus_unknown"):
        session = sf.checkout_session("cs_x", customer, "sub_new", str(tenant_b.pk))
        assert (
            post(
                platform_client, sf.event(f"evt_{customer}", "checkout.session.completed", session)
            ).status_code
            == 200
        )
    assert state(tenant_a) == (TenantStatus.TRIALING, "trial")
    assert state(tenant_b) == (TenantStatus.TRIALING, "trial")
    assert stripe_http.requests == []
    assert not Subscription.objects.filter(stripe_subscription_id="sub_new").exists()


def test_the_tenant_comes_from_stored_ids_never_from_the_host(
    platform_client, tenant_a, tenant_b, customer_a, stripe_http
):
    stripe_says(stripe_http, "canceled")
    body = sub_event("evt_h", "customer.subscription.deleted", "canceled")
    # On a portal's host there is no webhook: nothing is recorded, nobody changes.
    on_portal = post(TenantClient(host_of(tenant_b)), body)
    assert on_portal.status_code == 404
    assert not StripeEvent.objects.exists()
    assert state(tenant_a)[0] == state(tenant_b)[0] == TenantStatus.TRIALING

    # A customer nobody stored: recorded, but no tenant is touched (whatever the host).
    stranger = sf.event(
        "evt_s", "customer.subscription.deleted", sf.subscription("sub_Z", "cus_Z", "canceled", "")
    )
    assert post(platform_client, stranger).status_code == 200
    assert StripeEvent.objects.get(event_id="evt_s").tenant is None
    assert state(tenant_a)[0] == state(tenant_b)[0] == TenantStatus.TRIALING
    assert stripe_http.requests == []

    # The same event on the platform host reaches Alpha, the tenant that owns cus_A.
    assert post(platform_client, body).status_code == 200
    assert state(tenant_a)[0] == TenantStatus.CANCELLED
    assert state(tenant_b)[0] == TenantStatus.TRIALING


def test_an_old_subscription_ending_leaves_the_current_one_alone(
    platform_client, tenant_a, customer_a, stripe_http
):
    stripe_says(stripe_http, "active")
    post(platform_client, sub_event("evt_1", "customer.subscription.created", "active"))
    stripe_says(stripe_http, "canceled", sub_id="sub_old")
    assert (
        post(
            platform_client,
            sub_event("evt_2", "customer.subscription.deleted", "canceled", sub_id="sub_old"),
        ).status_code
        == 200
    )
    assert state(tenant_a)[0] == TenantStatus.ACTIVE
    assert "not the tenant's current one" in StripeEvent.objects.get(event_id="evt_2").outcome


def test_unknown_event_types_are_recorded_and_ignored(
    platform_client, tenant_a, customer_a, stripe_http
):
    body = sf.event("evt_u", "customer.tax_id.created", {"id": "txi_1", "customer": "cus_A"})
    assert post(platform_client, body).status_code == 200
    assert StripeEvent.objects.get(event_id="evt_u").outcome == "ignored: unhandled type"
    assert state(tenant_a) == (TenantStatus.TRIALING, "trial")
    assert stripe_http.requests == []


def test_when_stripe_cannot_be_read_nothing_is_recorded_and_the_retry_applies(
    platform_client, tenant_a, customer_a, stripe_http
):
    body = sub_event("evt_r", "customer.subscription.updated", "active")
    response = post(platform_client, body)  # Stripe answers 404 for sub_A
    assert response.status_code == 503
    assert not StripeEvent.objects.exists()
    assert state(tenant_a) == (TenantStatus.TRIALING, "trial")

    stripe_says(stripe_http, "active")
    assert post(platform_client, body).status_code == 200
    assert state(tenant_a) == (TenantStatus.ACTIVE, "pro")


def _tampered(raw: bytes) -> tuple[bytes, str]:
    return raw.replace(b"canceled", b"active"), sf.sign(raw)


@pytest.mark.parametrize(
    "case",
    [
        "tampered body",
        "stale timestamp",
        "wrong secret",
        "missing header",
        "garbled header",
        "not json",
        "not utf-8",
        "json but a list",
        "an event without a type",
    ],
)
def test_anything_not_signed_by_stripe_is_refused_and_changes_nothing(
    platform_client, tenant_a, customer_a, stripe_http, case
):
    stripe_says(stripe_http, "canceled")
    raw = json.dumps(sub_event("evt_bad", "customer.subscription.deleted", "canceled")).encode()
    signature: str | None
    if case == "tampered body":
        signature = sf.sign(raw)
        raw = raw.replace(b'"evt_bad"', b'"evt_bad2"')
    elif case == "stale timestamp":
        signature = sf.sign(raw, timestamp=int(time.time()) - 3600)
    elif case == "wrong secret":
        signature = sf.sign(raw, secret="whsec_someone_else")
    elif case == "missing header":
        signature = None
    elif case == "garbled header":
        signature = "t=yesterday,v1=zz"
    else:
        raw = {
            "not json": b"<xml>not json</xml>",
            "not utf-8": b"\xff\xfe{}",
            "json but a list": b"[]",
            "an event without a type": b'{"id": "evt_bad", "type": ["x"]}',
        }[case]
        signature = sf.sign(raw)  # correctly signed, but not an event
    response = post(platform_client, raw, signature=signature)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid event"
    assert not StripeEvent.objects.exists()
    assert state(tenant_a) == (TenantStatus.TRIALING, "trial")
    assert not AuditLog.objects.filter(actor="stripe").exists()
    assert stripe_http.requests == []


def test_a_get_is_not_an_event(platform_client, stripe_http):
    assert platform_client.get(URL).status_code == 405


def test_without_a_webhook_secret_every_event_is_refused(
    platform_client, tenant_a, customer_a, stripe_http, settings
):
    raw = json.dumps(sub_event("evt_n", "customer.subscription.deleted", "canceled")).encode()
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post(platform_client, raw).status_code == 400
    assert not StripeEvent.objects.exists()
    assert Tenant.objects.get(pk=tenant_a.pk).status == TenantStatus.TRIALING
