"""Reads on platform records for the operator console. Every function here runs in the public
schema and returns querysets or plain values; none of them writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants.models import AuditLog, Domain, SchemaKind, Tenant, TenantQuerySet, TenantStatus
from tenants.provisioning import TEMPLATE_SCHEMA

OPERATORS_GROUP = "Platform operators"

# What the tenants list may be sorted by (the `ordering` query parameter, `-` for descending).
TENANT_ORDERINGS = ("name", "slug", "status", "plan", "trial_ends_at", "created_at")
DEFAULT_TENANT_ORDERING = "-created_at"


def user_is_operator(*, user) -> bool:
    """Operators are public-schema staff users in the operators group. Staff alone is not
    enough: `is_staff` is also what `createsuperuser` hands out, and the console should only
    open to people someone deliberately made operators."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.groups.filter(name=OPERATORS_GROUP).exists()


def _primary_host() -> Subquery:
    return Subquery(
        Domain.objects.filter(tenant=OuterRef("pk"), is_primary=True).values("domain")[:1]
    )


def tenant_ordering(ordering: str | None) -> str:
    """The requested ordering if it is one the list allows, else the default (newest first)."""
    if ordering and ordering.lstrip("-") in TENANT_ORDERINGS:
        return ordering
    return DEFAULT_TENANT_ORDERING


def tenant_list(
    *,
    q: str = "",
    status: str = "",
    plan: str = "",
    ordering: str = DEFAULT_TENANT_ORDERING,
) -> TenantQuerySet:
    """Real tenants (never the platform, spares or the template), each annotated with its
    primary host as `primary_host`, so a page of them costs one query whatever its length.

    `q` matches name, slug or any of the tenant's domains (including custom ones)."""
    tenants = Tenant.objects.real().annotate(primary_host=_primary_host())
    q = (q or "").strip()
    if q:
        any_domain = Domain.objects.filter(tenant=OuterRef("pk"), domain__icontains=q)
        tenants = tenants.filter(
            Q(name__icontains=q) | Q(slug__icontains=q) | Q(Exists(any_domain))
        )
    if status:
        tenants = tenants.filter(status=status)
    if plan:
        tenants = tenants.filter(plan=plan)
    ordering = tenant_ordering(ordering)
    # A tie-breaker keeps pages stable when many rows share a status or a plan.
    return tenants.order_by(ordering, "-pk")


def tenant_status_counts() -> dict[str, int]:
    """How many real tenants are in each status, every status present (zero when none)."""
    counts = dict(
        Tenant.objects.real()
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in TenantStatus.values}


def tenant_plans() -> list[str]:
    """Plan keys real tenants are on, for the plan filter."""
    return list(Tenant.objects.real().order_by("plan").values_list("plan", flat=True).distinct())


def tenant_get(*, tenant_id: int | str) -> Tenant:
    """A real tenant by id with its domains, or 404 (the platform row, spares and the template
    are not the console's to suspend)."""
    try:
        pk = int(tenant_id)
    except (TypeError, ValueError):
        raise Http404 from None
    tenant = (
        Tenant.objects.real()
        .annotate(primary_host=_primary_host())
        .prefetch_related("domains")
        .filter(pk=pk)
        .first()
    )
    if tenant is None:
        raise Http404
    return tenant


def audit_list(
    *, action: str = "", tenant: str = "", tenant_id: int | None = None
) -> QuerySet[AuditLog]:
    """The audit log, newest first. `tenant` matches the label (the slug at the time), so
    entries about purged tenants can still be found; `tenant_id` narrows to one tenant row."""
    entries = AuditLog.objects.select_related("tenant").order_by("-at", "-pk")
    if action:
        entries = entries.filter(action=action)
    tenant = (tenant or "").strip()
    if tenant:
        entries = entries.filter(tenant_label__icontains=tenant)
    if tenant_id is not None:
        entries = entries.filter(tenant_id=tenant_id)
    return entries


def audit_actions() -> list[str]:
    """Actions present in the audit log, for the action filter."""
    return list(AuditLog.objects.order_by("action").values_list("action", flat=True).distinct())


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    count: int


def signups_per_day(*, days: int = 30) -> list[DayCount]:
    """Real tenants created per day (UTC) over the last `days` days, today included, oldest
    first, with a zero for each day without signups so a chart has no gaps."""
    today = timezone.now().astimezone(datetime.UTC).date()
    first = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=datetime.UTC)
    rows = (
        Tenant.objects.real()
        .filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at", tzinfo=datetime.UTC))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    counts = dict(rows)
    span = (first + datetime.timedelta(days=i) for i in range(days))
    return [DayCount(day=day, count=counts.get(day, 0)) for day in span]


@dataclass(frozen=True)
class PlatformStatus:
    spares_ready: int
    template_row: bool
    template_schema: bool


def platform_status() -> PlatformStatus:
    """What the provisioning machinery has in stock: spare schemas waiting to be claimed and
    whether the template schema that new tenants are cloned from is there."""
    return PlatformStatus(
        spares_ready=Tenant.objects.spares().count(),
        template_row=Tenant.objects.filter(
            kind=SchemaKind.TEMPLATE, schema_name=TEMPLATE_SCHEMA
        ).exists(),
        template_schema=schema_exists(TEMPLATE_SCHEMA),
    )
