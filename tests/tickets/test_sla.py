"""Service levels: the business-hours clock (nights, weekends, time zones, DST, round the clock),
targets from the policies, the state the admin shows, and the scheduled escalation and closing
(each does its work once)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from modules.accounts.models import OutboxEmail
from modules.tickets import services, sla, tasks
from modules.tickets.models import Event, Priority, SlaPolicy, Status, Ticket, TicketSettings
from modules.tickets.sla import Hours, add_business_minutes

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = Hours(tz="UTC", days=(0, 1, 2, 3, 4), start=dt.time(9), end=dt.time(17))


def at(*args, tz=UTC) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


# --- the clock ---------------------------------------------------------------------------------
# 2026-06-01 is a Monday.


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (at(2026, 6, 1, 10), 60, at(2026, 6, 1, 11)),  # within the day
        (at(2026, 6, 1, 16), 120, at(2026, 6, 2, 10)),  # over the night
        (at(2026, 6, 1, 7), 30, at(2026, 6, 1, 9, 30)),  # before opening: from 9
        (at(2026, 6, 1, 20), 30, at(2026, 6, 2, 9, 30)),  # after closing: next morning
        (at(2026, 6, 5, 16), 120, at(2026, 6, 8, 10)),  # Friday → Monday
        (at(2026, 6, 6, 12), 60, at(2026, 6, 8, 10)),  # on Saturday: Monday's first hour
        (at(2026, 6, 1, 9), 8 * 60 * 5, at(2026, 6, 5, 17)),  # a whole working week
        (at(2026, 6, 1, 10), 0, at(2026, 6, 1, 10)),
    ],
)
def test_business_minutes_skip_nights_and_weekends(start, minutes, expected):
    assert add_business_minutes(start, minutes, NINE_TO_FIVE) == expected


def test_business_hours_are_the_tenants_local_hours():
    tokyo = Hours(tz="Asia/Tokyo", start=dt.time(9), end=dt.time(18))
    # 23:00 UTC Sunday = 08:00 Monday in Tokyo: the clock starts at 09:00 JST (00:00 UTC)
    assert add_business_minutes(at(2026, 5, 31, 23), 60, tokyo) == at(2026, 6, 1, 1)
    new_york = Hours(tz="America/New_York")
    # 20:00 UTC Monday = 16:00 EDT: one hour today, one tomorrow from 09:00 EDT (13:00 UTC)
    assert add_business_minutes(at(2026, 6, 1, 20), 120, new_york) == at(2026, 6, 2, 14)


def test_the_clock_follows_daylight_saving_time():
    berlin = Hours(tz="Europe/Berlin")
    # Friday 16:00 CET (15:00 UTC); clocks go forward on Sunday 29 March 2026; Monday 10:00 CEST
    assert add_business_minutes(at(2026, 3, 27, 16, tz=BERLIN), 120, berlin) == at(2026, 3, 30, 8)
    # ... and back on Sunday 25 October: Monday 10:00 CET is 09:00 UTC
    assert add_business_minutes(at(2026, 10, 23, 16, tz=BERLIN), 120, berlin) == at(2026, 10, 26, 9)
    # a working day that contains the change is an hour shorter (00:00-06:00 on 29 March has
    # five real hours), so six hours of work end at 01:00 the next day
    nights = Hours(tz="Europe/Berlin", days=range(7), start=dt.time(0), end=dt.time(6))
    assert add_business_minutes(at(2026, 3, 29, 0, tz=BERLIN), 360, nights) == at(2026, 3, 29, 23)


@pytest.mark.parametrize(
    "hours",
    [
        Hours(start=dt.time(9), end=dt.time(9)),
        Hours(start=dt.time(17), end=dt.time(9)),
        Hours(days=(7, 8)),  # no real weekday
    ],
)
def test_round_the_clock_when_the_hours_make_no_working_day(hours):
    assert hours.always
    assert add_business_minutes(at(2026, 6, 6, 23), 90, hours) == at(2026, 6, 7, 0, 30)


def test_unknown_time_zone_counts_in_utc():
    assert Hours(tz="Mars/Olympus").tz == ZoneInfo("UTC")


# --- targets and state ---------------------------------------------------------------------------


@pytest.fixture
def policies(in_a):
    SlaPolicy.objects.all().delete()
    SlaPolicy.objects.create(
        priority=Priority.NORMAL, first_response_minutes=60, resolution_minutes=480
    )
    SlaPolicy.objects.create(
        priority=Priority.URGENT, first_response_minutes=15, resolution_minutes=120
    )
    row = TicketSettings.load()
    row.business_timezone, row.business_days = "UTC", [0, 1, 2, 3, 4]
    row.business_start, row.business_end = dt.time(9), dt.time(17)
    row.save()


def test_apply_targets_from_the_priority_policy(policies):
    ticket = Ticket(priority=Priority.NORMAL)
    sla.apply_targets(ticket, start=at(2026, 6, 5, 16))  # Friday 16:00
    assert ticket.first_response_due == at(2026, 6, 5, 17)
    assert ticket.resolution_due == at(2026, 6, 8, 16)  # 1 h Friday + 7 h Monday
    ticket.priority = Priority.HIGH  # no policy for it: no targets
    sla.apply_targets(ticket, start=at(2026, 6, 5, 16))
    assert ticket.first_response_due is None and ticket.resolution_due is None


def test_state_ok_near_breached_and_done():
    now = at(2026, 6, 1, 12)
    ticket = Ticket(status=Status.OPEN)
    assert sla.state(ticket, now) == ""  # no targets
    ticket.first_response_due = now + dt.timedelta(hours=3)
    ticket.resolution_due = now + dt.timedelta(hours=8)
    assert sla.state(ticket, now) == "ok"
    ticket.first_response_due = now + dt.timedelta(minutes=30)
    assert sla.state(ticket, now) == "near"
    ticket.first_response_due = now - dt.timedelta(minutes=1)
    assert sla.state(ticket, now) == "breached"
    ticket.first_response_at = now  # answered: the resolution target counts now
    assert sla.state(ticket, now) == "ok"
    ticket.status = Status.SOLVED
    assert sla.state(ticket, now) == ""


# --- the scheduled tasks -------------------------------------------------------------------------


def overdue_ticket(people_a, **fields) -> Ticket:
    ticket = services.ticket_create(
        requester=people_a["ann"], subject="Slow", description="Nobody answers"
    )
    past = timezone.now() - dt.timedelta(minutes=5)
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due=past, assignee=people_a["agent"], **fields
    )
    return Ticket.objects.get(pk=ticket.pk)


def test_escalation_happens_once_raises_priority_and_tells_the_assignee(people_a):
    ticket = overdue_ticket(people_a, priority=Priority.NORMAL)
    fine = services.ticket_create(requester=people_a["bob"], subject="Fine", description="ok")
    Ticket.objects.filter(pk=fine.pk).update(
        first_response_due=timezone.now() + dt.timedelta(hours=2)
    )
    assert tasks.sla_escalate.run() == 1
    assert tasks.sla_escalate.run() == 0  # the next run does nothing
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert ticket.breached_at is not None and ticket.escalated_at is not None
    assert ticket.events.filter(kind=Event.Kind.ESCALATED).count() == 1
    assert ticket.events.filter(kind=Event.Kind.PRIORITY, new_value=Priority.HIGH).count() == 1
    emails = OutboxEmail.objects.filter(recipient=people_a["agent"])
    assert emails.count() == 1
    assert f"#{ticket.number}" in emails.get().subject
    fine.refresh_from_db()
    assert fine.breached_at is None and fine.priority == Priority.NORMAL


def test_urgent_stays_urgent_and_solved_tickets_are_not_escalated(people_a):
    urgent = overdue_ticket(people_a, priority=Priority.URGENT)
    overdue_ticket(people_a, status=Status.SOLVED, solved_at=timezone.now())
    assert tasks.sla_escalate.run() == 1
    urgent.refresh_from_db()
    assert urgent.priority == Priority.URGENT and urgent.breached_at is not None


def test_auto_close_closes_long_solved_tickets_once(people_a):
    row = TicketSettings.load()
    row.auto_close_days = 4
    row.save()
    old = services.ticket_create(requester=people_a["ann"], subject="Old", description="x")
    recent = services.ticket_create(requester=people_a["ann"], subject="New", description="y")
    now = timezone.now()
    Ticket.objects.filter(pk=old.pk).update(
        status=Status.SOLVED, solved_at=now - dt.timedelta(days=5)
    )
    Ticket.objects.filter(pk=recent.pk).update(
        status=Status.SOLVED, solved_at=now - dt.timedelta(days=1)
    )
    assert tasks.auto_close.run() == 1
    assert tasks.auto_close.run() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.CLOSED and old.closed_at is not None
    assert recent.status == Status.SOLVED
    assert old.events.filter(kind=Event.Kind.STATUS, new_value=Status.CLOSED).count() == 1


def test_auto_close_off_when_days_is_zero(people_a):
    row = TicketSettings.load()
    row.auto_close_days = 0
    row.save()
    ticket = services.ticket_create(requester=people_a["ann"], subject="Old", description="x")
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Status.SOLVED, solved_at=timezone.now() - dt.timedelta(days=400)
    )
    assert tasks.auto_close.run() == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
