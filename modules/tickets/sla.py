"""Service levels: how long a ticket may wait for its first answer and for its solution, counted
in the tenant's business hours (Settings → Tickets), with a policy per priority (SLA policies).

`add_business_minutes` is the clock; `apply_targets` stamps a ticket's due times from its
priority's policy; `state` says whether a ticket is fine, near a breach or past one (the admin
highlights the last two); `escalate_due` (a Celery beat task per tenant) marks breaches once,
records them and tells the assignee.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

NEAR = dt.timedelta(hours=1)
WEEKDAYS = (0, 1, 2, 3, 4)


class Hours:
    """A working week: days (0 = Monday), a daily start and end, in a time zone."""

    def __init__(self, *, tz: str = "UTC", days=(), start=dt.time(9), end=dt.time(17)):
        try:
            self.tz = ZoneInfo(tz or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self.tz = ZoneInfo("UTC")
        self.days = frozenset(days or WEEKDAYS)
        self.start = _time(start)
        self.end = _time(end)
        # Nothing sensible to count: the clock runs around the clock.
        self.always = self.start >= self.end or not (self.days & set(range(7)))

    @classmethod
    def of_tenant(cls) -> Hours:
        from modules.tickets.models import TicketSettings

        row = TicketSettings.load()
        return cls(
            tz=row.business_timezone,
            days=row.business_days,
            start=row.business_start,
            end=row.business_end,
        )


def _time(value) -> dt.time:
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


def add_business_minutes(start: dt.datetime, minutes: int, hours: Hours) -> dt.datetime:
    """The moment `minutes` of working time after `start` (an aware datetime)."""
    if hours.always:
        return start + dt.timedelta(minutes=minutes)
    left = dt.timedelta(minutes=minutes)
    local = start.astimezone(hours.tz)
    for _day in range(366 * 2):
        day = local.date()
        opens = dt.datetime.combine(day, hours.start, tzinfo=hours.tz)
        closes = dt.datetime.combine(day, hours.end, tzinfo=hours.tz)
        if day.weekday() in hours.days and local < closes:
            # Elapsed time is counted in UTC: aware datetimes sharing a zone subtract and add
            # as wall-clock times, so a day with a DST change would gain or lose an hour.
            begin = max(local, opens).astimezone(dt.UTC)
            available = closes.astimezone(dt.UTC) - begin
            if left <= available:
                return begin + left
            left -= available
        next_day = day + dt.timedelta(days=1)
        local = dt.datetime.combine(next_day, hours.start, tzinfo=hours.tz)
    return local.astimezone(dt.UTC)


def apply_targets(ticket, *, start: dt.datetime, hours: Hours | None = None) -> None:
    """Set the ticket's first-response and resolution due times from its priority's policy
    (none: no targets). Does not save."""
    from modules.tickets.models import SlaPolicy

    policy = SlaPolicy.objects.filter(priority=ticket.priority).first()
    if policy is None:
        ticket.first_response_due = ticket.resolution_due = None
        return
    hours = hours or Hours.of_tenant()
    ticket.first_response_due = add_business_minutes(start, policy.first_response_minutes, hours)
    ticket.resolution_due = add_business_minutes(start, policy.resolution_minutes, hours)


def next_due(ticket) -> dt.datetime | None:
    """The target the ticket is working towards now (first response, then resolution)."""
    from modules.tickets.models import ACTIVE_STATUSES

    if ticket.status not in ACTIVE_STATUSES:
        return None
    if ticket.first_response_at is None and ticket.first_response_due is not None:
        return ticket.first_response_due
    return ticket.resolution_due


def state(ticket, now: dt.datetime | None = None) -> str:
    """ "breached", "near" (within an hour), "ok", or "" (no target, or done)."""
    due = next_due(ticket)
    if due is None:
        return ""
    now = now or timezone.now()
    if due <= now:
        return "breached"
    if due - now <= NEAR:
        return "near"
    return "ok"


def breached_filter(now: dt.datetime):
    """A Q for active tickets past a target now."""
    from django.db.models import Q

    from modules.tickets.models import ACTIVE_STATUSES

    return Q(status__in=ACTIVE_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due__lte=now) | Q(resolution_due__lte=now)
    )


def near_filter(now: dt.datetime):
    from django.db.models import Q

    from modules.tickets.models import ACTIVE_STATUSES

    soon = now + NEAR
    return Q(status__in=ACTIVE_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due__lte=soon)
        | Q(resolution_due__lte=soon)
    )
