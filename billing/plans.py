"""Plans a tenant can be on. Prices, entitlements and Stripe arrive with the billing issue;
the spine needs the keys (Tenant.plan) and the trial."""

from django.utils.translation import gettext_lazy as _

PLANS = {
    "trial": _("Trial"),
    "starter": _("Starter"),
    "growth": _("Growth"),
    "enterprise": _("Enterprise"),
}


def plan_label(key: str) -> str:
    return str(PLANS.get(key, key))
