"""What a tenant's plan allows. The doors (module switches, seats, uploads, custom domains, the
API) ask here; nothing else reads plan limits."""

from __future__ import annotations

from dataclasses import dataclass

from billing.models import Plan

FREE = "free"
# A trial shows everything the platform can do.
TRIAL_PLAN = "pro"


@dataclass(frozen=True)
class Entitlements:
    plan_key: str
    modules: frozenset[str] | None  # None: every module
    agent_seats: int
    storage_mb: int
    custom_domain: bool
    remove_branding: bool
    api_access: bool

    def allows_module(self, key: str) -> bool:
        return self.modules is None or key in self.modules

    @classmethod
    def of(cls, plan: Plan) -> Entitlements:
        return cls(
            plan_key=plan.key,
            modules=frozenset(plan.modules) if plan.modules else None,
            agent_seats=plan.agent_seats,
            storage_mb=plan.storage_mb,
            custom_domain=plan.custom_domain,
            remove_branding=plan.remove_branding,
            api_access=plan.api_access,
        )


def plan_for(tenant) -> Plan:
    """The tenant's plan row; a key with no row (`trial`, a retired plan) counts as free."""
    plan = Plan.objects.filter(key=tenant.plan).first()
    if plan is None:
        plan = Plan.objects.filter(key=FREE).first()
    if plan is None:
        raise Plan.DoesNotExist(f"No plan {tenant.plan!r} and no {FREE!r} plan.")
    return plan


def entitlements(tenant) -> Entitlements:
    """What the tenant may use now: a trialing tenant gets the trial plan's (pro's) limits."""
    from tenants.models import TenantStatus

    if tenant.status == TenantStatus.TRIALING:
        trial = Plan.objects.filter(key=TRIAL_PLAN).first()
        if trial is not None:
            return Entitlements.of(trial)
    return Entitlements.of(plan_for(tenant))


def modules_not_in_plan(tenant, keys) -> list[str]:
    """The module keys among `keys` that the tenant's plan does not include (cms.limits)."""
    allowed = entitlements(tenant)
    return [key for key in keys if not allowed.allows_module(key)]


def api_allowed(tenant) -> bool:
    """Whether the tenant's plan includes API access (cms.limits, API keys)."""
    return entitlements(tenant).api_access


def seat_refusal(tenant, adding: int) -> tuple[int, int] | None:
    """None when `adding` more active staff fit in the tenant's agent seats (cms.limits; read in
    the tenant's schema), else (seats in the plan, seats in use). A plan with 0 seats has no
    limit. Seats already over the limit after a downgrade stay: nobody loses access, but nobody
    new gets a role until someone leaves one."""
    from billing.usage import seats_used

    seats = entitlements(tenant).agent_seats
    if not seats:
        return None
    used = seats_used()
    if used + adding <= seats:
        return None
    return seats, used


# Every portal page asks; the answer is kept a minute per tenant (the cache keys by schema) so a
# page costs no plan query. billing.services.entitlements_apply forgets it on a plan change.
BADGE_CACHE_KEY = "billing:platform-badge"
BADGE_CACHE_SECONDS = 60


def platform_badge_shown(tenant) -> bool:
    """Whether the tenant's portal shows the platform's "Powered by" badge (cms.limits); asked
    in the tenant's schema."""
    from django.core.cache import cache

    shown = cache.get(BADGE_CACHE_KEY)
    if shown is None:
        shown = not entitlements(tenant).remove_branding
        cache.set(BADGE_CACHE_KEY, shown, BADGE_CACHE_SECONDS)
    return bool(shown)


def storage_refusal(tenant, size: int) -> tuple[int, float] | None:
    """None when `size` more bytes fit in the tenant's storage quota (and they are counted as
    used from now on, so several uploads within a minute, or several files of one ticket, add
    up), else (quota MB, used MB). See billing.usage.storage_used."""
    from billing.usage import storage_reserve, storage_used

    quota_mb = entitlements(tenant).storage_mb
    if not quota_mb:
        return None
    used = storage_used(tenant.schema_name)
    if used + size <= quota_mb * 1024 * 1024:
        storage_reserve(tenant.schema_name, size)
        return None
    return quota_mb, round(used / (1024 * 1024), 1)
