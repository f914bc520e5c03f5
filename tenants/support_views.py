"""Support access on a tenant host: the link from the operator console that opens a read-only
support session (tenants.support), and the page a support session lands on when it ends."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tenants import support


@never_cache
@require_GET
def redeem(request, token: str):
    """Trade a support token for a support session (once, within a minute, on its own tenant's
    host only) and open the admin. Anything else is a 404 that says the link is spent."""
    access = support.support_access_redeem(tenant=request.tenant, token=token)
    if access is None:
        return render(request, "tenants/support_invalid.html", status=404)
    support.support_login(request, access)
    response = HttpResponseRedirect("/admin/")
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def ended(request):
    """Where a support session goes when its access ended, was revoked or expired."""
    return render(request, "tenants/support_ended.html")
