"""Ticket reports: each figure computed from tickets and searches whose times we set, so every
number asserted is worked out by hand below; and the report page, for whom it is meant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from modules.tickets import reports, services
from modules.tickets.models import Status, Suggestion, Ticket
from tests.tickets.conftest import client_for

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)


def _ticket(people, *, created, who="ann", **fields) -> Ticket:
    ticket = services.ticket_create(requester=people[who], subject="Help", description="Please")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=created, **fields)
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def history(people_a):
    """In the 7 days before NOW:
    - t1 (web): created 14 Mar 12:00, answered after 60 min, solved after 120 min, rated good;
    - t2 (email): created 13 Mar 12:00, answered after 180 min, closed after 600 min, rated bad,
      breached its SLA;
    - t3 (email): created 12 Mar 12:00, answered after 120 min, still open;
    - a duplicate merged into t3 (left out everywhere).
    Before the period: t4, created 5 Mar, solved 14 Mar 12:00 (solved in the period)."""
    day = dt.timedelta(days=1)
    t1 = _ticket(
        people_a,
        created=NOW - day,
        first_response_at=NOW - day + 60 * MIN,
        solved_at=NOW - day + 120 * MIN,
        status=Status.SOLVED,
        rating="good",
    )
    t2 = _ticket(
        people_a,
        created=NOW - 2 * day,
        first_response_at=NOW - 2 * day + 180 * MIN,
        solved_at=NOW - 2 * day + 600 * MIN,
        closed_at=NOW - 2 * day + 600 * MIN,
        status=Status.CLOSED,
        rating="bad",
        breached_at=NOW - 2 * day + 500 * MIN,
        channel="email",
    )
    t3 = _ticket(
        people_a,
        created=NOW - 3 * day,
        first_response_at=NOW - 3 * day + 120 * MIN,
        status=Status.OPEN,
        channel="email",
    )
    _ticket(
        people_a,
        who="bob",
        created=NOW - day,
        first_response_at=NOW - day + MIN,
        solved_at=NOW - day + 2 * MIN,
        status=Status.CLOSED,
        rating="bad",
        breached_at=NOW,
        merged_into=t3,
    )
    _ticket(
        people_a,
        created=NOW - 10 * day,
        first_response_at=NOW - 10 * day + MIN,
        solved_at=NOW - day,
        status=Status.SOLVED,
    )
    return {"t1": t1, "t2": t2, "t3": t3}


@pytest.fixture
def span():
    return reports.period(7, now=NOW)


def test_period_defaults_to_30_days_for_values_not_offered():
    assert reports.period(90, now=NOW).start == NOW - dt.timedelta(days=90)
    assert reports.period(12, now=NOW).days == 30


def test_volume_by_day_counts_created_and_solved(history, span):
    with timezone.override(UTC):
        days = reports.volume_by_day(span)
    assert days[0][0] == dt.date(2026, 3, 8) and days[-1][0] == dt.date(2026, 3, 15)
    assert [(day.day, created, solved) for day, created, solved in days if created or solved] == [
        (12, 1, 0),
        (13, 1, 1),  # t2 created, t2 closed at 22:00
        (14, 1, 2),  # t1 created and solved; t4 (an older ticket) solved
    ]


def test_first_response_and_resolution_median_and_p90(history, span):
    tickets = reports.tickets_in(span)
    first = reports.first_response_times(tickets)
    # 60, 120, 180 minutes: median 120; p90 = 120 + 0.8 × 60 = 168 minutes
    assert first.count == 3
    assert first.median == pytest.approx(120 * 60)
    assert first.p90 == pytest.approx(168 * 60)
    resolution = reports.resolution_times(tickets)
    # 120 and 600 minutes: median 360; p90 = 120 + 0.9 × 480 = 552 minutes
    assert resolution.count == 2
    assert resolution.median == pytest.approx(360 * 60)
    assert resolution.p90 == pytest.approx(552 * 60)
    assert reports.duration_text(resolution.median) == "6.0 h"
    assert reports.duration_text(first.median) == "2.0 h"
    assert reports.duration_text(45 * 60) == "45 min"
    assert reports.duration_text(3 * 24 * 3600) == "3.0 d"
    assert reports.duration_text(None) == "–"


def test_no_tickets_no_times(people_a, span):
    first = reports.first_response_times(reports.tickets_in(span))
    assert (first.count, first.median, first.p90) == (0, None, None)
    breaches = reports.sla_breaches(reports.tickets_in(span))
    assert (breaches.count, breaches.total, breaches.percent) == (0, 0, None)
    assert reports.satisfaction(reports.tickets_in(span)).percent_good is None


def test_breaches_satisfaction_and_channels(history, span):
    tickets = reports.tickets_in(span)
    breaches = reports.sla_breaches(tickets)
    assert (breaches.count, breaches.total, breaches.percent) == (1, 3, 33.3)
    rated = reports.satisfaction(tickets)
    assert (rated.good, rated.bad, rated.total, rated.percent_good) == (1, 1, 2, 50.0)
    channels = reports.by_channel(tickets)
    assert channels[:2] == [("email", "Email", 2), ("web", "Portal", 1)]
    assert {key: n for key, _label, n in channels} == {"email": 2, "web": 1, "api": 0, "agent": 0}


def test_deflection_counts_forms_that_offered_answers(people_a, history, span):
    def suggestion(*, offered, opened, ticket=None, days_ago=1):
        row = Suggestion.objects.create(query="refund", offered=offered, ticket=ticket)
        Suggestion.objects.filter(pk=row.pk).update(
            created_at=NOW - dt.timedelta(days=days_ago),
            opened_at=NOW if opened else None,
            opened_url="/kb/refunds/" if opened else "",
        )

    suggestion(offered=3, opened=True)  # deflected
    suggestion(offered=1, opened=True)  # deflected
    suggestion(offered=2, opened=True, ticket=history["t1"])  # opened, still sent a ticket
    suggestion(offered=2, opened=False)  # offered, not opened
    suggestion(offered=0, opened=False)  # nothing offered: not counted
    suggestion(offered=3, opened=True, days_ago=20)  # before the period
    share = reports.deflection(span)
    assert (share.count, share.total, share.percent) == (2, 4, 50.0)


def test_report_page_for_report_readers_only(people_a, in_a, admin_client_a, tenant_a):
    now = timezone.now()
    _ticket(
        people_a,
        created=now - dt.timedelta(days=2),
        first_response_at=now - dt.timedelta(days=2) + 30 * MIN,
        status=Status.OPEN,
        rating="good",
        breached_at=now,
    )
    _ticket(people_a, created=now - dt.timedelta(days=40), channel="email")
    client = client_for(in_a, people_a["agent"])  # Agents may read reports
    response = client.get("/admin/tickets/reports/?days=7")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="created-chart-title"' in html and "<svg" in html
    assert "100.0% of 1 tickets" in html  # the one ticket of the week breached
    assert "1 good, 0 bad" in html
    assert (
        '<tr data-channel="web"><td data-label="Channel">Portal</td><td data-label="Tickets">1<'
        in html
    )
    # 90 days include the older ticket
    html = client.get("/admin/tickets/reports/?days=90").content.decode()
    assert (
        '<tr data-channel="email"><td data-label="Channel">Email</td><td data-label="Tickets">1<'
        in html
    )
    assert client.get("/admin/tickets/reports/?days=zz").status_code == 200
    # light agents and customers do not see reports
    refused = client_for(in_a, people_a["light"]).get("/admin/tickets/reports/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's refusal
    assert client_for(in_a, people_a["ann"]).get("/admin/tickets/reports/").status_code in (
        302,
        403,
    )
    # the menu item is under Reports for those who may read them
    assert "/admin/tickets/reports/" in client.get("/admin/").content.decode()
