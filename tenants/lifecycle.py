"""The tenant lifecycle the nightly run drives (Celery beat: `tenants.tasks.lifecycle_run`):

- trial reminders to the owner at 7, 3 and 1 days left (each once: `LifecycleNotice`);
- a trial that ended without a plan → read-only (customers still read the portal, the admin can
  export and upgrade, nothing can be changed), with a notice to the owner;
- past due longer than the grace period (`BILLING_GRACE_DAYS`) → suspended;
- cancelled tenants whose retention window ended (`purge_after`, TENANT_RETENTION_DAYS after
  they were cancelled or their owner asked for deletion) get a final export, and only once it
  is stored is their schema dropped and their slug freed (`purge_expired`).

Paying again (the billing webhooks set the tenant active) restores everything. Every transition
goes through `tenants.services.tenant_set_status`, so it is audited.

It works from the public schema alone: each step is one query over the tenant table (plus one
row per tenant that actually changes), never a schema switch per tenant.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tenants.models import LifecycleNotice, SchemaKind, Tenant, TenantStatus

log = logging.getLogger(__name__)
REMINDER_DAYS = (7, 3, 1)
SYSTEM = "system"


@dataclass
class LifecycleReport:
    reminders: dict[int, int] = field(default_factory=dict)
    read_only: int = 0
    suspended: int = 0
    purged: int = 0
    purge_failed: int = 0

    def as_dict(self) -> dict:
        return {
            "reminders": self.reminders,
            "read_only": self.read_only,
            "suspended": self.suspended,
            "purged": self.purged,
            "purge_failed": self.purge_failed,
        }


def _live():
    return Tenant.objects.filter(kind=SchemaKind.TENANT, deleted_at__isnull=True)


def _notice_once(tenant: Tenant, kind: str) -> bool:
    """Claim the right to send notice `kind` to `tenant`: True the first time only."""
    try:
        with transaction.atomic():
            LifecycleNotice.objects.create(tenant=tenant, kind=kind)
    except IntegrityError:
        return False
    return True


def _send(tenant: Tenant, *, subject: str, template: str, context: dict) -> None:
    if not tenant.owner_email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {"tenant": tenant, **context})
    try:
        send_mail(subject, body, None, [tenant.owner_email])
    except Exception:  # the notice row stays: a failed reminder is logged, not retried hourly
        log.exception("lifecycle email to tenant %s failed", tenant.pk)


def send_trial_reminders(now: datetime) -> dict[int, int]:
    """Owners of trials ending within 7, 3 or 1 days get that reminder, once each. A trial that
    is already inside a shorter window gets only the shortest one still due."""
    sent: dict[int, int] = {}
    trials = (
        _live()
        .filter(
            status=TenantStatus.TRIALING,
            trial_ends_at__gt=now,
            trial_ends_at__lte=now + timedelta(days=max(REMINDER_DAYS)),
        )
        .exclude(owner_email="")
    )
    already = set(
        LifecycleNotice.objects.filter(
            tenant__in=trials, kind__startswith="trial-reminder-"
        ).values_list("tenant_id", "kind")
    )
    for tenant in trials:
        left = tenant.trial_ends_at - now
        due = min(days for days in REMINDER_DAYS if left <= timedelta(days=days))
        kind = f"trial-reminder-{due}"
        if (tenant.pk, kind) in already or not _notice_once(tenant, kind):
            continue
        _send(
            tenant,
            subject=_("Your trial of %(name)s ends in %(days)d days")
            % {"name": tenant.name, "days": due}
            if due > 1
            else _("Your trial of %(name)s ends tomorrow") % {"name": tenant.name},
            template="tenants/email/trial_reminder.txt",
            context={"days": due, "ends_at": tenant.trial_ends_at},
        )
        sent[due] = sent.get(due, 0) + 1
    return sent


def _move(tenants, *, to: str, reason: str) -> list[Tenant]:
    """Move each of `tenants` (all in one status) to `to`, locking its row first so that a
    webhook changing it meanwhile wins; audited. Returns the tenants moved."""
    from tenants.services import tenant_set_status

    moved = []
    for tenant in tenants:
        with transaction.atomic():
            locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
            if locked.status != tenant.status:
                continue
            tenant_set_status(tenant=locked, status=to, actor=SYSTEM, reason=reason)
        moved.append(tenant)
    return moved


def _apply_entitlements(tenant: Tenant) -> None:
    """The trial's (pro's) entitlements fall to the plan's: what it lacks is switched off. One
    schema switch per tenant that ended its trial (none on a night without one)."""
    from billing.services import entitlements_apply

    try:
        tenant.refresh_from_db(fields=["status", "plan"])  # _move changed its locked copy
        entitlements_apply(tenant=tenant, actor=SYSTEM)
    except Exception:  # the status moved; the next plan change applies them again
        log.exception("entitlements after the trial of tenant %s failed", tenant.pk)


def end_trials(now: datetime) -> int:
    """Trials past their end with no plan become read-only (audited), and the owner is told."""
    ended = _live().filter(status=TenantStatus.TRIALING, trial_ends_at__lte=now)
    moved = _move(ended, to=TenantStatus.READ_ONLY, reason="trial ended without a plan")
    for tenant in moved:
        _apply_entitlements(tenant)
        if _notice_once(tenant, "trial-ended"):
            _send(
                tenant,
                subject=_("Your trial of %(name)s has ended") % {"name": tenant.name},
                template="tenants/email/trial_ended.txt",
                context={},
            )
    return len(moved)


def suspend_overdue(now: datetime) -> int:
    """Past due for longer than the grace period → suspended (audited)."""
    cutoff = now - timedelta(days=settings.BILLING_GRACE_DAYS)
    overdue = _live().filter(status=TenantStatus.PAST_DUE, status_changed_at__lte=cutoff)
    moved = _move(overdue, to=TenantStatus.SUSPENDED, reason="past due beyond the grace period")
    return len(moved)


# Purges per run: each builds an archive of a whole tenant, so one run never takes on too many
# (the rest wait for the next hourly run).
PURGE_BATCH = 10


@dataclass
class PurgeResult:
    purged: int = 0
    failed: int = 0


def purge_expired(now: datetime) -> PurgeResult:
    """Cancelled (or deleted) tenants whose retention window ended: a final export is built,
    and only when it is stored is the tenant purged (schema dropped, row deleted, slug freed).
    A failed export leaves the tenant for the next run (logged, audited
    `tenant.purge.failed`). One query finds them; a night with none due costs only that."""
    from tenants.models import TenantExport

    due = list(
        Tenant.objects.filter(
            kind=SchemaKind.TENANT,
            status=TenantStatus.CANCELLED,
            purge_after__isnull=False,
            purge_after__lte=now,
        ).order_by("purge_after", "pk")[:PURGE_BATCH]
    )
    result = PurgeResult()
    for tenant in due:
        export = _final_export(tenant)
        if export is None or export.status != TenantExport.Status.DONE:
            result.failed += 1
            log.error("final export of tenant %s failed; not purged", tenant.pk)
            _audit_purge_failed(tenant, export)
            continue
        try:
            from tenants.services import tenant_purge

            tenant_purge(tenant=tenant, actor=SYSTEM, final_export=export.pk, now=now)
        except Exception:
            result.failed += 1
            log.exception("purge of tenant %s failed", tenant.pk)
            _audit_purge_failed(tenant, export)
            continue
        result.purged += 1
    return result


def _final_export(tenant: Tenant):
    """The tenant's final export: one stored since its window ended (an earlier run exported it
    but could not purge), else a new one built now, synchronously."""
    from tenants import exports
    from tenants.models import TenantExport

    stored = (
        TenantExport.objects.filter(
            tenant=tenant,
            reason=TenantExport.Reason.FINAL,
            status=TenantExport.Status.DONE,
            created_at__gte=tenant.purge_after,
        )
        .order_by("-created_at")
        .first()
    )
    if stored is not None:
        try:
            exports.export_path(stored)
            return stored
        except Exception:  # its file is gone: build another
            log.warning(
                "final export %s of tenant %s has no file; building another", stored.pk, tenant.pk
            )
    try:
        export = exports.export_create(
            tenant=tenant, actor=SYSTEM, reason=TenantExport.Reason.FINAL
        )
        return exports.export_run(export_id=export.pk)
    except Exception:
        log.exception("final export of tenant %s could not run", tenant.pk)
        return None


def _audit_purge_failed(tenant: Tenant, export) -> None:
    from tenants.services import audit

    audit(
        actor=SYSTEM,
        action="tenant.purge.failed",
        tenant=tenant,
        export=export.pk if export is not None else None,
        error=(export.error if export is not None else "")[:500],
    )


def run(now: datetime | None = None) -> LifecycleReport:
    """One lifecycle pass over every tenant (idempotent: run it as often as you like)."""
    now = now or timezone.now()
    report = LifecycleReport()
    report.reminders = send_trial_reminders(now)
    report.read_only = end_trials(now)
    report.suspended = suspend_overdue(now)
    purge = purge_expired(now)
    report.purged, report.purge_failed = purge.purged, purge.failed
    return report


def read_only_allowed(path: str) -> bool:
    """Writes a read-only portal still takes: signing in and out, switching language, the
    admin's export, and the link to upgrade."""
    return path.startswith(READ_ONLY_WRITES)


READ_ONLY_WRITES = (
    "/account/login/",
    "/account/logout/",
    "/account/privacy/export",
    "/admin/login/",
    "/admin/logout/",
    "/i18n/",
    "/admin/billing/",
    "/admin/support-access/",  # ending an operator's support access (tenants.support_admin)
    "/admin/portal-deletion/",  # the owner's deletion request and its undo (deletion_admin)
)

# Writes a suspended or cancelled portal still takes: signing in to and out of its admin (which
# stays readable), and, for its administrators only, the owner's deletion request and its undo
# (tenants.deletion_admin) and ending an operator's support access (tenants.support_admin).
CLOSED_WRITES = ("/admin/login/", "/admin/logout/")
CLOSED_ADMIN_WRITES = ("/admin/portal-deletion/", "/admin/support-access/")


def closed_allowed(path: str, user) -> bool:
    """Whether a write to `path` by `user` goes through on a suspended or cancelled portal."""
    if path.startswith(CLOSED_WRITES):
        return True
    return path.startswith(CLOSED_ADMIN_WRITES) and bool(
        user is not None and user.is_authenticated and user.is_active and user.is_superuser
    )
