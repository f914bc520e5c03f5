"""Custom domains: a tenant's administrator serves the portal on a domain of their own
(Settings → Domain in the portal's admin), on plans that include it.

1. `domain_claim_create` records a pending claim with a token (nothing serves it yet).
2. The admin adds two DNS records: a CNAME to the portal's own `<slug>.<platform domain>` and a
   TXT record `_portal-verify.<domain>` holding the token.
3. `domain_claim_check` ("Check now") looks the TXT record up; when it holds the token, the
   tenant gets a `Domain(is_custom=True)` row and django-tenants serves the portal there.
4. `domain_make_primary` makes the portal's links use it; `domain_claim_remove` takes it away.

A plan without custom domains refuses each step here (not only in the page), and a downgrade
(`custom_domains_suspend`, from billing.services.entitlements_apply) removes the served domains
but keeps the claims, pending with their token, so a re-upgrade verifies again at once.

Everything here lives in the public schema; every function takes the tenant it acts for and
never touches another tenant's claims or domains.
"""

from __future__ import annotations

import logging
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.models import Domain, DomainClaim, Tenant
from tenants.services import audit

log = logging.getLogger(__name__)

DNS_TIMEOUT_SECONDS = 5.0
LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class DnsUnavailable(Exception):
    """The DNS could not be asked (timeout, no name servers): try again later."""


# --- the DNS edge -----------------------------------------------------------------------------


def resolve_txt(name: str) -> list[str]:
    """The TXT values published at `name` (each record's strings joined); [] when there are none.
    Raises DnsUnavailable when the DNS cannot be asked. The one place this app talks to DNS."""
    import dns.exception
    import dns.resolver

    try:
        answer = dns.resolver.resolve(name, "TXT", lifetime=DNS_TIMEOUT_SECONDS)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as exc:
        raise DnsUnavailable(str(exc)) from exc
    return [
        b"".join(record.strings).decode("utf-8", "replace")
        for record in answer  # type: ignore[attr-defined]
    ]


# --- reads ------------------------------------------------------------------------------------


def custom_domains_allowed(tenant: Tenant) -> bool:
    """Whether the tenant's plan (or trial) includes custom domains."""
    from billing.entitlements import entitlements

    return entitlements(tenant).custom_domain


def claims_for(*, tenant: Tenant) -> list[DomainClaim]:
    """The tenant's own claims, oldest first (its admin's Settings → Domain)."""
    return list(DomainClaim.objects.filter(tenant=tenant))


def claim_get(*, tenant: Tenant, claim_id) -> DomainClaim:
    """One of the tenant's claims; 404 for anything else (another tenant's claim included)."""
    try:
        return DomainClaim.objects.get(tenant=tenant, pk=int(claim_id))
    except (DomainClaim.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def platform_host(tenant: Tenant) -> str:
    """The portal's own host on the platform (what a custom domain's CNAME points to)."""
    return f"{tenant.slug or tenant.schema_name}.{settings.PLATFORM_DOMAIN}"


# --- validation -------------------------------------------------------------------------------


def normalise_domain(value: str) -> str:
    """What the admin typed as a bare lowercase DNS name: a pasted address loses its scheme, path
    and port, a final dot goes, an internationalised name becomes its ASCII (punycode) form."""
    name = (value or "").strip().lower()
    name = re.sub(r"^[a-z][a-z0-9+.-]*://", "", name)
    name = name.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if name.count(":") == 1:
        name = name.split(":", 1)[0]
    name = name.rstrip(".")
    try:
        return name.encode("idna").decode("ascii") if name else ""
    except UnicodeError:
        return name


def validate_custom_domain(value: str, *, tenant: Tenant) -> str:
    """The normalised domain, or ValidationError: not a DNS name, under the platform's domain,
    starting with www., or already a portal's (this one's or another's)."""
    name = normalise_domain(value)
    example = {"example": "help.example.com"}
    if not name:
        raise ValidationError(_("Enter a domain, such as %(example)s.") % example, code="required")
    labels = name.split(".")
    if (
        len(name) > 253
        or len(labels) < 2
        or not all(LABEL_RE.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            _("Enter a domain name such as %(example)s (letters, digits, hyphens and dots).")
            % example,
            code="invalid",
        )
    platform = settings.PLATFORM_DOMAIN.lower()
    if name == platform or name.endswith("." + platform):
        raise ValidationError(
            _("Addresses under %(platform)s are the platform's; enter a domain of your own.")
            % {"platform": platform},
            code="platform",
        )
    if labels[0] == "www":
        raise ValidationError(
            _(
                "Leave out “www.”: enter %(bare)s. Visitors of www.%(bare)s reach the portal "
                "too once that name points here."
            )
            % {"bare": ".".join(labels[1:])},
            code="www",
        )
    own = DomainClaim.objects.filter(domain=name).values_list("tenant_id", flat=True).first()
    if own == tenant.pk:
        raise ValidationError(_("You have already added this domain."), code="duplicate")
    if own is not None or Domain.objects.filter(domain=name).exists():
        raise ValidationError(_("This domain is already used by another portal."), code="taken")
    return name


def _refuse_without_plan(tenant: Tenant) -> None:
    if not custom_domains_allowed(tenant):
        raise ValidationError(
            _("Custom domains are not included in your plan. Upgrade under Settings → Billing."),
            code="plan",
        )


# --- writes -----------------------------------------------------------------------------------


def domain_claim_create(*, tenant: Tenant, domain: str, actor: str, ip=None) -> DomainClaim:
    """Record a pending claim of `domain` for the tenant, with a fresh verification token
    (audited). Nothing serves the domain until domain_claim_check verifies it."""
    _refuse_without_plan(tenant)
    name = validate_custom_domain(domain, tenant=tenant)
    try:
        with transaction.atomic():
            claim = DomainClaim.objects.create(
                tenant=tenant, domain=name, token=secrets.token_hex(16), created_by=actor
            )
    except IntegrityError:  # claimed a moment ago by someone else
        raise ValidationError(
            _("This domain is already used by another portal."), code="taken"
        ) from None
    audit(actor=actor, action="tenant.domain.claimed", tenant=tenant, ip=ip, domain=name)
    return claim


def domain_claim_check(*, tenant: Tenant, claim: DomainClaim, actor: str, ip=None) -> bool:
    """Look for the claim's TXT record; when it holds the token, serve the domain (a Domain row,
    not primary) and say True (audited). Otherwise record what was found and say False."""
    if claim.tenant_id != tenant.pk:
        raise Http404
    _refuse_without_plan(tenant)
    now = timezone.now()
    try:
        values = resolve_txt(claim.verify_name)
    except DnsUnavailable as exc:
        log.warning("DNS check of %s failed: %s", claim.verify_name, exc)
        error = _("The DNS could not be reached just now. Try again in a few minutes.")
        values = None
    else:
        found = [value.strip().strip('"') for value in values]
        if claim.token in found:
            error = ""
        elif found:
            error = _("A TXT record was found at %(name)s, but it does not hold the code.") % {
                "name": claim.verify_name
            }
        else:
            error = _("No TXT record was found at %(name)s yet. DNS changes can take a while.") % {
                "name": claim.verify_name
            }
    if values is None or error:
        claim.checked_at, claim.last_error = now, error[:255]
        claim.save(update_fields=["checked_at", "last_error"])
        return False
    with transaction.atomic():
        claim.checked_at, claim.verified_at, claim.last_error = now, now, ""
        claim.save(update_fields=["checked_at", "verified_at", "last_error"])
        row = Domain.objects.filter(domain=claim.domain).first()
        if row is not None and row.tenant_id != tenant.pk:
            raise ValidationError(_("This domain is already used by another portal."))
        if row is None:
            Domain.objects.create(
                tenant=tenant, domain=claim.domain, is_primary=False, is_custom=True
            )
        audit(
            actor=actor, action="tenant.domain.verified", tenant=tenant, ip=ip, domain=claim.domain
        )
    return True


def domain_make_primary(*, tenant: Tenant, domain: str, actor: str, ip=None) -> Domain:
    """Make one of the tenant's served domains the one its links and redirects use (audited):
    a verified custom domain, or back the portal's own platform address."""
    row = Domain.objects.filter(tenant=tenant, domain=domain).first()
    if row is None:
        raise Http404
    if row.is_custom:
        _refuse_without_plan(tenant)
    if not row.is_primary:
        with transaction.atomic():
            previous = tenant.primary_domain
            row.is_primary = True
            row.save()  # DomainMixin.save takes the flag off the previous primary
            audit(
                actor=actor,
                action="tenant.domain.primary",
                tenant=tenant,
                ip=ip,
                domain=row.domain,
                previous=previous,
            )
    return row


def _platform_domain_primary(tenant: Tenant) -> None:
    """After a custom primary domain is gone: the portal's own address is primary again."""
    if Domain.objects.filter(tenant=tenant, is_primary=True).exists():
        return
    own = Domain.objects.filter(tenant=tenant, is_custom=False).order_by("pk").first()
    if own is not None:
        own.is_primary = True
        own.save()


def domain_claim_remove(*, tenant: Tenant, claim: DomainClaim, actor: str, ip=None) -> None:
    """Forget a claim and stop serving its domain (audited). Always allowed: removing never needs
    the plan. A primary custom domain hands that role back to the portal's own address."""
    if claim.tenant_id != tenant.pk:
        raise Http404
    with transaction.atomic():
        Domain.objects.filter(tenant=tenant, domain=claim.domain, is_custom=True).delete()
        _platform_domain_primary(tenant)
        name = claim.domain
        claim.delete()
        audit(actor=actor, action="tenant.domain.removed", tenant=tenant, ip=ip, domain=name)


def custom_domains_suspend(*, tenant: Tenant) -> list[str]:
    """The plan no longer includes custom domains: stop serving them (the portal's own address
    becomes primary again) and put their claims back to pending with the same token, so the DNS
    records already in place verify them again after an upgrade. Returns the domains taken
    away. The caller audits (billing.services.entitlements_apply)."""
    with transaction.atomic():
        names = list(
            Domain.objects.filter(tenant=tenant, is_custom=True).values_list("domain", flat=True)
        )
        if names:
            Domain.objects.filter(tenant=tenant, is_custom=True).delete()
            _platform_domain_primary(tenant)
        DomainClaim.objects.filter(tenant=tenant, verified_at__isnull=False).update(
            verified_at=None, last_error=""
        )
    return names
