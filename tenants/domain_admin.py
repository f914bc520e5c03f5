"""Settings → Domain in a portal's admin: the portal's addresses, the custom domains its
administrators added (pending with the DNS records to create, or verified and served), "Check
now", "Make primary" and "Remove". Only the portal's administrators (superusers of the tenant)
see it; on a plan without custom domains the page says which plans include them and links to
the billing page, and adds nothing (tenants.domains refuses it too).

Views parse input and call tenants.domains; the claims they read are the request's tenant's own.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms import limits
from cms.ratelimit import client_ip
from tenants import domains
from tenants.models import Domain


def can_manage_domains(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


class AddDomainForm(forms.Form):
    domain = forms.CharField(
        label=gettext_lazy("Domain"),
        max_length=300,
        help_text=gettext_lazy("A domain or subdomain you own, such as help.example.com."),
        error_messages={"required": gettext_lazy("Enter a domain, such as help.example.com.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


def _actor(request) -> str:
    user = request.user
    return user.email or user.get_username()


def _guard(request):
    if not can_manage_domains(request.user):
        raise PermissionDenied
    return request.tenant


def _plans_with_custom_domain() -> list[str]:
    from billing.models import Plan

    return [plan.name for plan in Plan.objects.filter(public=True, custom_domain=True).only("name")]


def overview(request):
    tenant = _guard(request)
    form = AddDomainForm()
    if request.method == "POST":
        form = AddDomainForm(request.POST)
        if form.is_valid():
            try:
                claim = domains.domain_claim_create(
                    tenant=tenant,
                    domain=form.cleaned_data["domain"],
                    actor=_actor(request),
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error("domain", exc)
            else:
                messages.success(
                    request,
                    _("%(domain)s added. Create the two DNS records below, then check.")
                    % {"domain": claim.domain},
                )
                return redirect("tenant_domain")
    allowed = domains.custom_domains_allowed(tenant)
    served = {row.domain: row for row in Domain.objects.filter(tenant=tenant)}
    claims = []
    for claim in domains.claims_for(tenant=tenant):
        row = served.get(claim.domain)
        claims.append(
            {
                "claim": claim,
                "served": row is not None,
                "primary": bool(row and row.is_primary),
            }
        )
    own = [row for row in served.values() if not row.is_custom]
    return render(
        request,
        "tenants/admin/domain.html",
        {
            "tenant": tenant,
            "allowed": allowed,
            "form": form,
            "claims": claims,
            "own_domains": own,
            "target": domains.platform_host(tenant),
            "upgrade_url": limits.upgrade_url(),
            "plans_with_domain": _plans_with_custom_domain(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _done(request, ok: bool, message: str):
    (messages.success if ok else messages.error)(request, message)
    return redirect("tenant_domain")


@require_POST
def check(request, claim_id):
    tenant = _guard(request)
    claim = domains.claim_get(tenant=tenant, claim_id=claim_id)
    try:
        verified = domains.domain_claim_check(
            tenant=tenant, claim=claim, actor=_actor(request), ip=client_ip(request)
        )
    except ValidationError as exc:
        return _done(request, False, " ".join(exc.messages))
    if verified:
        return _done(
            request,
            True,
            _("%(domain)s is verified: the portal answers there now.") % {"domain": claim.domain},
        )
    return _done(request, False, claim.last_error)


@require_POST
def make_primary(request):
    tenant = _guard(request)
    try:
        row = domains.domain_make_primary(
            tenant=tenant,
            domain=request.POST.get("domain", ""),
            actor=_actor(request),
            ip=client_ip(request),
        )
    except ValidationError as exc:
        return _done(request, False, " ".join(exc.messages))
    return _done(
        request,
        True,
        _("The portal's links use %(domain)s now.") % {"domain": row.domain},
    )


@require_POST
def remove(request, claim_id):
    tenant = _guard(request)
    claim = domains.claim_get(tenant=tenant, claim_id=claim_id)
    name = claim.domain
    domains.domain_claim_remove(
        tenant=tenant, claim=claim, actor=_actor(request), ip=client_ip(request)
    )
    return _done(request, True, _("%(domain)s removed.") % {"domain": name})


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("domain/", overview, name="tenant_domain"),
        path("domain/primary/", make_primary, name="tenant_domain_primary"),
        path("domain/<int:claim_id>/check/", check, name="tenant_domain_check"),
        path("domain/<int:claim_id>/remove/", remove, name="tenant_domain_remove"),
    ]


class DomainMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_domains(request.user)


@hooks.register("register_settings_menu_item")
def register_domain_menu_item():
    return DomainMenuItem(
        gettext_lazy("Domain"), reverse("tenant_domain"), icon_name="site", order=1010
    )
