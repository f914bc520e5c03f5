"""Platform-level records, all in the public schema: tenants, their domains, the spare-schema
pool, sign-in hand-offs and the operator audit log. Nothing in a tenant schema points here."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class TenantStatus(models.TextChoices):
    TRIALING = "trialing", _("Trialing")
    ACTIVE = "active", _("Active")
    # The trial ended without a plan: customers still read the portal, the admin can export and
    # upgrade, nothing can be changed (tenants.middleware.TenantStatusMiddleware).
    READ_ONLY = "read_only", _("Read-only (trial ended)")
    PAST_DUE = "past_due", _("Past due")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class SchemaKind(models.TextChoices):
    """What a schema row is for. Spares and the template are tenants-in-waiting: being Tenant
    rows, `migrate_schemas` keeps them on the latest migrations along with every real tenant."""

    PLATFORM = "platform", _("Platform (public schema)")
    TENANT = "tenant", _("Tenant")
    SPARE = "spare", _("Spare (pre-migrated, unclaimed)")
    TEMPLATE = "template", _("Template (cloned for new tenants)")


class TenantQuerySet(models.QuerySet):
    def real(self) -> TenantQuerySet:
        return self.filter(kind=SchemaKind.TENANT)

    def spares(self) -> TenantQuerySet:
        return self.filter(kind=SchemaKind.SPARE)


class Tenant(TenantMixin):
    """A company using the platform: one PostgreSQL schema holding its portal, users and content.

    Shown to platform operators in the console; its slug names the portal's subdomain.
    """

    name = models.CharField(_("name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=63, unique=True, null=True, blank=True)
    kind = models.CharField(max_length=10, choices=SchemaKind.choices, default=SchemaKind.TENANT)
    status = models.CharField(
        _("status"), max_length=12, choices=TenantStatus.choices, default=TenantStatus.TRIALING
    )
    plan = models.CharField(_("plan"), max_length=32, default="trial")
    trial_ends_at = models.DateTimeField(_("trial ends at"), null=True, blank=True)
    # Who signed the company up: trial reminders and billing notices go there.
    owner_email = models.EmailField(_("owner email"), blank=True)
    # When `status` last changed (a past-due grace period counts from it).
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # A deleted tenant keeps its slug reserved until its data is gone (see services.tenant_delete).
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Cancelled (by Stripe, an operator or the owner's deletion request): when the retention
    # window ends and the nightly run stores a final export and drops the schema.
    purge_after = models.DateTimeField(_("data removed after"), null=True, blank=True)
    # The owner asked for the company's data to be deleted (undoable until purge_after), and the
    # status the tenant had then, which an undo restores.
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    deletion_requested_by = models.CharField(max_length=254, blank=True)
    status_before_deletion = models.CharField(max_length=12, blank=True)

    auto_create_schema = (
        False  # provisioning decides how a schema comes to be (pool, clone, migrate)
    )
    auto_drop_schema = False

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.name or self.schema_name

    @property
    def is_suspended(self) -> bool:
        return self.status == TenantStatus.SUSPENDED

    @property
    def primary_domain(self) -> str | None:
        domain = self.get_primary_domain()
        return domain.domain if domain else None

    def portal_url(self, path: str = "/") -> str:
        port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
        return f"{settings.PLATFORM_SCHEME}://{self.primary_domain}{port}{path}"


class Domain(DomainMixin):
    """A host name that serves a tenant's portal: its `<slug>.<platform domain>` subdomain, and
    later custom domains. Exactly one is primary (links and redirects use it)."""

    is_custom = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(is_primary=True),
                name="one_primary_domain_per_tenant",
            )
        ]


class Handoff(models.Model):
    """A single-use sign-in ticket from the platform host to a tenant host.

    Sessions are per host, so after signup the browser carries a signed token to the portal,
    which trades it (once, within a minute) for a session there.
    """

    nonce = models.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user_id = models.BigIntegerField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"hand-off {self.nonce} ({'used' if self.used_at else 'unused'})"


class LifecycleNotice(models.Model):
    """One lifecycle email sent to a tenant's owner (a trial reminder, the read-only notice): the
    row is written before the email goes, and the unique pair makes the nightly run send each
    one once, however often it runs."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=32)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind"], name="one_notice_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.tenant_id}"


class AuditLog(models.Model):
    """Every operator action on a tenant (and every signup), for the operator console."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=254, help_text=_("Operator email, or 'system'/'signup'"))
    action = models.CharField(max_length=64)
    tenant = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.SET_NULL)
    tenant_label = models.CharField(max_length=100, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.tenant_label}"


class TenantExport(models.Model):
    """An archive of one tenant's data: every table of its schema and its media folder.

    Operators ask for one in the console (and download it there); the nightly run stores a final
    one before a cancelled tenant's schema is dropped. Built by a Celery task that records its
    progress here, so the console can show it. Archives live under EXPORTS_ROOT, never in media.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Reason(models.TextChoices):
        OPERATOR = "operator", _("Asked for by an operator")
        FINAL = "final", _("Final export before deletion")

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="exports"
    )
    # Kept when the tenant row is gone (a final export outlives its tenant).
    tenant_label = models.CharField(max_length=100, blank=True)
    schema_name = models.CharField(max_length=63)
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.OPERATOR)
    requested_by = models.CharField(max_length=254)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Percent done"))
    step = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Relative to EXPORTS_ROOT.
    file = models.CharField(max_length=255, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export of {self.tenant_label or self.schema_name} ({self.status})"


class SupportAccess(models.Model):
    """An operator's time-limited "view as" visit to a tenant's admin, for support.

    It needs a reason, ends by itself at `expires_at` (or sooner, ended by the operator or revoked
    by one of the tenant's admins), is shown to the tenant's admins while it lasts and afterwards,
    and is audited. The browser reaches the tenant host with a single-use signed token (`nonce`).
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="support_accesses")
    operator = models.CharField(max_length=254)
    reason = models.TextField()
    nonce = models.UUIDField(default=uuid.uuid4, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["tenant", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.operator} on {self.tenant_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.expires_at > now


class DomainClaim(models.Model):
    """A custom domain a tenant's administrator wants the portal served on (Settings → Domain).

    Until the TXT record `_portal-verify.<domain>` holds `token`, the claim is pending and nothing
    serves the domain: django-tenants only knows `Domain` rows. Verifying creates the tenant's
    `Domain(is_custom=True)` row; a plan without custom domains removes that row again but keeps
    the claim (pending, same token), so a re-upgrade verifies again with the DNS already in
    place. One claim per domain across all tenants: a domain claimed by one portal cannot be
    claimed by another.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domain_claims")
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    token = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=254, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # What the last check found when it did not verify (shown to the admin).
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.domain} ({'verified' if self.verified_at else 'pending'})"

    @property
    def verify_name(self) -> str:
        """The DNS name of the TXT record that proves the claim."""
        return f"{VERIFY_LABEL}.{self.domain}"


VERIFY_LABEL = "_portal-verify"
