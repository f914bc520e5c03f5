"""The console's "view as" support access (tenants.support): start one for a tenant (the browser
goes on to the tenant's admin, read-only) and end a live one. Operators only, 2FA-verified."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms.ratelimit import client_ip
from tenants import selectors, support
from tenants.console import views
from tenants.console.support_forms import SupportAccessForm


@require_POST
@views.operator_required
def support_start(request, tenant_id: int):
    """Open a support access with a reason and a duration, then send the browser to the tenant
    host with the single-use link. A missing reason or a wrong duration: the tenant's page again
    with the errors, nothing stored."""
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    form = SupportAccessForm(request.POST)
    access = None
    if form.is_valid():
        try:
            access = support.support_access_start(
                tenant=tenant,
                operator_email=views._actor(request),
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    if access is None:
        context = views._detail_context(tenant)
        context["support_form"] = form
        return render(request, "console/tenant_detail.html", context, status=400)
    response = HttpResponseRedirect(support.support_access_url(access))
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@views.operator_required
def support_end(request, tenant_id: int, access_id: int):
    """End a live access now; the support session on the tenant host is signed out at its next
    request."""
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    access = support.support_access_get(tenant=tenant, access_id=access_id)
    if access.is_live():
        support.support_access_end(access=access, by=views._actor(request), ip=client_ip(request))
        messages.success(request, _("The support access to %(name)s has ended.") % {"name": tenant})
    else:
        messages.info(request, _("This support access had already ended."))
    return redirect(reverse("console:tenant", args=[tenant.pk]) + "#support-heading")
