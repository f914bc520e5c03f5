"""The tenant lifecycle the nightly run drives (Celery beat: `tenants.tasks.lifecycle_run`):

- trial reminders to the owner at 7, 3 and 1 days left (each once: `LifecycleNotice`);
- a trial that ended without a plan → read-only (customers still read the portal, the admin can
  export and upgrade, nothing can be changed), with a notice to the owner;
- past due longer than the grace period (`BILLING_GRACE_DAYS`) → suspended.

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

    def as_dict(self) -> dict:
        return {
            "reminders": self.reminders,
            "read_only": self.read_only,
            "suspended": self.suspended,
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


def run(now: datetime | None = None) -> LifecycleReport:
    """One lifecycle pass over every tenant (idempotent: run it as often as you like)."""
    now = now or timezone.now()
    report = LifecycleReport()
    report.reminders = send_trial_reminders(now)
    report.read_only = end_trials(now)
    report.suspended = suspend_overdue(now)
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
)
