"""The only code that talks to Stripe's API (stripe-python, with STRIPE_SECRET_KEY).

With no key set, billing runs offline: every call here raises BillingOffline, and operators
change plans by hand (billing.services.plan_change_offline).
"""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Plan, Subscription


class BillingError(Exception):
    """A billing action that cannot go ahead; the message is for the person who asked."""


class BillingOffline(BillingError):
    def __init__(self) -> None:
        super().__init__(_("Billing is not configured: no Stripe key is set."))


def is_offline() -> bool:
    return not settings.STRIPE_SECRET_KEY


def _key() -> str:
    if is_offline():
        raise BillingOffline()
    return settings.STRIPE_SECRET_KEY


def _subscription_row(tenant) -> Subscription:
    row, _created = Subscription.objects.select_for_update().get_or_create(tenant=tenant)
    return row


def customer_ensure(tenant) -> str:
    """The tenant's Stripe customer id, creating the customer (once) and storing its id."""
    key = _key()
    with transaction.atomic():
        row = _subscription_row(tenant)
        if row.stripe_customer_id:
            return row.stripe_customer_id
        customer = stripe.Customer.create(
            api_key=key,
            name=tenant.name or tenant.schema_name,
            metadata={"tenant_id": str(tenant.pk), "slug": tenant.slug or ""},
            # A retried signup of the same tenant does not make a second customer.
            idempotency_key=f"tenant-{tenant.pk}-customer",
        )
        row.stripe_customer_id = customer.id
        row.save(update_fields=["stripe_customer_id", "updated_at"])
        return customer.id


def checkout_session_create(tenant, plan: Plan, success_url: str, cancel_url: str) -> Any:
    """A Stripe Checkout Session subscribing the tenant to `plan`; send the browser to `.url`."""
    key = _key()
    if not plan.stripe_price_id:
        raise BillingError(_("This plan cannot be bought online."))
    customer_id = customer_ensure(tenant)
    metadata = {"tenant_id": str(tenant.pk), "plan": plan.key}
    return stripe.checkout.Session.create(
        api_key=key,
        mode="subscription",
        customer=customer_id,
        client_reference_id=str(tenant.pk),
        line_items=[{"price": plan.stripe_price_id, "quantity": 1}],
        success_url=success_url,
        cancel_url=cancel_url,
        metadata=metadata,
        subscription_data={"metadata": metadata},
    )


def portal_session_create(tenant, return_url: str) -> Any:
    """A Stripe customer portal session (cards, invoices, cancellation); send the browser to
    `.url`. Only a tenant that has been through checkout has a customer there."""
    key = _key()
    customer_id = (
        Subscription.objects.filter(tenant=tenant)
        .values_list("stripe_customer_id", flat=True)
        .first()
    )
    if not customer_id:
        raise BillingError(_("There is no billing account yet: choose a plan first."))
    return stripe.billing_portal.Session.create(
        api_key=key, customer=customer_id, return_url=return_url
    )


def subscription_retrieve(subscription_id: str) -> Any:
    """Stripe's current view of a subscription (the webhook trusts this, not the event)."""
    return stripe.Subscription.retrieve(subscription_id, api_key=_key())


def subscription_cancel_at_period_end(subscription_id: str, cancel: bool) -> Any:
    """Ask Stripe to end the subscription when the period already paid for ends (or, with
    `cancel=False`, to keep renewing it). Returns Stripe's subscription."""
    return stripe.Subscription.modify(subscription_id, cancel_at_period_end=cancel, api_key=_key())


def invoices_list(tenant, limit: int = 12) -> list[dict]:
    """The tenant's latest invoices (number, date, amount, status, Stripe's hosted page), or []
    when billing is offline or the tenant has no Stripe customer yet."""
    if is_offline():
        return []
    customer_id = (
        Subscription.objects.filter(tenant=tenant)
        .values_list("stripe_customer_id", flat=True)
        .first()
    )
    if not customer_id:
        return []
    found = stripe.Invoice.list(api_key=_key(), customer=customer_id, limit=limit)
    rows = []
    for invoice in found.data:
        data = invoice.to_dict()
        rows.append(
            {
                "number": data.get("number") or data["id"],
                "created": data.get("created"),
                "amount": (data.get("amount_due") or 0) / 100,
                "currency": (data.get("currency") or "").upper(),
                "status": data.get("status") or "",
                "url": data.get("hosted_invoice_url") or "",
            }
        )
    return rows
