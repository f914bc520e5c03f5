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


def tenant_set_plan(
    *, tenant: Tenant, plan: Plan, actor: str, ip=None, reason: str = "", apply: bool = True
) -> bool:
    """Put the tenant on `plan` (audited) and apply its entitlements (unless the caller applies
    them itself after more changes: `apply=False`). False when it already was on it."""
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
    if apply:
        entitlements_apply(tenant=tenant, actor=actor, ip=ip)
    return True


# --- Entitlements flow one way: from the plan to the tenant's switches ----------------------

ENTITLEMENTS_APPLIED = "tenant.entitlements.applied"


@dataclass
class EntitlementsApplied:
    modules_off: list[str]
    domains_removed: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.modules_off or self.domains_removed)


def entitlements_apply(*, tenant: Tenant, actor: str, ip=None) -> EntitlementsApplied:
    """Bring what the tenant has switched on in line with what its plan (or trial) now allows;
    called whenever the plan or the status behind it changes (Stripe, an operator, a trial
    ending, an operator editing the plan itself).

    - Modules outside the plan are switched off (their content is kept; switching them on again
      needs a plan that includes them).
    - Custom domains stop being served when the plan has none (their claims stay, pending).
    - The tenant's cached portal pages and badge answer are purged (the platform badge may come
      or go).
    - API keys and seats need nothing here: the API door asks the plan on every request, and
      seats over the limit are kept (nobody loses access); no new one can be taken.

    Audited (`tenant.entitlements.applied`, with the modules and domains) when anything was
    switched off; the billing page lists the modules from that record. One schema switch,
    skipped for a tenant whose schema does not exist (yet or any more)."""
    from django.core.cache import cache
    from django_tenants.utils import schema_exists, tenant_context

    from billing.entitlements import BADGE_CACHE_KEY, entitlements
    from cms.models import ModuleSettings
    from cms.page_cache import page_cache_purge
    from modules import registry
    from tenants.domains import custom_domains_suspend

    allowed = entitlements(tenant)
    domains_removed = [] if allowed.custom_domain else custom_domains_suspend(tenant=tenant)
    modules_off: list[str] = []
    if tenant.schema_name != "public" and schema_exists(tenant.schema_name):
        with tenant_context(tenant):
            row = ModuleSettings.load()
            switches = dict(row.switches or {})
            for spec in registry.all_modules():
                on = switches.get(spec.key, spec.enabled_by_default)
                if on and not spec.always_on and not allowed.allows_module(spec.key):
                    switches[spec.key] = False
                    modules_off.append(spec.key)
            if modules_off:
                row.switches = switches
                row.save(update_fields=["switches"])
            cache.delete(BADGE_CACHE_KEY)
            page_cache_purge()
    result = EntitlementsApplied(modules_off=modules_off, domains_removed=domains_removed)
    if result.changed:
        audit(
            actor=actor,
            action=ENTITLEMENTS_APPLIED,
            tenant=tenant,
            ip=ip,
            plan=allowed.plan_key,
            modules_off=modules_off,
            domains_removed=domains_removed,
        )
    return result


def last_modules_switched_off(*, tenant: Tenant) -> tuple[datetime, list[str]] | None:
    """When the tenant's last downgrade switched modules off, and which (the billing page)."""
    from tenants.models import AuditLog

    entry = (
        AuditLog.objects.filter(
            tenant=tenant, action=ENTITLEMENTS_APPLIED, detail__modules_off__0__isnull=False
        )
        .order_by("-at")
        .first()
    )
    if entry is None:
        return None
    return entry.at, list(entry.detail.get("modules_off") or [])


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


def subscription_renewal_set(*, tenant_id: int, renew: bool, actor: str) -> str:
    """Stop (or resume) the renewal of the tenant's running Stripe subscription: an owner who
    asks for the portal's deletion is not charged again; the period already paid for runs out.
    Undoing the request lets it renew again. Called after the request commits (no HTTP inside a
    database transaction); a Stripe failure is logged and audited, never raised, so the
    deletion request stands and an operator can finish the change in Stripe. Returns what
    happened, for logs and tests."""
    row = Subscription.objects.filter(tenant_id=tenant_id).select_related("tenant").first()
    if row is None or not row.stripe_subscription_id or row.status not in LIVE:
        return "no running subscription"
    if row.cancel_at_period_end == (not renew):
        return "unchanged"
    if stripe_client.is_offline():
        return "billing offline"
    try:
        subscription = stripe_client.subscription_cancel_at_period_end(
            row.stripe_subscription_id, cancel=not renew
        )
    except stripe.StripeError as exc:
        log.warning("stripe: renewal of %s not changed: %s", row.stripe_subscription_id, exc)
        audit(
            actor=actor,
            action="billing.renewal.failed",
            tenant=row.tenant,
            subscription=row.stripe_subscription_id,
            renew=renew,
            error=str(exc)[:500],
        )
        return "failed"
    row.cancel_at_period_end = bool(_get(subscription, "cancel_at_period_end"))
    row.current_period_end = _period_end(subscription) or row.current_period_end
    row.save(update_fields=["cancel_at_period_end", "current_period_end", "updated_at"])
    audit(
        actor=actor,
        action="billing.renewal.resumed" if renew else "billing.renewal.stopped",
        tenant=row.tenant,
        subscription=row.stripe_subscription_id,
    )
    return "resumed" if renew else "stopped"


def _status_held(tenant: Tenant) -> str:
    """Why Stripe must not change this tenant's status, or "": a suspension an operator made
    (for abuse, say) stands until an operator resumes the tenant, whatever Stripe says of the
    payments; and a portal whose owner asked for its deletion stays closed until they undo it.
    A suspension the lifecycle made for non-payment is lifted by paying, as it should be."""
    from tenants.lifecycle import SYSTEM
    from tenants.models import AuditLog

    if tenant.deletion_requested_at is not None:
        return "the owner asked for deletion"
    if tenant.status == TenantStatus.SUSPENDED:
        last = (
            AuditLog.objects.filter(tenant=tenant, action=f"tenant.status.{TenantStatus.SUSPENDED}")
            .order_by("-at", "-pk")
            .values_list("actor", flat=True)
            .first()
        )
        if last and last not in (SYSTEM, STRIPE_ACTOR):
            return "suspended by an operator"
    return ""


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
        elif tenant_set_plan(
            tenant=tenant, plan=plan, actor=STRIPE_ACTOR, reason=status, apply=False
        ):
            changes.append(f"plan {plan.key}")
    held = _status_held(tenant) if new_status and new_status != tenant.status else ""
    if held:
        changes.append(f"status kept {tenant.status}: {held}")
    elif new_status and new_status != tenant.status:
        tenant_set_status(
            tenant=tenant, status=new_status, actor=STRIPE_ACTOR, reason=f"stripe {status}"
        )
        changes.append(f"status {new_status}")
    if any(not change.startswith("unknown") for change in changes):
        # the plan and the status both decide the entitlements (a trial has pro's): once, after
        entitlements_apply(tenant=tenant, actor=STRIPE_ACTOR)
    return tenant, f"subscription {status}: " + (", ".join(changes) or "no change")


# --- Plans as data: the operators' console edits them ---------------------------------------

PLAN_FIELDS = (
    "name",
    "price_cents",
    "currency",
    "stripe_price_id",
    "modules",
    "agent_seats",
    "storage_mb",
    "custom_domain",
    "remove_branding",
    "api_access",
    "public",
    "sort_order",
)
# Fields whose change alters what tenants on the plan may use now.
ENTITLEMENT_FIELDS = {"modules", "custom_domain", "remove_branding"}


def plan_tenants(plan: Plan):
    """Live tenants whose entitlements come from `plan`: those on it (past their trial), trials
    when it is the trial's plan, and tenants on a key without a row when it is the free plan."""
    from django.db.models import Q

    from billing.entitlements import FREE, TRIAL_PLAN

    trialing = Q(status=TenantStatus.TRIALING)
    which = Q(plan=plan.key) & ~trialing
    if plan.key == TRIAL_PLAN:
        which |= trialing
    if plan.key == FREE:
        which |= ~Q(plan__in=Plan.objects.values("key")) & ~trialing
    return Tenant.objects.real().filter(which, deleted_at__isnull=True)


def plan_create(*, key: str, actor: str, ip=None, **fields) -> Plan:
    """A new plan (operators). Raises ValidationError by field (a duplicate key or Stripe price
    id, a negative number). Audited `plan.created`."""
    plan = Plan(key=key, **{name: fields[name] for name in PLAN_FIELDS if name in fields})
    plan.stripe_price_id = plan.stripe_price_id or None
    plan.full_clean()
    plan.save()
    audit(
        actor=actor,
        action="plan.created",
        ip=ip,
        plan=plan.key,
        fields={name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    return plan


def plan_update(*, plan: Plan, actor: str, ip=None, **fields) -> dict[str, list]:
    """Change a plan's price, limits or features (operators); returns the changed fields as
    {field: [before, after]}, audited `plan.changed`. When what tenants may use changes (modules,
    custom domain, branding), their entitlements are applied by a Celery task once the change
    commits (`billing.tasks.plan_entitlements_apply`: one schema switch per tenant on the plan,
    off the request). Raises ValidationError by field."""
    with transaction.atomic():
        current = Plan.objects.select_for_update().get(pk=plan.pk)
        changes: dict[str, list] = {}
        for name in PLAN_FIELDS:
            if name not in fields:
                continue
            value = fields[name]
            if name == "stripe_price_id":
                value = value or None
            before = getattr(current, name)
            if before != value:
                changes[name] = [before, value]
                setattr(current, name, value)
        if not changes:
            return {}
        current.full_clean()
        current.save()
        audit(actor=actor, action="plan.changed", ip=ip, plan=current.key, changes=changes)
        if ENTITLEMENT_FIELDS & changes.keys():
            from billing.tasks import plan_entitlements_apply

            plan_id = current.pk
            transaction.on_commit(
                lambda: plan_entitlements_apply.apply_async(
                    args=(plan_id, actor), headers={"_schema_name": "public"}
                )
            )
    return changes
