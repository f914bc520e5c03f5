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


def signed_nonce_read(token: str, *, salt: str, max_age: int, tenant: Tenant) -> uuid.UUID | None:
    """The nonce a signed single-use link to `tenant`'s host carries (a sign-in hand-off, a
    support access), or None: a bad or old signature, or a link made for another tenant."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != tenant.pk:
        return None
    try:
        return uuid.UUID(str(data.get("n")))
    except ValueError:
        return None


def handoff_redeem(*, tenant: Tenant, token: str) -> int | None:
    """Trade a hand-off token for the user id it carries: only on its own tenant, only once,
    only within HANDOFF_SECONDS. Returns None for anything else."""
    nonce = signed_nonce_read(token, salt=HANDOFF_SALT, max_age=HANDOFF_SECONDS, tenant=tenant)
    if nonce is None:
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


def retention_days() -> int:
    return settings.TENANT_RETENTION_DAYS


def retention_end(now=None):
    """When the data of a tenant cancelled at `now` is removed: TENANT_RETENTION_DAYS later."""
    return (now or timezone.now()) + timedelta(days=retention_days())


def tenant_set_status(
    *, tenant: Tenant, status: str, actor: str, ip=None, reason: str = ""
) -> Tenant:
    """Move `tenant` to `status`, stamp status_changed_at and audit it (`tenant.status.<new>`).

    Becoming cancelled (Stripe ended the subscription, an operator deleted the tenant, the owner
    asked for deletion) starts the retention window: `purge_after` is set once, and the nightly
    run stores a final export and drops the schema after it. Leaving cancelled (paying again)
    ends the window. A tenant whose owner asked for deletion, or that an operator deleted, stays
    cancelled: only the owner's undo (tenant_deletion_undo) reopens it, so a payment arriving
    meanwhile cannot."""
    if status not in TenantStatus.values:
        raise ValidationError(_("Unknown status."))
    previous = tenant.status
    if previous == status:
        return tenant
    if previous == TenantStatus.CANCELLED and (tenant.deletion_requested_at or tenant.deleted_at):
        log.warning("tenant %s stays cancelled (deletion pending): not moved to %s", tenant, status)
        return tenant
    now = timezone.now()
    tenant.status = status
    tenant.status_changed_at = now
    fields = ["status", "status_changed_at"]
    retention = {}
    if status == TenantStatus.CANCELLED and tenant.purge_after is None:
        tenant.purge_after = retention_end(now)
        fields.append("purge_after")
        retention["purge_after"] = tenant.purge_after.isoformat()
    elif previous == TenantStatus.CANCELLED and tenant.purge_after is not None:
        retention["purge_cancelled"] = tenant.purge_after.isoformat()
        tenant.purge_after = None
        fields.append("purge_after")
    tenant.save(update_fields=fields)
    audit(
        actor=actor,
        action=f"tenant.status.{status}",
        tenant=tenant,
        ip=ip,
        previous=previous,
        reason=reason,
        **retention,
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
    """Delete a tenant (operators): its portal goes offline at once (domains removed) and it is
    cancelled, which starts the retention window; its schema and slug stay until the nightly
    run stores a final export and purges it after `purge_after`, so nobody else can take the
    subdomain while the data exists. The owner cannot undo this."""
    with transaction.atomic():
        tenant.deleted_at = timezone.now()
        tenant.save(update_fields=["deleted_at"])
        tenant.domains.all().delete()
        # The status change is audited like any other, and starts the retention window.
        tenant_set_status(
            tenant=tenant, status=TenantStatus.CANCELLED, actor=actor, ip=ip, reason="deleted"
        )
        if tenant.purge_after is None:  # cancelled before retention windows existed
            tenant.purge_after = retention_end(tenant.deleted_at)
            tenant.save(update_fields=["purge_after"])
        audit(
            actor=actor,
            action="tenant.delete",
            tenant=tenant,
            ip=ip,
            purge_after=tenant.purge_after.isoformat(),
        )
    return tenant


def tenant_purgeable(tenant: Tenant, now=None) -> bool:
    """Whether tenant_purge may drop `tenant`: a tenant (not the platform, a spare or the
    template) that an operator deleted, or that is cancelled and whose retention window ended."""
    now = now or timezone.now()
    if tenant.kind != SchemaKind.TENANT:
        return False
    window_over = (
        tenant.status == TenantStatus.CANCELLED
        and tenant.purge_after is not None
        and tenant.purge_after <= now
    )
    return tenant.deleted_at is not None or window_over


def tenant_purge(*, tenant: Tenant, actor: str, final_export: int | None = None, now=None) -> None:
    """Drop a tenant's schema and media folder and delete its row: only then is its slug free
    again. For a deleted tenant, or a cancelled one whose retention window has ended (it is
    marked deleted and loses its domains first). The nightly run (lifecycle.purge_expired)
    calls this only after a final export of the tenant was stored; its archive stays under
    EXPORTS_ROOT (its TenantExport row keeps the label and schema). Audited `tenant.purge`."""
    if not tenant_purgeable(tenant, now):
        raise ValidationError(
            _(
                "Only a deleted tenant, or a cancelled one whose retention window ended, "
                "can be purged."
            )
        )
    label = tenant.slug
    schema_name = tenant.schema_name
    from cms import search_opensearch
    from tenants.provisioning import drop_schema

    if search_opensearch.is_active():
        # Before the schema goes: if the search cluster is down, the purge fails and can be retried.
        search_opensearch.purge_tenant(schema_name)
    with transaction.atomic():
        if tenant.deleted_at is None:
            tenant.deleted_at = timezone.now()
            tenant.save(update_fields=["deleted_at"])
        tenant.domains.all().delete()
        drop_schema(schema_name)
        # Written with the tenant, so the entry keeps its label once the row is gone.
        audit(
            actor=actor,
            action="tenant.purge",
            tenant=tenant,
            slug=label,
            schema=schema_name,
            final_export=final_export,
        )
        tenant.delete()
    transaction.on_commit(partial(_remove_media, schema_name))


def _remove_media(schema_name: str) -> None:
    """A purged tenant's media folder (its final export holds a copy)."""
    import re
    import shutil
    from pathlib import Path

    if not re.match(r"^[a-z][a-z0-9_]{0,62}$", schema_name) or schema_name == "public":
        return
    folder = Path(settings.MEDIA_ROOT) / schema_name
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)


# --- The owner's deletion request (tenants.deletion_admin) -----------------------------------


def tenant_deletion_request(*, tenant: Tenant, actor: str, ip=None) -> Tenant:
    """The owner asks for the portal and all its data to be deleted (an administrator of the
    tenant, in its admin). The portal closes for customers at once (cancelled) and its data is
    removed when the retention window ends (`purge_after`); until then an administrator can
    undo it. The owner is emailed the date and how to undo. Audited
    `tenant.deletion.requested`."""
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.deleted_at is not None or locked.kind != SchemaKind.TENANT:
            raise ValidationError(_("This portal is already deleted."))
        if locked.deletion_requested_at is not None:
            raise ValidationError(_("Deletion of this portal has already been requested."))
        locked.deletion_requested_at = timezone.now()
        locked.deletion_requested_by = actor[:254]
        locked.status_before_deletion = locked.status
        if locked.status == TenantStatus.CANCELLED and locked.purge_after is None:
            locked.purge_after = retention_end(locked.deletion_requested_at)
        locked.save(
            update_fields=[
                "deletion_requested_at",
                "deletion_requested_by",
                "status_before_deletion",
                "purge_after",
            ]
        )
        tenant_set_status(
            tenant=locked,
            status=TenantStatus.CANCELLED,
            actor=actor,
            ip=ip,
            reason="deletion requested by the owner",
        )
        audit(
            actor=actor,
            action="tenant.deletion.requested",
            tenant=locked,
            ip=ip,
            previous=locked.status_before_deletion,
            purge_after=locked.purge_after.isoformat(),
        )
        transaction.on_commit(partial(_email_deletion_requested, locked.pk))
        transaction.on_commit(partial(_subscription_renewal, locked.pk, False, actor))
    _copy_lifecycle_fields(locked, tenant)
    return tenant


def tenant_deletion_undo(*, tenant: Tenant, actor: str, ip=None) -> Tenant:
    """Take back the owner's deletion request before its window ends: the status it had then
    comes back (and with it the portal), the request and the purge date are cleared. A tenant
    an operator deleted cannot be undone here. Audited `tenant.deletion.undone`."""
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.deletion_requested_at is None or locked.deleted_at is not None:
            raise ValidationError(_("There is no deletion request to undo."))
        if locked.purge_after is not None and locked.purge_after <= timezone.now():
            raise ValidationError(_("It is too late: this portal's data is being deleted."))
        restored = locked.status_before_deletion or TenantStatus.ACTIVE
        requested_at = locked.deletion_requested_at
        locked.deletion_requested_at = None
        locked.deletion_requested_by = ""
        locked.status_before_deletion = ""
        locked.save(
            update_fields=[
                "deletion_requested_at",
                "deletion_requested_by",
                "status_before_deletion",
            ]
        )
        # Back to what it was; a portal that was cancelled before the request keeps its window.
        tenant_set_status(
            tenant=locked, status=restored, actor=actor, ip=ip, reason="deletion undone"
        )
        audit(
            actor=actor,
            action="tenant.deletion.undone",
            tenant=locked,
            ip=ip,
            restored=restored,
            requested_at=requested_at.isoformat(),
        )
        transaction.on_commit(partial(_subscription_renewal, locked.pk, True, actor))
    _copy_lifecycle_fields(locked, tenant)
    return tenant


def _subscription_renewal(tenant_id: int, renew: bool, actor: str) -> None:
    """A deletion request stops the Stripe subscription's renewal; its undo resumes it."""
    from billing.services import subscription_renewal_set

    subscription_renewal_set(tenant_id=tenant_id, renew=renew, actor=actor)


def _copy_lifecycle_fields(source: Tenant, target: Tenant) -> None:
    for name in (
        "status",
        "status_changed_at",
        "purge_after",
        "deletion_requested_at",
        "deletion_requested_by",
        "status_before_deletion",
        "deleted_at",
    ):
        setattr(target, name, getattr(source, name))


def _email_deletion_requested(tenant_id: int) -> None:
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None or not tenant.owner_email or tenant.purge_after is None:
        return
    from django.utils import formats

    with translation.override(settings.LANGUAGE_CODE):
        date = formats.date_format(timezone.localtime(tenant.purge_after), "DATE_FORMAT")
        subject = _("%(name)s will be deleted on %(date)s") % {
            "name": tenant.name or tenant.slug,
            "date": date,
        }
        body = render_to_string(
            "tenants/email/deletion_requested.txt",
            {
                "tenant": tenant,
                "date": date,
                "undo_url": tenant.portal_url("/admin/portal-deletion/")
                if tenant.primary_domain
                else "",
            },
        )
    try:
        send_mail(subject, body, None, [tenant.owner_email])
    except Exception:  # the request stands; the admin notice says the same
        log.exception("deletion email to tenant %s failed", tenant_id)


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
    """The console's offline plan change: `plan_key` must name a billing plan, and the change is
    billing's own (`billing.services.plan_change_offline`: only while billing runs without
    Stripe, audited, entitlements applied). Its refusals come back as ValidationError."""
    from billing.models import Plan
    from billing.services import plan_change_offline
    from billing.stripe_client import BillingError

    if tenant.deleted_at is not None:
        raise ValidationError(_("A deleted tenant's plan cannot be changed."))
    plan = Plan.objects.filter(key=plan_key).first()
    if plan is None:
        raise ValidationError(_("There is no plan with this key."))
    try:
        plan_change_offline(tenant=tenant, plan=plan, actor=actor, ip=ip)
    except BillingError as exc:
        raise ValidationError(str(exc)) from exc
    return tenant
