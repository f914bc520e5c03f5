"""The console tenant page's exports panel: the tenant's latest export archives
(tenants.exports), for console/_tenant_exports.html."""

from django import template

from tenants import exports

register = template.Library()

RECENT = 10


@register.simple_tag
def exports_panel(tenant):
    """The tenant's latest exports, and whether one is still queued or running."""
    rows = exports.exports_for_tenant(tenant=tenant, limit=RECENT)
    return {
        "rows": rows,
        "active": any(row.status in exports.ACTIVE for row in rows),
        "can_export": exports.can_export(tenant),
    }
