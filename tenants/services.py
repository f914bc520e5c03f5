"""Writes on tenants: signup, suspension, deletion. Each records itself in the audit log."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.db import use_public_schema
from tenants.models import AuditLog, Handoff, SchemaKind, Tenant, TenantStatus
from tenants.provisioning import Path, provision_tenant
from tenants.validators import validate_slug

log = logging.getLogger(__name__)

HANDOFF_SALT = "tenants.handoff"
HANDOFF_SECONDS = 60


@dataclass
class SignupResult:
    tenant: Tenant
    path: str
    admin_user_id: int
    handoff_url: str

    @property
    def portal_url(self) -> str:
        return self.tenant.portal_url("/")

    @property
    def admin_url(self) -> str:
        return self.tenant.portal_url("/admin/")


def audit(*, actor: str, action: str, tenant: Tenant | None = None, ip=None, **detail) -> None:
    AuditLog.objects.create(
        actor=actor,
        action=action,
        tenant=tenant,
        tenant_label=(tenant.slug or tenant.schema_name) if tenant else "",
        detail=detail,
        ip=ip or None,
    )


def slug_available(slug: str) -> bool:
    # A deleted tenant keeps its slug until its schema is gone (tenant_purge releases it).
    return not Tenant.objects.filter(slug=slug).exists()


def validate_signup(
    *, company_name: str, subdomain: str, admin_name: str, admin_email: str, admin_password: str
) -> dict[str, list[str]]:
    """Every problem with a signup, by field; empty when it can go ahead."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    company_name = (company_name or "").strip()
    if not company_name:
        add("company_name", _("Enter your company's name."))
    elif len(company_name) > 100:
        add("company_name", _("Use at most 100 characters."))
    try:
        validate_slug(subdomain)
    except ValidationError as exc:
        for message in exc.messages:
            add("subdomain", message)
    else:
        if not slug_available(subdomain):
            add("subdomain", _("This subdomain is taken. Choose another."))
    if not (admin_name or "").strip():
        add("admin_name", _("Enter your name."))
    elif len(admin_name) > 150:
        add("admin_name", _("Use at most 150 characters."))
    try:
        validate_email(admin_email)
        if len(admin_email) > 150:
            raise ValidationError(_("Use at most 150 characters."))
    except ValidationError:
        add("admin_email", _("Enter a valid email address."))
    if not admin_password:
        add("admin_password", _("Choose a password."))
    else:
        from django.contrib.auth.models import User

        try:
            validate_password(
                admin_password,
                user=User(username=admin_email, email=admin_email, first_name=admin_name),
            )
        except ValidationError as exc:
            for message in exc.messages:
                add("admin_password", message)
    return errors


class SignupError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def tenant_signup(
    *,
    company_name: str,
    subdomain: str,
    admin_name: str,
    admin_email: str,
    admin_password: str,
    ip: str | None = None,
    actor: str = "signup",
    paths: tuple[str, ...] = Path.ALL,
    password_hash: str | None = None,
) -> SignupResult:
    """Create a company's tenant, portal and admin, start its trial and return a hand-off link
    that signs the admin in on the portal host. Raises SignupError with field errors."""
    subdomain = (subdomain or "").strip().lower()
    admin_email = (admin_email or "").strip()
    errors = validate_signup(
        company_name=company_name,
        subdomain=subdomain,
        admin_name=admin_name,
        admin_email=admin_email,
        admin_password=admin_password,
    )
    if errors:
        raise SignupError(errors)
    first, _sep, last = admin_name.strip().partition(" ")
    admin = {
        "email": admin_email,
        "first_name": first[:150],
        "last_name": last[:150],
        "password": password_hash or make_password(admin_password),
    }
    use_public_schema()
    try:
        provisioned, user_id = provision_tenant(
            name=company_name.strip(),
            slug=subdomain,
            admin=admin,
            trial_days=settings.TRIAL_DAYS,
            paths=paths,
        )
    except IntegrityError as exc:
        # Two signups raced for the same subdomain; the database kept one.
        if not slug_available(subdomain):
            raise SignupError(
                {"subdomain": [_("This subdomain is taken. Choose another.")]}
            ) from exc
        raise
    tenant = provisioned.tenant
    audit(
        actor=actor,
        action="tenant.signup",
        tenant=tenant,
        ip=ip,
        path=provisioned.path,
        admin_email=admin_email,
    )
    handoff_url = handoff_create(tenant=tenant, user_id=user_id)
    transaction.on_commit(_queue_refill)
    transaction.on_commit(partial(_queue_search_reindex, tenant.schema_name))
    return SignupResult(tenant, provisioned.path, user_id, handoff_url)


def _queue_search_reindex(schema_name: str) -> None:
    from tenants.tasks import queue_search_reindex

    queue_search_reindex(schema_name)


def _queue_refill() -> None:
    from tenants.tasks import queue_refill

    queue_refill()


def handoff_create(*, tenant: Tenant, user_id: int) -> str:
    handoff = Handoff.objects.create(
        tenant=tenant,
        user_id=user_id,
        expires_at=timezone.now() + timedelta(seconds=HANDOFF_SECONDS),
    )
    token = signing.dumps({"n": str(handoff.nonce), "t": tenant.pk}, salt=HANDOFF_SALT)
    return tenant.portal_url(f"/_handoff/{token}/")


def handoff_redeem(*, tenant: Tenant, token: str) -> int | None:
    """Trade a hand-off token for the user id it carries: only on its own tenant, only once,
    only within HANDOFF_SECONDS. Returns None for anything else."""
    try:
        data = signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != tenant.pk:
        return None
    try:
        nonce = uuid.UUID(str(data.get("n")))
    except ValueError:
        return None
    now = timezone.now()
    with transaction.atomic():
        handoff = (
            Handoff.objects.select_for_update()
            .filter(nonce=nonce, tenant_id=tenant.pk, used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if handoff is None:
            return None
        handoff.used_at = now
        handoff.save(update_fields=["used_at"])
        return handoff.user_id


def tenant_set_status(
    *, tenant: Tenant, status: str, actor: str, ip=None, reason: str = ""
) -> Tenant:
    if status not in TenantStatus.values:
        raise ValidationError(_("Unknown status."))
    previous = tenant.status
    if previous == status:
        return tenant
    tenant.status = status
    tenant.status_changed_at = timezone.now()
    tenant.save(update_fields=["status", "status_changed_at"])
    audit(
        actor=actor,
        action=f"tenant.status.{status}",
        tenant=tenant,
        ip=ip,
        previous=previous,
        reason=reason,
    )
    return tenant


def tenant_suspend(*, tenant: Tenant, actor: str, ip=None, reason: str = "") -> Tenant:
    return tenant_set_status(
        tenant=tenant, status=TenantStatus.SUSPENDED, actor=actor, ip=ip, reason=reason
    )


def tenant_resume(*, tenant: Tenant, actor: str, ip=None) -> Tenant:
    resumed = TenantStatus.TRIALING
    if tenant.trial_ends_at and tenant.trial_ends_at < timezone.now():
        resumed = TenantStatus.ACTIVE if tenant.plan != "trial" else TenantStatus.PAST_DUE
    elif tenant.plan != "trial":
        resumed = TenantStatus.ACTIVE
    return tenant_set_status(tenant=tenant, status=resumed, actor=actor, ip=ip)


def tenant_delete(*, tenant: Tenant, actor: str, ip=None) -> Tenant:
    """Mark a tenant deleted: its portal goes offline (domains removed) but its schema and slug
    stay until tenant_purge, so nobody else can take the subdomain while the data exists."""
    previous = tenant.status
    tenant.deleted_at = timezone.now()
    tenant.status = TenantStatus.CANCELLED
    tenant.status_changed_at = tenant.deleted_at
    tenant.save(update_fields=["deleted_at", "status", "status_changed_at"])
    tenant.domains.all().delete()
    if previous != TenantStatus.CANCELLED:  # the status change is audited like any other
        audit(
            actor=actor,
            action="tenant.status.cancelled",
            tenant=tenant,
            ip=ip,
            previous=previous,
            reason="deleted",
        )
    audit(actor=actor, action="tenant.delete", tenant=tenant, ip=ip)
    return tenant


def tenant_purge(*, tenant: Tenant, actor: str) -> None:
    """Drop a deleted tenant's schema; only then is its slug free again."""
    if tenant.deleted_at is None or tenant.kind != SchemaKind.TENANT:
        raise ValidationError(_("Only a deleted tenant can be purged."))
    label = tenant.slug
    from cms import search_opensearch
    from tenants.provisioning import drop_schema

    if search_opensearch.is_active():
        # Before the schema goes: if the search cluster is down, the purge fails and can be retried.
        search_opensearch.purge_tenant(tenant.schema_name)
    drop_schema(tenant.schema_name)
    audit(actor=actor, action="tenant.purge", tenant=None, slug=label, schema=tenant.schema_name)
    tenant.delete()


def platform_ensure() -> Tenant:
    """The public schema's own Tenant row and the platform domain, so the platform host
    (signup, operator console, platform API) resolves. Idempotent."""
    from tenants.models import Domain

    platform, _created = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={"kind": SchemaKind.PLATFORM, "name": "Platform", "status": TenantStatus.ACTIVE},
    )
    domain = settings.PLATFORM_DOMAIN
    if not Domain.objects.filter(domain=domain).exists():
        Domain.objects.filter(tenant=platform, is_primary=True).update(is_primary=False)
        Domain.objects.create(tenant=platform, domain=domain, is_primary=True)
    return platform


TRIAL_EXTENSION_MAX_DAYS = 90
# Statuses whose trial an operator can extend: on trial, or trial ended without a plan.
TRIAL_EXTENDABLE = (TenantStatus.TRIALING, TenantStatus.READ_ONLY)


def tenant_extend_trial(*, tenant: Tenant, days: int, actor: str, ip=None) -> Tenant:
    """Give a tenant `days` (1–90) more trial, counted from the later of now and the current
    trial end. A read-only tenant (trial ended) goes back to trialing. The trial reminders and
    the trial-ended notice are forgotten so the new end gets its own. Audited."""
    from tenants.models import LifecycleNotice

    if not 1 <= days <= TRIAL_EXTENSION_MAX_DAYS:
        raise ValidationError(_("Extend by 1 to %(max)d days.") % {"max": TRIAL_EXTENSION_MAX_DAYS})
    if tenant.deleted_at is not None or tenant.status not in TRIAL_EXTENDABLE:
        raise ValidationError(_("Only a tenant on trial or whose trial ended can be extended."))
    previous = tenant.trial_ends_at
    start = max(previous, timezone.now()) if previous else timezone.now()
    with transaction.atomic():
        tenant.trial_ends_at = start + timedelta(days=days)
        tenant.save(update_fields=["trial_ends_at"])
        LifecycleNotice.objects.filter(tenant=tenant).filter(
            models.Q(kind__startswith="trial-reminder-") | models.Q(kind="trial-ended")
        ).delete()
        audit(
            actor=actor,
            action="tenant.trial.extended",
            tenant=tenant,
            ip=ip,
            days=days,
            previous=previous.isoformat() if previous else None,
            trial_ends_at=tenant.trial_ends_at.isoformat(),
        )
        if tenant.status == TenantStatus.READ_ONLY:
            tenant_set_status(
                tenant=tenant,
                status=TenantStatus.TRIALING,
                actor=actor,
                ip=ip,
                reason=_("Trial extended by an operator."),
            )
    return tenant


def tenant_change_plan(*, tenant: Tenant, plan_key: str, actor: str, ip=None) -> Tenant:
    """Put a tenant on another plan without Stripe (an offline deal): `Tenant.plan` becomes
    the key of an existing billing plan and its entitlements apply (a downgrade switches off
    what the new plan lacks). The status is left as it is. Audited."""
    from billing.models import Plan

    if tenant.deleted_at is not None:
        raise ValidationError(_("A deleted tenant's plan cannot be changed."))
    if not Plan.objects.filter(key=plan_key).exists():
        raise ValidationError(_("There is no plan with this key."))
    previous = tenant.plan
    if previous == plan_key:
        return tenant
    with transaction.atomic():
        tenant.plan = plan_key
        tenant.save(update_fields=["plan"])
        audit(
            actor=actor,
            action="tenant.plan.changed",
            tenant=tenant,
            ip=ip,
            previous=previous,
            plan=plan_key,
            offline=True,
        )
        from billing.services import entitlements_apply

        entitlements_apply(tenant=tenant, actor=actor, ip=ip)
    return tenant
