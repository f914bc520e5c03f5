"""Reads on platform records for the operator console. Every function here runs in the public
schema and returns querysets or plain values; none of them writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
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


# --- The dashboard: every figure is one aggregate query over the public schema, whatever the
# number of tenants.

CONVERSION_WINDOWS = (30, 90)
CHURN_DAYS = 30


@dataclass(frozen=True)
class Ratio:
    """`part` of `whole`; `percent` is None when there is nothing to divide by."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass(frozen=True)
class Conversion:
    days: int
    ratio: Ratio


@dataclass(frozen=True)
class TenantFigures:
    active_trials: int
    conversions: list[Conversion]
    churn: Ratio


def _status_at(moment: datetime.datetime):
    """A tenant's status at `moment`: the last audited status change before it; for a tenant
    with none, its current status if it was created before `moment` and has not changed since
    (tenants start trialing and every later change is audited by tenant_set_status)."""
    last_change = Subquery(
        AuditLog.objects.filter(
            tenant=OuterRef("pk"), action__startswith="tenant.status.", at__lt=moment
        )
        .order_by("-at", "-pk")
        .annotate(status=Substr("action", len("tenant.status.") + 1))
        .values("status")[:1]
    )
    unchanged = Case(
        When(
            Q(created_at__lt=moment)
            & (Q(status_changed_at__isnull=True) | Q(status_changed_at__lt=moment)),
            then=F("status"),
        ),
        default=Value(None),
        output_field=CharField(),
    )
    return Coalesce(last_change, unchanged)


def tenant_figures(*, now: datetime.datetime | None = None) -> TenantFigures:
    """Active trials now; trial-to-paid conversion (of the tenants whose trial ended in the last
    30 and 90 days, how many are active now); churn over the last 30 days (tenants that became
    cancelled, per the audit log, out of those active at the start of the window).

    One query. Churn counts tenant rows that still exist: a purged tenant drops out."""
    now = now or timezone.now()
    churn_start = now - datetime.timedelta(days=CHURN_DAYS)
    live = Q(deleted_at__isnull=True)
    aggregates: dict = {
        "active_trials": Count("pk", filter=live & Q(status=TenantStatus.TRIALING)),
        "active_at_start": Count(
            "pk", filter=Exact(_status_at(churn_start), Value(TenantStatus.ACTIVE.value))
        ),
        "churned": Count(
            "pk",
            filter=Exists(
                AuditLog.objects.filter(
                    tenant=OuterRef("pk"),
                    action=f"tenant.status.{TenantStatus.CANCELLED}",
                    at__gte=churn_start,
                    at__lte=now,
                )
            ),
        ),
    }
    for days in CONVERSION_WINDOWS:
        ended = Q(trial_ends_at__gte=now - datetime.timedelta(days=days), trial_ends_at__lte=now)
        aggregates[f"ended_{days}"] = Count("pk", filter=ended)
        aggregates[f"paid_{days}"] = Count("pk", filter=ended & Q(status=TenantStatus.ACTIVE))
    row = Tenant.objects.real().aggregate(**aggregates)
    return TenantFigures(
        active_trials=row["active_trials"],
        conversions=[
            Conversion(days=days, ratio=Ratio(row[f"paid_{days}"], row[f"ended_{days}"]))
            for days in CONVERSION_WINDOWS
        ],
        churn=Ratio(row["churned"], row["active_at_start"]),
    )


@dataclass(frozen=True)
class PlanRevenue:
    key: str
    name: str
    tenants: int
    price_cents: int
    currency: str

    @property
    def mrr_cents(self) -> int:
        return self.tenants * self.price_cents


def mrr_by_plan() -> list[PlanRevenue]:
    """Monthly recurring revenue by plan key: active, not deleted tenants times the plan's
    monthly price. Every plan row is listed (zero when nobody is on it); a key with no plan row
    (a retired plan) is listed with a price of 0. Two queries."""
    from billing.models import Plan
    from billing.plans import plan_label

    counts = dict(
        Tenant.objects.real()
        .filter(status=TenantStatus.ACTIVE, deleted_at__isnull=True)
        .order_by()
        .values_list("plan")
        .annotate(n=Count("pk"))
        .values_list("plan", "n")
    )
    rows = [
        PlanRevenue(
            key=plan.key,
            name=plan.name or plan.key,
            tenants=counts.pop(plan.key, 0),
            price_cents=plan.price_cents,
            currency=plan.currency,
        )
        for plan in Plan.objects.order_by("sort_order", "price_cents", "key")
    ]
    rows += [
        PlanRevenue(key=key, name=str(plan_label(key)), tenants=n, price_cents=0, currency="")
        for key, n in sorted(counts.items())
    ]
    return rows


def mrr_totals(rows: list[PlanRevenue]) -> dict[str, int]:
    """Total MRR in cents per currency (plans priced in different currencies are not added)."""
    totals: dict[str, int] = {}
    for row in rows:
        if row.currency:
            totals[row.currency] = totals.get(row.currency, 0) + row.mrr_cents
    return totals


def tenant_subscription(*, tenant: Tenant):
    """The tenant's Stripe subscription row, or None."""
    from billing.models import Subscription

    return Subscription.objects.filter(tenant=tenant).first()


@dataclass(frozen=True)
class UsageRow:
    label: str
    used: float
    limit: int | None  # None: no limit

    @property
    def percent(self) -> int:
        if not self.limit:
            return 0
        return min(100, round(100 * self.used / self.limit))

    @property
    def over(self) -> bool:
        return self.limit is not None and self.limit > 0 and self.used > self.limit


def tenant_usage(*, tenant: Tenant) -> list[UsageRow] | None:
    """What the tenant uses against its plan's limits (seats, storage, monthly active customers),
    read in its own schema (one switch, for one tenant's page). None for a tenant whose schema
    is gone or not yet there."""
    from django_tenants.utils import tenant_context

    from billing.entitlements import entitlements
    from billing.usage import usage

    if tenant.kind != SchemaKind.TENANT or not schema_exists(tenant.schema_name):
        return None
    allowed = entitlements(tenant)
    with tenant_context(tenant):
        used = usage()
    return [
        UsageRow(_("Agent seats"), used.seats, allowed.agent_seats or None),
        UsageRow(_("Storage (MB)"), used.storage_mb, allowed.storage_mb or None),
        UsageRow(_("Monthly active customers"), used.monthly_active_customers, None),
    ]


def plans_for_change() -> list[tuple[str, str]]:
    """(key, name) of every plan row, for the console's offline plan change."""
    from billing.models import Plan

    return [
        (key, name or key)
        for key, name in Plan.objects.order_by("sort_order", "price_cents", "key").values_list(
            "key", "name"
        )
    ]
