"""The console tenant page's support access panel: the "View as support" form and the tenant's
past and live accesses (tenants.support), for console/_tenant_support.html."""

from django import template
from django.utils import timezone

from tenants import support
from tenants.console.support_forms import SupportAccessForm

register = template.Library()

RECENT = 20


@register.simple_tag(takes_context=True)
def support_panel(context, tenant):
    """The form (with errors after a refused start) and the tenant's latest accesses."""
    now = timezone.now()
    accesses = list(support.support_access_list(tenant=tenant)[: RECENT + 1])
    return {
        "form": context.get("support_form") or SupportAccessForm(),
        "can_start": support.is_supportable(tenant),
        "rows": [
            {"access": access, "status": support.status_of(access, now)}
            for access in accesses[:RECENT]
        ],
        "more": len(accesses) > RECENT,
        "recent": RECENT,
    }
