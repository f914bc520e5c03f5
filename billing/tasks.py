"""Billing tasks. They run in the public schema (the plan and tenant rows live there) and
switch into each tenant's schema themselves."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="billing.tasks.plan_entitlements_apply")
def plan_entitlements_apply(plan_id: int, actor: str) -> dict:
    """Apply a changed plan's entitlements to every tenant on it (an operator narrowed or
    widened it): one schema switch per tenant, off the request. A tenant that fails is logged and
    left for the next change; the others still get theirs."""
    from billing.models import Plan
    from billing.services import entitlements_apply, plan_tenants

    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return {"applied": 0, "failed": 0}
    applied = failed = 0
    for tenant in plan_tenants(plan):
        try:
            entitlements_apply(tenant=tenant, actor=actor)
        except Exception:  # one tenant's trouble must not hold back the rest
            log.exception("plan %s: entitlements not applied to %s", plan.key, tenant.schema_name)
            failed += 1
        else:
            applied += 1
    return {"applied": applied, "failed": failed}
