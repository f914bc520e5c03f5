"""Ticket services: numbering, who may do what, the status flow, custom fields, CC, merge,
rating, guests, and the emails every public update sends."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.accounts.models import OutboxEmail
from modules.tickets import services
from modules.tickets.models import (
    CustomField,
    Event,
    FieldKind,
    Participant,
    RequestType,
    Status,
    Ticket,
    TicketSettings,
)
from modules.tickets.services import TicketError

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(people_a):
    return services.ticket_create(
        requester=people_a["ann"], subject="Invoice is wrong", description="It says 10 €."
    )


def test_numbers_start_at_1001_and_follow_on(people_a):
    first = services.ticket_create(requester=people_a["ann"], subject="A", description="a")
    second = services.ticket_create(requester=people_a["bob"], subject="B", description="b")
    assert first.number >= 1001
    assert second.number == first.number + 1


def test_create_sets_status_org_sla_and_emails_the_requester(ticket, people_a):
    assert ticket.status == Status.NEW
    assert ticket.organization == people_a["acme"]
    assert ticket.first_response_due is not None and ticket.resolution_due is not None
    assert ticket.resolution_due > ticket.first_response_due
    row = OutboxEmail.objects.get(recipient=people_a["ann"])
    assert f"#{ticket.number}" in row.subject
    assert row.reply_to == services.reply_address(ticket)
    assert ticket.get_absolute_url() in row.body_text


def test_unverified_customers_and_anonymous_guests_cannot_submit(people_a):
    from django.contrib.auth.models import AnonymousUser

    from tests.conftest import make_customer

    with pytest.raises(PermissionDenied):
        services.ticket_create(
            requester=make_customer("new@x.example", verified=False), subject="x", description="y"
        )
    with pytest.raises(PermissionDenied):  # guests are off by default
        services.ticket_create(guest_email="g@x.example", subject="x", description="y")
    del AnonymousUser
    assert not Ticket.objects.exists()


def test_required_fields_and_typed_values(people_a):
    kind = RequestType.objects.create(name="Bug report")
    CustomField.objects.create(
        request_type=kind,
        label="Version",
        key="version",
        kind=FieldKind.CHOICE,
        choices=["1.0", "2.0"],
        required=True,
    )
    CustomField.objects.create(request_type=kind, label="Seats", key="seats", kind=FieldKind.NUMBER)
    CustomField.objects.create(request_type=kind, label="Since", key="since", kind=FieldKind.DATE)
    with pytest.raises(TicketError) as error:
        services.ticket_create(
            requester=people_a["ann"],
            subject="Crash",
            description="x",
            request_type=kind,
            custom_values={"seats": "many", "since": "2026-13-01"},
        )
    assert set(error.value.message_dict) == {"version", "seats", "since"}
    ticket = services.ticket_create(
        requester=people_a["ann"],
        subject="Crash",
        description="x",
        request_type=kind,
        custom_values={"version": "2.0", "seats": "12", "since": "2026-11-02", "other": "dropped"},
    )
    assert ticket.custom_values == {"version": "2.0", "seats": 12, "since": "2026-11-02"}


def test_agent_reply_answers_and_awaits_the_customer(ticket, people_a):
    OutboxEmail.objects.all().delete()
    message = services.ticket_reply(ticket=ticket, author=people_a["agent"], body="Fixed it.")
    ticket.refresh_from_db()
    assert message.from_agent and not message.internal
    assert ticket.status == Status.PENDING and ticket.first_response_at is not None
    emails = list(OutboxEmail.objects.values_list("to_email", flat=True))
    assert emails == ["ann@acme.example"]
    # the customer answers: the ticket opens again, the assignee (none yet) is not mailed
    services.ticket_reply(ticket=ticket, author=people_a["ann"], body="Thanks, but…")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_light_agent_notes_but_cannot_reply(ticket, people_a):
    light = people_a["light"]
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, author=light, body="Hello customer")
    note = services.ticket_reply(ticket=ticket, author=light, body="Looks like #42", internal=True)
    assert note.internal
    OutboxEmail.objects.all().delete()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW  # a note changes nothing the customer sees
    assert not OutboxEmail.objects.exists()
    with pytest.raises(PermissionDenied):
        services.ticket_update(ticket=ticket, by=light, status=Status.SOLVED)


def test_customers_cannot_add_notes_or_reply_to_others_tickets(ticket, people_a):
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, author=people_a["ann"], body="x", internal=True)
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=ticket, author=people_a["bob"], body="x")
    # cat may see Acme's tickets
    services.ticket_reply(ticket=ticket, author=people_a["cat"], body="Same here")


def test_queue_agent_sees_only_the_queue(people_a):
    billing = services.ticket_create(requester=people_a["bob"], subject="Refund", description="x")
    services.ticket_update(ticket=billing, by=people_a["agent"], queue=people_a["billing"])
    other = services.ticket_create(requester=people_a["bob"], subject="Bug", description="x")
    services.ticket_update(ticket=other, by=people_a["agent"], queue=people_a["technical"])
    agent = people_a["billing_agent"]
    services.ticket_reply(ticket=billing, author=agent, body="Refunded.")
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=other, author=agent, body="Hi")
    with pytest.raises(PermissionDenied):
        services.ticket_reply(ticket=other, author=agent, body="note", internal=True)
    with pytest.raises(TicketError):  # cannot be given a ticket of a queue they do not work
        services.ticket_update(ticket=other, by=people_a["agent"], assignee=agent)


def test_status_changes_are_recorded_and_emailed_once(ticket, people_a):
    OutboxEmail.objects.all().delete()
    services.ticket_update(ticket=ticket, by=people_a["agent"], status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.solved_at is not None
    event = Event.objects.get(ticket=ticket, kind=Event.Kind.STATUS)
    assert (event.old_value, event.new_value, event.public) == ("new", "solved", True)
    assert OutboxEmail.objects.filter(to_email="ann@acme.example").count() == 1


def test_customer_closes_rates_and_reopens(ticket, people_a):
    ann = people_a["ann"]
    with pytest.raises(TicketError):
        services.ticket_rate(ticket=ticket, user=ann, rating="good")
    services.ticket_customer_close(ticket=ticket, user=ann)
    with pytest.raises(PermissionDenied):  # only the requester rates
        services.ticket_rate(ticket=ticket, user=people_a["cat"], rating="bad")
    services.ticket_rate(ticket=ticket, user=ann, rating="bad", comment="Slow")
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == ("bad", "Slow")
    services.ticket_customer_reopen(ticket=ticket, user=ann)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.solved_at is None


def test_closed_tickets_take_no_replies(ticket, people_a):
    services.ticket_update(ticket=ticket, by=people_a["agent"], status=Status.CLOSED)
    with pytest.raises(TicketError, match="closed"):
        services.ticket_reply(ticket=ticket, author=people_a["ann"], body="More")
    with pytest.raises(TicketError):
        services.ticket_customer_reopen(ticket=ticket, user=people_a["ann"])


def test_cc_sees_replies_and_hears(ticket, people_a):
    services.ticket_cc_add(ticket=ticket, email="BOB@customer.example", by=people_a["ann"])
    participant = Participant.objects.get(ticket=ticket)
    assert participant.user == people_a["bob"]
    OutboxEmail.objects.all().delete()
    services.ticket_reply(ticket=ticket, author=people_a["agent"], body="Answer")
    assert set(OutboxEmail.objects.values_list("to_email", flat=True)) == {
        "ann@acme.example",
        "bob@customer.example",
    }
    services.ticket_reply(ticket=ticket, author=people_a["bob"], body="I see it too")


def test_guest_ticket_link_and_claim_on_signup(people_a):
    from tests.conftest import make_customer

    row = TicketSettings.load()
    row.guests_can_submit = True
    row.save()
    ticket = services.ticket_create(
        guest_email="Guest@Example.org", guest_name="Gus", subject="Hi", description="Help"
    )
    assert ticket.guest_email == "guest@example.org" and ticket.requester is None
    email = OutboxEmail.objects.get(to_email="guest@example.org")
    token = services.guest_token(ticket)
    assert token in email.body_text
    assert services.guest_ticket(token) == ticket
    assert services.guest_ticket(token + "x") is None
    user = make_customer("guest@example.org")
    assert services.guest_tickets_claim(user=user) == 1
    ticket.refresh_from_db()
    assert ticket.requester == user and ticket.guest_email == ""
    assert services.guest_ticket(token) is None  # the account opens it now


def test_merge_moves_the_conversation_and_closes_the_duplicate(people_a):
    into = services.ticket_create(requester=people_a["ann"], subject="Login", description="x")
    dup = services.ticket_create(requester=people_a["bob"], subject="Login too", description="y")
    services.ticket_merge(source=dup, into=into, by=people_a["agent"])
    dup.refresh_from_db()
    assert dup.status == Status.CLOSED and dup.merged_into == into
    assert into.participants.filter(email="bob@customer.example").exists()
    assert "Login too" in into.messages.get().body
    with pytest.raises(TicketError):
        services.ticket_merge(source=into, into=into, by=people_a["agent"])


def test_attachments_are_checked_by_content(people_a):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
        b"\x00\x00\x00IEND\xaeB`\x82"
    )
    ticket = services.ticket_create(
        requester=people_a["ann"],
        subject="Screenshot",
        description="see",
        files=[
            SimpleUploadedFile("shot.txt", png),
            SimpleUploadedFile("notes.txt", b"plain words"),
        ],
    )
    kinds = {a.filename: a.content_type for a in ticket.attachments.all()}
    assert kinds == {"shot.png": "image/png", "notes.txt": "text/plain"}
    assert all(a.file.name.startswith("private/tickets/") for a in ticket.attachments.all())
    for bad in (b"<html><script>alert(1)</script></html>", b"MZ\x90\x00\x03" + b"\x00" * 64, b""):
        with pytest.raises(TicketError):
            services.ticket_create(
                requester=people_a["ann"],
                subject="x",
                description="y",
                files=[SimpleUploadedFile("image.png", bad)],
            )
    row = TicketSettings.load()
    row.max_attachment_mb = 1
    row.save()
    with pytest.raises(TicketError, match="larger"):
        services.ticket_create(
            requester=people_a["ann"],
            subject="x",
            description="y",
            files=[SimpleUploadedFile("big.txt", b"a" * (1024 * 1024 + 1))],
        )


def test_canned_response_placeholders(ticket, people_a):
    from modules.tickets.models import CannedResponse

    canned = CannedResponse.objects.create(
        title="Hello",
        body="Hi {{ requester_name }}, about #{{ ticket_number }} <b>{{ subject }}</b>",
    )
    text = services.canned_render(canned=canned, ticket=ticket, agent=people_a["agent"])
    assert text == f"Hi ann, about #{ticket.number} <b>Invoice is wrong</b>"


def test_a_guests_own_reply_is_not_mailed_back_to_them(people_a):
    row = TicketSettings.load()
    row.guests_can_submit = True
    row.save()
    ticket = services.ticket_create(guest_email="gus@x.example", subject="Hi", description="x")
    services.ticket_reply(ticket=ticket, author=people_a["agent"], body="Answer")
    services.ticket_cc_add(ticket=ticket, email="boss@x.example", guest=True)
    OutboxEmail.objects.all().delete()
    services.ticket_reply(ticket=ticket, author=None, author_email="gus@x.example", body="Thanks")
    assert list(OutboxEmail.objects.values_list("to_email", flat=True)) == ["boss@x.example"]


def test_simultaneous_submissions_never_share_a_number(tenant_a):
    """Eight customers submit at the same moment, each on their own connection: eight tickets,
    eight different numbers, each one higher than any number before."""
    import threading

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tests.conftest import make_customer, run_committed

    def setup():
        with tenant_context(tenant_a):
            before = Ticket.objects.order_by("-number").values_list("number", flat=True).first()
            people = [make_customer(f"rush-{n}@x.example").pk for n in range(8)]
            return before or 1000, people

    before, people = run_committed(setup)
    barrier = threading.Barrier(len(people))
    numbers, errors = [], []

    def submit(user_pk):
        try:
            with tenant_context(tenant_a):
                user = get_user_model().objects.select_related("customer_profile").get(pk=user_pk)
                barrier.wait(timeout=10)
                ticket = services.ticket_create(requester=user, subject="Rush", description="x")
                numbers.append(ticket.number)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(pk,)) for pk in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def clean():
        with tenant_context(tenant_a):
            Ticket.objects.filter(requester_id__in=people).delete()
            OutboxEmail.objects.filter(recipient_id__in=people).delete()
            get_user_model().objects.filter(pk__in=people).delete()

    run_committed(clean)
    assert errors == []
    assert len(numbers) == len(set(numbers)) == 8
    assert min(numbers) > before


def test_the_assignee_list_is_who_may_work_the_ticket_in_a_few_queries(
    people_a, django_assert_max_num_queries
):
    ticket = services.ticket_create(requester=people_a["ann"], subject="Refund", description="x")
    ticket = services.ticket_update(ticket=ticket, by=people_a["agent"], queue=people_a["billing"])
    with django_assert_max_num_queries(3):
        agents = services.agents_for(ticket)
    emails = {user.email for user in agents}
    # every-queue agents and light agents, and the Billing team (not staff, given the queue)
    assert {"agent@alpha.example", "light@alpha.example", "billing@alpha.example"} <= emails
    assert not emails & {"ann@acme.example", "bob@customer.example", "cat@acme.example"}
    assert all(services._assignable(user, ticket) for user in agents)
    ticket = services.ticket_update(
        ticket=ticket, by=people_a["agent"], queue=people_a["technical"]
    )
    assert "billing@alpha.example" not in {user.email for user in services.agents_for(ticket)}


def test_the_platforms_support_account_is_never_offered_as_assignee(people_a):
    from django.contrib.auth import get_user_model

    from cms.support import support_username

    support = get_user_model().objects.create_user(
        username=support_username(), is_staff=True, is_superuser=True
    )
    ticket = services.ticket_create(requester=people_a["ann"], subject="Refund", description="x")
    usernames = {user.username for user in services.agents_for(ticket)}
    assert support_username() not in usernames
    # nor assigned by any other way in (the API's PATCH goes through the same check)
    assert not services._assignable(support, ticket)
    assert "admin@alpha.example" in {user.email for user in services.agents_for(ticket)}
