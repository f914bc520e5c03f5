"""The billing page in a portal's admin (Billing in the Settings menu): the plan, the trial's days
left, usage against the plan's limits, invoices, and the ways to upgrade or manage payment. The
payment itself happens on Stripe, reached through signed links to the platform host
(billing.services.billing_link_create). Only the portal's administrators (superusers of the
tenant, such as the person who signed the company up) see it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import stripe_client
from billing.entitlements import entitlements, plan_for
from billing.models import Plan, Subscription
from billing.services import billing_link_create, last_modules_switched_off
from billing.usage import usage


def can_manage_billing(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def overview(request):
    if not can_manage_billing(request.user):
        raise PermissionDenied
    from tenants.models import TenantStatus

    tenant = request.tenant
    allowed = entitlements(tenant)
    used = usage()
    offline = stripe_client.is_offline()
    subscription = Subscription.objects.filter(tenant=tenant).first()
    plans = []
    for plan in Plan.objects.filter(public=True):
        link = ""
        if not offline and plan.stripe_price_id and plan.key != tenant.plan:
            link = billing_link_create(tenant=tenant, action="checkout", plan=plan)
        plans.append({"plan": plan, "current": plan.key == tenant.plan, "link": link})
    invoices, invoices_error = [], ""
    try:
        invoices = stripe_client.invoices_list(tenant)
    except Exception:  # Stripe unreachable: the page still shows everything else
        invoices_error = _("Invoices cannot be shown right now; try again later.")
    days_left = None
    if tenant.status == TenantStatus.TRIALING and tenant.trial_ends_at:
        days_left = max(0, (tenant.trial_ends_at - timezone.now()).days)
    limits = [
        {
            "label": _("Agent seats"),
            "used": used.seats,
            "limit": allowed.agent_seats,
            "over": bool(allowed.agent_seats and used.seats > allowed.agent_seats),
        },
        {
            "label": _("Storage (MB)"),
            "used": used.storage_mb,
            "limit": allowed.storage_mb,
            "over": bool(allowed.storage_mb and used.storage_mb > allowed.storage_mb),
        },
        {
            "label": _("Customers active in the last 30 days"),
            "used": used.monthly_active_customers,
            "limit": None,
            "over": False,
        },
    ]
    for row in limits:
        limit = row["limit"]
        row["percent"] = min(100, round(100 * row["used"] / limit)) if limit else None
    switched_off = None
    last_downgrade = last_modules_switched_off(tenant=tenant)
    if last_downgrade is not None:
        from modules import registry

        when, keys = last_downgrade
        labels = {spec.key: str(spec.label) for spec in registry.all_modules()}
        switched_off = {
            "at": when,
            "modules": [
                {"key": key, "label": labels.get(key, key), "in_plan": allowed.allows_module(key)}
                for key in keys
            ],
        }
    return render(
        request,
        "billing/admin/overview.html",
        {
            "tenant": tenant,
            "status_label": TenantStatus(tenant.status).label,
            "plan": plan_for(tenant),
            "entitlements": allowed,
            "days_left": days_left,
            "limits": limits,
            "plans": plans,
            "offline": offline,
            "portal_link": billing_link_create(tenant=tenant, action="portal")
            if not offline and subscription is not None and subscription.stripe_customer_id
            else "",
            "invoices": [
                {**row, "date": dt.datetime.fromtimestamp(row["created"], tz=dt.UTC)}
                if row.get("created")
                else row
                for row in invoices
            ],
            "invoices_error": invoices_error,
            "switched_off": switched_off,
        },
    )
