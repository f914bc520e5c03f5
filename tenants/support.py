""" "View as" support access: an operator looks at a tenant's admin, read-only, for a while.

Who sees what:
- an operator (console, 2FA-verified) starts an access with a reason and a duration of
  5..SUPPORT_ACCESS_MAX_MINUTES minutes; the browser carries a signed, single-use token to the
  tenant host (like a signup hand-off), which signs it in as the tenant's "Platform support"
  account (a superuser of that schema with no usable password, never an agent seat);
- that session is bound to the access: it ends when the access is ended by the operator, revoked
  by one of the tenant's admins, or expires, and it can only read (GET/HEAD/OPTIONS) besides
  signing out and ending the access (SupportAccessMiddleware);
- every staff user of the tenant sees a notice while an access is live, its administrators get
  an email when one starts and can revoke it, and start and end are in the audit log.

Every function here runs from the schema it is given or the request's; `SupportAccess` rows live
in the public schema and are always filtered by tenant.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.support import support_username
from tenants.models import SchemaKind, SupportAccess, Tenant, TenantStatus
from tenants.services import audit, signed_nonce_read

log = logging.getLogger(__name__)

SUPPORT_SALT = "tenants.support"
# The link from the console to the tenant host works once, within this many seconds of the start.
SUPPORT_TOKEN_SECONDS = 60
MIN_MINUTES = 5
REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 500
# Session key holding the id of the access a support session is bound to.
SESSION_KEY = "support_access_id"
ENDED_PATH = "/_support/ended/"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
LOGOUT_PATHS = ("/admin/logout/", "/account/logout/")

HOW_ENDED = "ended"  # by the operator (console, or the support session's own End)
HOW_REVOKED = "revoked"  # by one of the tenant's administrators
HOW_SIGNED_OUT = "signed_out"  # the support session signed out


def max_minutes() -> int:
    return max(MIN_MINUTES, int(settings.SUPPORT_ACCESS_MAX_MINUTES))


def duration_choices() -> list[int]:
    """Minutes an operator can pick: 15, 30 and 60 where the setting allows, and the setting's
    own maximum when it is none of these."""
    longest = max_minutes()
    choices = [m for m in (15, 30, 60) if m <= longest]
    if longest not in choices:
        choices.append(longest)
    return choices


def is_supportable(tenant: Tenant) -> bool:
    """A real tenant, not deleted or cancelled, with a portal host to look at."""
    return (
        tenant.kind == SchemaKind.TENANT
        and tenant.deleted_at is None
        and tenant.status != TenantStatus.CANCELLED
        and bool(tenant.primary_domain)
    )


# --- writes -------------------------------------------------------------------------------------


def support_access_start(
    *, tenant: Tenant, operator_email: str, reason: str, minutes: int, ip=None
) -> SupportAccess:
    """Open a support access for `operator_email` to `tenant`'s admin for `minutes` minutes.

    Raises ValidationError (by field: `reason`, `minutes`; or for the whole request) when the
    reason is missing or too short, the duration is out of bounds, or the tenant has no live
    portal. Audited (`tenant.support.started`, with reason and expiry); the tenant's
    administrators are emailed after commit. The browser then goes to `support_access_url()`."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if len(reason) < REASON_MIN_LENGTH:
        errors["reason"] = [
            _("Say in a few words why you need access (at least %(min)d characters).")
            % {"min": REASON_MIN_LENGTH}
        ]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("Use at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}]
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not MIN_MINUTES <= minutes <= max_minutes():
        errors["minutes"] = [
            _("Choose between %(min)d and %(max)d minutes.")
            % {"min": MIN_MINUTES, "max": max_minutes()}
        ]
    if errors:
        raise ValidationError(errors)
    if not is_supportable(tenant):
        raise ValidationError(_("This tenant has no live portal to look at."))
    now = timezone.now()
    with transaction.atomic():
        access = SupportAccess.objects.create(
            tenant=tenant,
            operator=operator_email,
            reason=reason,
            started_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        audit(
            actor=operator_email,
            action="tenant.support.started",
            tenant=tenant,
            ip=ip,
            access=access.pk,
            reason=reason,
            minutes=minutes,
            expires_at=access.expires_at.isoformat(),
        )
    recipients = tenant_admin_emails(tenant)
    if recipients:
        transaction.on_commit(partial(_email_admins, access, recipients))
    return access


def support_access_url(access: SupportAccess) -> str:
    """The link on the tenant's host that trades the token for a support session (once)."""
    token = signing.dumps({"n": str(access.nonce), "t": access.tenant_id}, salt=SUPPORT_SALT)
    return access.tenant.portal_url(f"/_support/{token}/")


def support_access_redeem(*, tenant: Tenant, token: str) -> SupportAccess | None:
    """The access a token opens: only on its own tenant's host, only once, only within
    SUPPORT_TOKEN_SECONDS of the start and only while the access is live. None otherwise."""
    nonce = signed_nonce_read(
        token, salt=SUPPORT_SALT, max_age=SUPPORT_TOKEN_SECONDS, tenant=tenant
    )
    if nonce is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        access = (
            SupportAccess.objects.select_for_update()
            .filter(
                nonce=nonce,
                tenant_id=tenant.pk,
                used_at__isnull=True,
                ended_at__isnull=True,
                expires_at__gt=now,
                started_at__gte=now - timedelta(seconds=SUPPORT_TOKEN_SECONDS),
            )
            .first()
        )
        if access is None:
            return None
        access.used_at = now
        access.save(update_fields=["used_at"])
    return access


def support_access_end(
    *, access: SupportAccess, by: str, ip=None, how: str = HOW_ENDED
) -> SupportAccess:
    """End a live access now: `by` is the operator's email (console, or the support session's
    own End or sign-out) or the email of the tenant administrator who revoked it
    (`how="revoked"`). Audited as `tenant.support.ended`; ending an access that already ended
    or expired changes nothing."""
    now = timezone.now()
    with transaction.atomic():
        ended = SupportAccess.objects.filter(
            pk=access.pk, ended_at__isnull=True, expires_at__gt=now
        ).update(ended_at=now, ended_by=by)
        if ended:
            audit(
                actor=by,
                action="tenant.support.ended",
                tenant=access.tenant,
                ip=ip,
                access=access.pk,
                operator=access.operator,
                how=how,
            )
    access.refresh_from_db(fields=["ended_at", "ended_by"])
    return access


def support_user_ensure():
    """The current schema's "Platform support" account, created the first time: a superuser
    (support sees what the tenant's admins see; the session is read-only) with no usable
    password and no email, so it can never sign in but through a support access. Should someone
    have taken the username before (a customer signing up with that address), the row becomes
    the support account and its password stops working; SupportAccessMiddleware signs out any
    session of it that is not a live support session."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=support_username())
    if not created and not user.is_superuser:
        log.warning("support account %s existed as a non-administrator; taken over", user.pk)
    user.first_name = "Platform"
    user.last_name = "support"
    user.email = ""
    user.is_active = True
    user.is_staff = True
    user.is_superuser = True
    if user.has_usable_password():
        # Only then: a new unusable password would end every other support session (Django ties
        # sessions to the password hash), e.g. a second operator's at the same tenant.
        user.set_unusable_password()
    user.save()
    return user


def support_login(request, access: SupportAccess) -> None:
    """Sign the browser in on the tenant host as the support account, bound to `access`: the
    session dies at the access's expiry and SupportAccessMiddleware checks it on every request."""
    user = support_user_ensure()
    auth.logout(request)  # whatever this browser had here before (an earlier access included)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = access.pk
    request.session.set_expiry(access.expires_at)
    request._support_access = access


# --- reads --------------------------------------------------------------------------------------


def is_support_user(user) -> bool:
    return bool(user and user.is_authenticated and user.get_username() == support_username())


def tenant_admin_emails(tenant: Tenant) -> list[str]:
    """Emails of the tenant's active administrators (superusers), never the support account."""
    from django_tenants.utils import tenant_context

    with tenant_context(tenant):
        emails = (
            get_user_model()
            .objects.filter(is_active=True, is_superuser=True)
            .exclude(email="")
            .exclude(username=support_username())
            .values_list("email", flat=True)
        )
        return sorted(set(emails))


def support_access_get(*, tenant: Tenant, access_id) -> SupportAccess:
    """One of `tenant`'s accesses by id, or 404 (another tenant's id included)."""
    try:
        pk = int(access_id)
    except (TypeError, ValueError):
        raise Http404 from None
    access = SupportAccess.objects.filter(pk=pk, tenant_id=tenant.pk).first()
    if access is None:
        raise Http404
    return access


def support_access_list(*, tenant: Tenant):
    """Every access to `tenant`, newest first (for its admins and the console)."""
    return SupportAccess.objects.filter(tenant_id=tenant.pk).order_by("-started_at")


def live_accesses(*, tenant: Tenant) -> list[SupportAccess]:
    """Accesses to `tenant` that are in use or can still be taken up (their link is fresh)."""
    from django.db.models import Q

    now = timezone.now()
    fresh = now - timedelta(seconds=SUPPORT_TOKEN_SECONDS)
    return list(
        SupportAccess.objects.filter(tenant_id=tenant.pk, ended_at__isnull=True, expires_at__gt=now)
        .filter(Q(used_at__isnull=False) | Q(started_at__gte=fresh))
        .order_by("expires_at")
    )


def request_access(request) -> SupportAccess | None:
    """The live access a support session is bound to, or None (not a support session, or the
    access ended). Looked up once per request."""
    if hasattr(request, "_support_access"):
        cached: SupportAccess | None = request._support_access
        return cached if cached is None or cached.is_live() else None
    access = None
    session = getattr(request, "session", None)
    tenant = getattr(request, "tenant", None)
    access_id = session.get(SESSION_KEY) if session is not None else None
    if access_id is not None and tenant is not None:
        access = SupportAccess.objects.filter(pk=access_id, tenant_id=tenant.pk).first()
        if access is not None and not access.is_live():
            access = None
    request._support_access = access
    return access


def status_of(access: SupportAccess, now=None) -> str:
    """live, ended (`ended_by` says by whom), expired, or unused (its link was never opened
    and has gone stale)."""
    now = now or timezone.now()
    if access.ended_at is not None:
        return "ended"
    if access.expires_at <= now:
        return "expired"
    if access.used_at is None and access.started_at < now - timedelta(
        seconds=SUPPORT_TOKEN_SECONDS
    ):
        return "unused"
    return "live"


# --- email --------------------------------------------------------------------------------------


def _email_admins(access: SupportAccess, recipients: list[str]) -> None:
    tenant = access.tenant
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Platform support is looking at the admin of %(name)s") % {
            "name": tenant.name or tenant.slug
        }
        body = render_to_string(
            "tenants/email/support_started.txt",
            {
                "tenant": tenant,
                "access": access,
                "history_url": tenant.portal_url("/admin/support-access/"),
            },
        )
    try:
        send_mass_mail([(subject, body, None, [email]) for email in recipients])
    except Exception:  # the access stays; the admins still see the notice in their admin
        log.exception("support access email to tenant %s failed", tenant.pk)


# --- the tenant host ----------------------------------------------------------------------------


class SupportAccessMiddleware:
    """On a tenant host, a support session lives only as long as its access: when the access
    ended, was revoked or expired, the session is signed out and the browser goes to a page
    saying so. While it lives it can only read: any other method is refused (403 page, or
    problem+json under /api/) except signing out and ending the access. The support account is
    signed out wherever it shows up without a live access (it has no other way in).

    One query per request at most (the access, kept on the request for the admin notices)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is None
            or connection.schema_name == "public"
            or request.path.startswith("/_support/")  # the redeem link and the ended page
        ):
            return self.get_response(request)
        if session.get(SESSION_KEY) is None:
            if session.get(auth.SESSION_KEY) is not None and is_support_user(request.user):
                return self._ended(request)
            return self.get_response(request)
        access = request_access(request)
        if access is None or not is_support_user(request.user):
            return self._ended(request)
        if request.method not in SAFE_METHODS and not self._write_allowed(request, access):
            return self._refused(request)
        response = self.get_response(request)
        if request.session.get(SESSION_KEY) is None:
            # Signed out (or ended) during this request: the access is over too.
            support_access_end(access=access, by=access.operator, how=HOW_SIGNED_OUT)
        return response

    @staticmethod
    def _write_allowed(request, access) -> bool:
        if request.path in LOGOUT_PATHS:
            return True
        return request.path == reverse("support_access_end", args=[access.pk])

    @staticmethod
    def _ended(request):
        auth.logout(request)
        if request.path.startswith("/api/"):
            from api.errors import problem_response

            return problem_response(
                status=401,
                title="Support access ended",
                detail="This support access has ended; start a new one from the operator console.",
                type_="support-access-ended",
            )
        return HttpResponseRedirect(ENDED_PATH)

    @staticmethod
    def _refused(request):
        if request.path.startswith("/api/"):
            from api.errors import problem_response

            return problem_response(
                status=403,
                title="Support access is read-only",
                detail="A platform support session can look but not change anything.",
                type_="support-read-only",
            )
        return render(request, "tenants/support_read_only.html", status=403)
