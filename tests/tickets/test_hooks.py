"""What tickets give customer accounts (activity, export, deletion, a guest's tickets joining
the account they verify), and tickets' scheduled tasks staying inside their own tenant."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import tenant_context

from modules import registry
from modules.accounts import services as accounts_services
from modules.tickets import services
from modules.tickets.models import (
    Event,
    Message,
    Participant,
    Priority,
    Status,
    Ticket,
    TicketSettings,
)
from modules.tickets.tasks import auto_close, sla_escalate
from tests.conftest import TEST_PASSWORD, make_customer

pytestmark = pytest.mark.django_db


def _hook(name):
    return import_string(registry.get("tickets").extra[name])


@pytest.fixture
def tickets(people_a):
    ann, bob = people_a["ann"], people_a["bob"]
    mine = services.ticket_create(requester=ann, subject="Ann's request", description="Help")
    services.ticket_reply(ticket=mine, author=people_a["agent"], body="Agent answer")
    services.ticket_reply(ticket=mine, author=ann, body="Ann again")
    theirs = services.ticket_create(requester=bob, subject="Bob's request", description="x")
    services.ticket_cc_add(ticket=theirs, email=ann.email, by=bob)
    return mine, theirs


def test_activity_lists_my_requests(tickets, people_a):
    sections = _hook("account_activity")(user=people_a["ann"])
    assert [item["title"] for item in sections[0]["items"]] == [
        f"#{tickets[0].number} Ann's request"
    ]
    assert sections[0]["items"][0]["meta"] == "Open"


def test_export_has_my_requests_without_internal_notes(tickets, people_a):
    mine, theirs = tickets
    services.ticket_reply(ticket=mine, author=people_a["agent"], body="SECRET note", internal=True)
    data = accounts_services.customer_export_data(user=people_a["ann"])
    text = json.dumps(data)
    assert "Ann's request" in text and "Agent answer" in text and "Ann again" in text
    assert "SECRET note" not in text
    assert "reply_token" not in text and mine.reply_token not in text
    exported = data["modules"]["tickets"]
    assert exported["cc"] == [{"ticket": theirs.number, "since": exported["cc"][0]["since"]}]


def test_deleting_the_account_keeps_the_companys_records(tickets, people_a):
    mine, theirs = tickets
    ann = people_a["ann"]
    accounts_services.customer_delete(user=ann, password=TEST_PASSWORD)
    mine.refresh_from_db()
    assert mine.requester is None and mine.guest_email == ""
    assert Message.objects.filter(ticket=mine, body="Ann again", author__isnull=True).exists()
    assert not Participant.objects.filter(ticket=theirs).exists()


def test_verifying_an_address_claims_the_guests_tickets(people_a):
    row = TicketSettings.load()
    row.guests_can_submit = True
    row.save()
    ticket = services.ticket_create(guest_email="dan@x.example", subject="Hi", description="x")
    dan = make_customer("dan@x.example", verified=False)
    accounts_services.customer_verify_email(token=accounts_services.verification_token(user=dan))
    ticket.refresh_from_db()
    assert ticket.requester == dan and ticket.guest_email == ""


def test_escalation_runs_once_and_only_in_its_own_tenant(people_a, tenant_a, tenant_b):
    late = services.ticket_create(
        requester=people_a["ann"], subject="Late", description="x", priority=Priority.NORMAL
    )
    Ticket.objects.filter(pk=late.pk).update(
        first_response_due=timezone.now() - timedelta(minutes=5)
    )
    with tenant_context(tenant_b):
        assert sla_escalate.apply().get() == 0  # B has nothing late; A's ticket is not B's to touch
        assert auto_close.apply().get() == 0
    late.refresh_from_db()
    assert late.breached_at is None
    assert sla_escalate.apply().get() == 1
    assert sla_escalate.apply().get() == 0
    late.refresh_from_db()
    assert late.breached_at is not None and late.priority == Priority.HIGH
    assert Event.objects.filter(ticket=late, kind=Event.Kind.ESCALATED).count() == 1


def test_solved_tickets_close_after_the_set_days(people_a):
    ticket = services.ticket_create(requester=people_a["ann"], subject="Done", description="x")
    services.ticket_update(ticket=ticket, by=people_a["agent"], status=Status.SOLVED)
    assert auto_close.apply().get() == 0
    Ticket.objects.filter(pk=ticket.pk).update(solved_at=timezone.now() - timedelta(days=5))
    assert auto_close.apply().get() == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
