"""The figures of the ticket reports (Reports → Tickets in the admin): pure functions over
querysets, so each one is tested with data of known shape and the view only arranges them.

Every figure is for tickets (or searches) of one period `[start, end)`. Times are seconds;
medians and 90th percentiles are computed by PostgreSQL (`percentile_cont`), never by loading
rows into Python. Merged duplicates are left out: they are one request counted twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.tickets.models import DONE_STATUSES, Channel, Suggestion, Ticket

PERIODS = (7, 30, 90)


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


class Seconds(Func):
    """The seconds of an interval (`later - earlier`) as a float."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()


@dataclass(frozen=True)
class Period:
    days: int
    start: dt.datetime
    end: dt.datetime


def period(days: int, *, now: dt.datetime | None = None) -> Period:
    """The last `days` days up to `now` (a days value not offered becomes 30)."""
    days = days if days in PERIODS else 30
    end = now or timezone.now()
    return Period(days=days, start=end - dt.timedelta(days=days), end=end)


def tickets_in(span: Period, queryset: QuerySet | None = None) -> QuerySet:
    """Tickets created in the period (merged duplicates left out)."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    return queryset.filter(
        created_at__gte=span.start, created_at__lt=span.end, merged_into__isnull=True
    )


def volume_by_day(span: Period, queryset: QuerySet | None = None) -> list[tuple[dt.date, int, int]]:
    """(day, created, solved) for every day of the period, days without any included. A ticket
    counts as solved on the day it was solved (whenever it was created); days are in the
    current time zone."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    queryset = queryset.filter(merged_into__isnull=True)
    created = dict(
        queryset.filter(created_at__gte=span.start, created_at__lt=span.end)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    solved = dict(
        queryset.filter(solved_at__gte=span.start, solved_at__lt=span.end)
        .annotate(day=TruncDate("solved_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    first = timezone.localtime(span.start).date()
    last = timezone.localtime(span.end).date()
    days = []
    day = first
    while day <= last:
        days.append((day, created.get(day, 0), solved.get(day, 0)))
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Durations:
    count: int
    median: float | None  # seconds
    p90: float | None


def _durations(queryset: QuerySet, end_field: str) -> Durations:
    elapsed = Seconds(F(end_field), F("created_at"))
    row = queryset.filter(**{f"{end_field}__isnull": False}).aggregate(
        count=Count("pk"),
        median=PercentileCont(elapsed, fraction=0.5),
        p90=PercentileCont(elapsed, fraction=0.9),
    )
    return Durations(count=row["count"], median=row["median"], p90=row["p90"])


def first_response_times(queryset: QuerySet) -> Durations:
    """From submission to the first public answer, of the tickets answered."""
    return _durations(queryset, "first_response_at")


def resolution_times(queryset: QuerySet) -> Durations:
    """From submission to solved, of the tickets solved (or closed)."""
    return _durations(queryset.filter(status__in=DONE_STATUSES), "solved_at")


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.count / self.total, 1) if self.total else None


def sla_breaches(queryset: QuerySet) -> Share:
    """Tickets that missed an SLA target, of all tickets."""
    row = queryset.aggregate(
        count=Count("pk", filter=Q(breached_at__isnull=False)), total=Count("pk")
    )
    return Share(count=row["count"], total=row["total"])


@dataclass(frozen=True)
class Satisfaction:
    good: int
    bad: int

    @property
    def total(self) -> int:
        return self.good + self.bad

    @property
    def percent_good(self) -> float | None:
        return round(100 * self.good / self.total, 1) if self.total else None


def satisfaction(queryset: QuerySet) -> Satisfaction:
    """Customers' ratings (good / bad) of the tickets."""
    row = queryset.aggregate(
        good=Count("pk", filter=Q(rating="good")), bad=Count("pk", filter=Q(rating="bad"))
    )
    return Satisfaction(good=row["good"], bad=row["bad"])


def deflection(span: Period, queryset: QuerySet | None = None) -> Share:
    """ "Ask once": of the ticket forms whose search offered an answer, those where the customer
    opened one and sent no ticket."""
    queryset = Suggestion.objects.all() if queryset is None else queryset
    row = queryset.filter(
        created_at__gte=span.start, created_at__lt=span.end, offered__gt=0
    ).aggregate(
        count=Count("pk", filter=Q(opened_at__isnull=False, ticket__isnull=True)),
        total=Count("pk"),
    )
    return Share(count=row["count"], total=row["total"])


def by_channel(queryset: QuerySet) -> list[tuple[str, str, int]]:
    """(channel, its label, tickets) for every channel, the busiest first."""
    counts = dict(
        queryset.order_by()
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    rows = [(value, str(label), counts.get(value, 0)) for value, label in Channel.choices]
    return sorted(rows, key=lambda row: -row[2])


def duration_text(seconds: float | None) -> str:
    """A short reading of a duration: "45 min", "3.5 h", "2.1 d"; "–" for none."""
    if seconds is None:
        return "–"
    minutes = seconds / 60
    if minutes < 90:
        return _("%(n)s min") % {"n": f"{minutes:.0f}"}
    hours = minutes / 60
    if hours < 48:
        return _("%(n)s h") % {"n": f"{hours:.1f}"}
    return _("%(n)s d") % {"n": f"{hours / 24:.1f}"}
