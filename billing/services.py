"""Writes on billing: operator plan changes (offline mode) and Stripe webhook events.

Every tenant change goes through tenants.services (status) or here (plan), each audited.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing import stripe_client
from billing.models import Plan, StripeEvent, Subscription
from tenants.models import Tenant, TenantStatus
from tenants.services import audit, tenant_set_status

log = logging.getLogger(__name__)

STRIPE_ACTOR = "stripe"

# Stripe subscription status → tenant status. Others (incomplete, paused) change nothing.
STATUS_MAP = {
    "active": TenantStatus.ACTIVE,
    "trialing": TenantStatus.ACTIVE,
    "past_due": TenantStatus.PAST_DUE,
    "unpaid": TenantStatus.PAST_DUE,
    "canceled": TenantStatus.CANCELLED,
    "incomplete_expired": TenantStatus.CANCELLED,
}
LIVE = {"active", "trialing", "past_due", "unpaid"}

HANDLED_EVENTS = {
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
}


def tenant_set_plan(*, tenant: Tenant, plan: Plan, actor: str, ip=None, reason: str = "") -> bool:
    """Put the tenant on `plan` (audited). False when it already was."""
    previous = tenant.plan
    if previous == plan.key:
        return False
    tenant.plan = plan.key
    tenant.save(update_fields=["plan"])
    audit(
        actor=actor,
        action="tenant.plan.changed",
        tenant=tenant,
        ip=ip,
        plan=plan.key,
        previous=previous,
        reason=reason,
    )
    return True


def plan_change_offline(*, tenant: Tenant, plan: Plan, actor: str, ip=None) -> Tenant:
    """An operator switches a tenant's plan by hand: only while billing runs offline (with
    Stripe, the subscription decides the plan and the webhook applies it)."""
    if not stripe_client.is_offline():
        raise stripe_client.BillingError(
            _("Billing runs through Stripe: change the plan from the tenant's subscription.")
        )
    tenant_set_plan(tenant=tenant, plan=plan, actor=actor, ip=ip, reason="offline")
    return tenant


# --- Links from a portal's admin to checkout and the customer portal ------------------------

LINK_SALT = "billing.link"
LINK_SECONDS = 15 * 60
LINK_ACTIONS = ("checkout", "portal")


def billing_link_create(*, tenant: Tenant, action: str, plan: Plan | None = None) -> str:
    """A signed, short-lived link on the platform host that starts a Checkout Session for
    `plan` (action "checkout") or opens Stripe's customer portal (action "portal") for the
    tenant. Portals' admins use it: Stripe sessions are made on the platform host only."""
    if action not in LINK_ACTIONS:
        raise ValueError(action)
    token = signing.dumps(
        {"t": tenant.pk, "a": action, "p": plan.key if plan else ""}, salt=LINK_SALT
    )
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    base = f"{settings.PLATFORM_SCHEME}://{settings.PLATFORM_DOMAIN}{port}"
    return f"{base}/billing/{action}/{token}/"


def billing_link_read(*, token: str, action: str) -> tuple[Tenant, Plan | None] | None:
    """The tenant (and plan) a link was made for; None when it is forged, expired, for another
    action, or for a tenant or plan that is gone."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != action:
        return None
    tenant = Tenant.objects.real().filter(pk=data.get("t"), deleted_at__isnull=True).first()
    if tenant is None:
        return None
    if action != "checkout":
        return tenant, None
    plan = Plan.objects.filter(key=data.get("p") or "").first()
    return (tenant, plan) if plan else None


# --- Webhook ---------------------------------------------------------------------------------


class WebhookRejected(Exception):
    """The request is not a genuine Stripe event; answer 400 and change nothing."""


@dataclass
class WebhookResult:
    event_id: str
    type: str
    outcome: str
    duplicate: bool = False


def webhook_event_parse(payload: bytes, signature: str | None) -> Any:
    """The verified event, or WebhookRejected (bad/missing/stale signature, wrong secret, not
    JSON). Verification runs on the raw body, as Stripe signed it."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected("no webhook secret configured")
    if not signature:
        raise WebhookRejected("missing Stripe-Signature header")
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookRejected("payload is not JSON") from exc
    # stripe-python assumes an object with an id and a type; anything else would crash it.
    if not (
        isinstance(data, dict)
        and isinstance(data.get("id"), str)
        and data["id"]
        and isinstance(data.get("type"), str)
        and data["type"]
    ):
        raise WebhookRejected("payload is not a Stripe event")
    try:
        return stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError as exc:
        raise WebhookRejected(f"signature: {exc.user_message or exc}") from exc


def webhook_handle(payload: bytes, signature: str | None) -> WebhookResult:
    """Verify, record once, and apply a Stripe event. Raises WebhookRejected for anything not
    signed by Stripe and stripe.StripeError when Stripe cannot be read (nothing is recorded,
    so Stripe's retry applies it later)."""
    event = webhook_event_parse(payload, signature)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(event_id=event.id, type=event.type)
        except IntegrityError:
            return WebhookResult(event.id, event.type, "duplicate", duplicate=True)
        if event.type in HANDLED_EVENTS:
            tenant, outcome = _apply(event)
        else:
            tenant, outcome = None, "ignored: unhandled type"
        record.tenant = tenant
        record.outcome = outcome[:255]
        record.save(update_fields=["tenant", "outcome"])
    log.info("stripe event %s %s: %s", event.id, event.type, outcome)
    return WebhookResult(event.id, event.type, outcome)


def _get(obj: Any, *path: str | int) -> Any:
    """obj[path0][path1]..., None where any step is missing (payloads differ by API version)."""
    for name in path:
        if obj is None:
            return None
        try:
            obj = obj[name]
        except (KeyError, TypeError, IndexError):
            return None
    return obj


def _id(value: Any) -> str | None:
    """An id field that may be expanded into an object."""
    if isinstance(value, str):
        return value or None
    return _get(value, "id")


def _apply(event: Any) -> tuple[Tenant | None, str]:
    obj = _get(event, "data", "object")
    customer_id = _id(_get(obj, "customer"))
    if event.type.startswith("customer.subscription."):
        subscription_id = _id(_get(obj, "id"))
    else:
        subscription_id = _id(_get(obj, "subscription")) or _id(
            _get(obj, "parent", "subscription_details", "subscription")
        )

    # Locked until the event is applied: two deliveries for one tenant read Stripe one after
    # the other, so the later reading is the one that stays.
    rows = Subscription.objects.select_for_update()
    row = None
    if subscription_id:
        row = rows.filter(stripe_subscription_id=subscription_id).first()
    if row is None and customer_id:
        row = rows.filter(stripe_customer_id=customer_id).first()
    if row is None:
        return None, "ignored: no tenant with these Stripe ids"
    if event.type == "checkout.session.completed":
        reference = _get(obj, "client_reference_id")
        if reference is not None and str(reference) != str(row.tenant_id):
            return None, "ignored: client_reference_id does not match the customer's tenant"
    subscription_id = subscription_id or row.stripe_subscription_id
    if not subscription_id:
        return row.tenant, "ignored: no subscription yet"

    subscription = stripe_client.subscription_retrieve(subscription_id)
    return _sync(row_id=row.pk, subscription=subscription)


def _period_end(subscription: Any) -> datetime | None:
    # Newer API versions keep the period on the subscription's items.
    stamp = _get(subscription, "current_period_end") or _get(
        subscription, "items", "data", 0, "current_period_end"
    )
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None


def _sync(*, row_id: int, subscription: Any) -> tuple[Tenant, str]:
    """Apply Stripe's current view of a subscription to its tenant."""
    row = Subscription.objects.select_for_update().select_related("tenant").get(pk=row_id)
    tenant = row.tenant
    if _id(_get(subscription, "customer")) != row.stripe_customer_id:
        return tenant, "ignored: subscription belongs to another customer"
    status = _get(subscription, "status") or ""
    if (
        row.stripe_subscription_id
        and row.stripe_subscription_id != subscription.id
        and status not in LIVE
    ):
        # An old subscription ending says nothing about the one the tenant pays with now.
        return tenant, f"ignored: {status} subscription is not the tenant's current one"
    price_id = _id(_get(subscription, "items", "data", 0, "price")) or ""
    row.stripe_subscription_id = subscription.id
    row.status = status
    row.price_id = price_id
    row.current_period_end = _period_end(subscription)
    row.cancel_at_period_end = bool(_get(subscription, "cancel_at_period_end"))
    row.save()

    if tenant.deleted_at is not None:
        return tenant, f"subscription {status}; tenant deleted, unchanged"
    changes = []
    new_status = STATUS_MAP.get(status)
    if new_status == TenantStatus.ACTIVE:
        plan = Plan.objects.filter(stripe_price_id=price_id).first() if price_id else None
        if plan is None:
            changes.append(f"unknown price {price_id or '-'}")
        elif tenant_set_plan(tenant=tenant, plan=plan, actor=STRIPE_ACTOR, reason=status):
            changes.append(f"plan {plan.key}")
    if new_status and new_status != tenant.status:
        tenant_set_status(
            tenant=tenant, status=new_status, actor=STRIPE_ACTOR, reason=f"stripe {status}"
        )
        changes.append(f"status {new_status}")
    return tenant, f"subscription {status}: " + (", ".join(changes) or "no change")
