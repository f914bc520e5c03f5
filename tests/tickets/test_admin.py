"""The agents' ticket workspace in the admin: the inbox (views, filters, search, bulk changes),
a ticket's page (reply, note, status, assignment, tags, fields, CC, merge, links, canned
responses, attachments), who reaches what, the module switch and tenant isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.tickets import services
from modules.tickets.models import (
    CannedResponse,
    CustomField,
    Event,
    FieldKind,
    Link,
    Message,
    Participant,
    RequestType,
    Status,
    Ticket,
)
from tests.conftest import switch_module
from tests.tickets.conftest import client_for

pytestmark = pytest.mark.django_db

INBOX = "/admin/tickets/"


def url(ticket) -> str:
    return f"/admin/tickets/{ticket.number}/"


def make(people, who="ann", subject="Invoice is wrong", queue=None, **extra) -> Ticket:
    ticket = services.ticket_create(
        requester=people[who], subject=subject, description="It says 10 €.", **extra
    )
    if queue is not None:
        Ticket.objects.filter(pk=ticket.pk).update(queue=queue)
        ticket.refresh_from_db()
    return ticket


@pytest.fixture
def desk(people_a):
    """A billing ticket (ann), a technical ticket (bob, assigned to the agent) and a solved one."""
    billing = make(people_a, subject="Invoice is wrong", queue=people_a["billing"])
    technical = make(people_a, who="bob", subject="App crashes", queue=people_a["technical"])
    services.ticket_update(ticket=technical, by=people_a["agent"], assignee=people_a["agent"])
    solved = make(people_a, who="cat", subject="Password reset", queue=people_a["technical"])
    services.ticket_update(ticket=solved, by=people_a["agent"], status=Status.SOLVED)
    return {**people_a, "inv": billing, "crash": technical, "solved": solved}


def rows(response) -> list[str]:
    """Ticket numbers of the inbox's rows, in order."""
    import re

    return re.findall(r'<tr data-ticket="(\d+)"', response.content.decode())


# --- the inbox ------------------------------------------------------------------------------------


def test_inbox_views_have_counts_and_rows(desk, in_a):
    client = client_for(in_a, desk["agent"])
    response = client.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    b, t, s = (str(desk[k].number) for k in ("inv", "crash", "solved"))
    assert set(rows(response)) == {b, t}  # "All open" by default
    # the tabs with their counts
    assert 'data-view="unassigned">Unassigned<span class="tk-count">1<' in html
    assert 'data-view="mine">Mine<span class="tk-count">1<' in html
    assert 'data-view="solved">Solved<span class="tk-count">1<' in html
    assert 'data-view="all">All<span class="tk-count">3<' in html
    assert rows(client.get(INBOX + "?view=unassigned")) == [b]
    assert rows(client.get(INBOX + "?view=mine")) == [t]
    assert rows(client.get(INBOX + "?view=solved")) == [s]
    assert set(rows(client.get(INBOX + "?view=all"))) == {b, t, s}


def test_inbox_filters_and_search(desk, in_a):
    client = client_for(in_a, desk["agent"])
    b, t = str(desk["inv"].number), str(desk["crash"].number)
    services.ticket_update(ticket=desk["inv"], by=desk["agent"], tags=["refund"], priority="high")
    assert rows(client.get(INBOX + f"?queue={desk['inv'].queue_id}")) == [b]
    assert rows(client.get(INBOX + "?priority=high")) == [b]
    assert rows(client.get(INBOX + "?tag=refund")) == [b]
    assert rows(client.get(INBOX + f"?assignee={desk['agent'].pk}")) == [t]
    assert rows(client.get(INBOX + "?assignee=none")) == [b]
    assert rows(client.get(INBOX + "?status=new")) == [b]
    assert rows(client.get(INBOX + "?q=crashes")) == [t]
    assert rows(client.get(INBOX + f"?q=%23{b}")) == [b]
    assert rows(client.get(INBOX + "?q=nothing+like+this")) == []
    # nonsense filters are ignored, never a 500
    response = client.get(INBOX + "?view=zzz&status=zzz&queue=x%27&assignee=%3Cb%3E&p=zz")
    assert response.status_code == 200 and set(rows(response)) == {b, t}


def test_inbox_shows_sla_state_in_words(desk, in_a):
    now = timezone.now()
    Ticket.objects.filter(pk=desk["inv"].pk).update(first_response_due=now - dt.timedelta(hours=1))
    Ticket.objects.filter(pk=desk["crash"].pk).update(
        first_response_due=now + dt.timedelta(minutes=20)
    )
    html = client_for(in_a, desk["agent"]).get(INBOX).content.decode()
    assert 'tk-sla--breached">Overdue<' in html
    assert 'tk-sla--near">Due soon<' in html
    overdue = client_for(in_a, desk["agent"]).get(INBOX + "?view=overdue")
    assert rows(overdue) == [str(desk["inv"].number)]


def test_inbox_query_count_does_not_grow_with_rows(desk, in_a, django_assert_max_num_queries):
    client = client_for(in_a, desk["agent"])
    client.get(INBOX)  # warm the session, settings and permission caches
    with django_assert_max_num_queries(40) as few:
        client.get(INBOX + "?view=all")
    baseline = len(few.captured_queries)
    for n in range(15):
        make(desk, who=("ann", "bob", "cat")[n % 3], subject=f"More {n}", queue=desk["technical"])
    Ticket.objects.filter(subject__startswith="More").update(assignee=desk["agent"])
    with django_assert_max_num_queries(baseline):
        response = client.get(INBOX + "?view=all")
    assert len(rows(response)) == 18


def test_bulk_actions_change_each_ticket_and_count_the_skipped(desk, in_a):
    client = client_for(in_a, desk["billing_agent"])
    b, t = desk["inv"], desk["crash"]
    response = client.post(
        INBOX, {"action": "assign_me", "ticket": [b.number, t.number], "back": "view=all"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?view=all")
    b.refresh_from_db()
    t.refresh_from_db()
    assert b.assignee == desk["billing_agent"] and b.status == Status.OPEN
    assert t.assignee == desk["agent"]  # not theirs to see: skipped
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert "1 tickets updated." in shown
    assert "1 tickets skipped: you cannot make that change to them." in shown

    client = client_for(in_a, desk["agent"])
    client.post(INBOX, {"action": "priority", "value": "urgent", "ticket": [b.number, t.number]})
    client.post(INBOX, {"action": "status", "value": "pending", "ticket": [b.number]})
    client.post(INBOX, {"action": "queue", "value": desk["technical"].pk, "ticket": [b.number]})
    client.post(INBOX, {"action": "assign", "value": desk["agent"].pk, "ticket": [b.number]})
    b.refresh_from_db()
    t.refresh_from_db()
    assert (b.priority, t.priority) == ("urgent", "urgent")
    assert b.status == Status.PENDING and b.queue == desk["technical"]
    assert b.assignee == desk["agent"]
    # a light agent changes nothing: every ticket skipped
    light = client_for(in_a, desk["light"])
    light.post(INBOX, {"action": "priority", "value": "low", "ticket": [b.number]})
    b.refresh_from_db()
    assert b.priority == "urgent"
    # no value, or a bad one: a message, nothing changed
    response = client.post(INBOX, {"action": "status", "value": "zzz", "ticket": [b.number]})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Status.PENDING


# --- who reaches the workspace --------------------------------------------------------------------


def test_customers_cannot_reach_the_workspace(desk, in_a):
    client = client_for(in_a, desk["ann"])
    for path in (INBOX, url(desk["inv"]), "/admin/tickets/reports/"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        assert "Invoice is wrong" not in response.content.decode()
    response = client.post(url(desk["inv"]), {"action": "reply", "kind": "note", "body": "x"})
    assert response.status_code in (302, 403)
    assert not Message.objects.filter(ticket=desk["inv"]).exists()


def test_billing_agent_sees_only_billing(desk, in_a):
    client = client_for(in_a, desk["billing_agent"])
    technical = desk["crash"]
    assert client.get(url(technical)).status_code == 404
    attachment_url = f"{url(technical)}files/1/"
    assert client.get(attachment_url).status_code == 404
    for view in ("unassigned", "mine", "open", "overdue", "solved", "all"):
        response = client.get(INBOX + f"?view={view}&q={technical.number}")
        assert str(technical.number) not in rows(response), view
        assert "App crashes" not in client.get(INBOX + f"?view={view}").content.decode()
    assert client.get(url(desk["inv"])).status_code == 200
    response = client.post(url(technical), {"action": "reply", "kind": "public", "body": "Hi"})
    assert response.status_code == 404
    assert not Message.objects.filter(ticket=technical).exists()


def test_light_agent_adds_notes_only(desk, in_a):
    client = client_for(in_a, desk["light"])
    ticket = desk["inv"]
    html = client.get(url(ticket)).content.decode()
    assert 'value="public"' not in html and "Public reply" not in html
    assert "Internal note: only agents see it." in html
    # a forged public reply is refused and nothing is stored
    response = client.post(url(ticket), {"action": "reply", "kind": "public", "body": "Forged"})
    assert response.status_code == 400
    assert "You can add internal notes but not reply to customers." in response.content.decode()
    assert "Forged" in response.content.decode()  # what they wrote is kept in the box
    assert not Message.objects.filter(ticket=ticket).exists()
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    client.post(url(ticket), {"action": "reply", "kind": "note", "body": "Checked the ledger"})
    note = Message.objects.get(ticket=ticket)
    assert note.internal and note.body == "Checked the ledger"
    # nor may they change properties
    client.post(url(ticket), {"action": "update", "priority": "urgent", "status": "open"})
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


# --- a ticket's page ------------------------------------------------------------------------------


def test_ticket_page_shows_header_and_conversation_with_notes_apart(desk, in_a):
    ticket = desk["inv"]
    services.ticket_reply(
        ticket=ticket, author=desk["agent"], body="Secret **note**", internal=True
    )
    services.ticket_reply(ticket=ticket, author=desk["ann"], body="Any news?")
    services.ticket_reply(ticket=ticket, author=desk["ann"], body="<script>window.x=1</script>")
    response = client_for(in_a, desk["agent"]).get(url(ticket))
    html = response.content.decode()
    assert f"#{ticket.number}" in html and "Invoice is wrong" in html
    assert "Acme" in html and "ann@acme.example" in html  # requester and organization
    assert "Portal" in html  # the channel
    assert 'data-internal="1"' in html and "<strong>note</strong>" in html
    assert html.index("Secret") < html.index("Any news?")  # oldest first
    assert 'data-event="created"' in html
    assert "<script>window.x=1" not in html  # customers' Markdown is sanitised


def test_public_reply_with_status_and_attachment(desk, in_a, celery_eager):
    ticket = desk["inv"]
    client = client_for(in_a, desk["agent"])
    upload = SimpleUploadedFile("steps.txt", b"1. open\n2. click\n", content_type="text/plain")
    response = client.post(
        url(ticket),
        {
            "action": "reply",
            "kind": "public",
            "body": "Fixed, see the file.",
            "status": "solved",
            "attachments": upload,
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(ticket=ticket)
    assert not message.internal and message.from_agent
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED and ticket.first_response_at is not None
    attachment = message.attachments.get()
    download = client.get(f"{url(ticket)}files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"1. open\n2. click\n"
    # the page links to it
    assert f"{url(ticket)}files/{attachment.pk}/" in client.get(url(ticket)).content.decode()


def test_empty_reply_is_a_message_not_a_500(desk, in_a):
    response = client_for(in_a, desk["agent"]).post(
        url(desk["inv"]), {"action": "reply", "kind": "public", "body": "  "}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Message.objects.exists()


def test_note_with_a_status_change(desk, in_a):
    ticket = desk["inv"]
    client_for(in_a, desk["agent"]).post(
        url(ticket),
        {"action": "reply", "kind": "note", "body": "Waiting on finance", "status": "on_hold"},
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD
    assert Message.objects.get(ticket=ticket).internal


def test_side_panel_updates_status_priority_queue_assignee_tags_and_fields(desk, in_a):
    kind = RequestType.objects.create(name="Billing question", queue=desk["billing"])
    CustomField.objects.create(request_type=kind, label="Order", key="order", kind=FieldKind.NUMBER)
    CustomField.objects.create(request_type=kind, label="Paid", key="paid", kind=FieldKind.CHECKBOX)
    ticket = make(desk, request_type=kind, custom_values={"order": "12"})
    client = client_for(in_a, desk["agent"])
    html = client.get(url(ticket)).content.decode()
    assert 'name="cf_order"' in html and 'name="cf_paid"' in html
    response = client.post(
        url(ticket),
        {
            "action": "update",
            "status": "open",
            "priority": "high",
            "queue": desk["technical"].pk,
            "assignee": desk["agent"].pk,
            "tags": "refund, VIP  refund",
            "fields": "1",
            "cf_order": "345",
            "cf_paid": "on",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.priority == "high"
    assert ticket.queue == desk["technical"] and ticket.assignee == desk["agent"]
    assert ticket.tags == ["refund", "vip"]
    assert ticket.custom_values == {"order": 345, "paid": True}
    kinds = set(Event.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"status", "priority", "queue", "assigned", "tags", "fields"} <= kinds
    # a bad value: a message, nothing changed
    response = client.post(
        url(ticket), {"action": "update", "fields": "1", "cf_order": "many"}, follow=True
    )
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.custom_values["order"] == 345
    # an assignee who cannot work the queue is refused
    client.post(url(ticket), {"action": "update", "assignee": desk["ann"].pk})
    ticket.refresh_from_db()
    assert ticket.assignee == desk["agent"]


def test_assign_to_me_cc_merge_and_links(desk, in_a):
    ticket, other = desk["inv"], desk["crash"]
    client = client_for(in_a, desk["agent"])
    client.post(url(ticket), {"action": "assign_me"})
    ticket.refresh_from_db()
    assert ticket.assignee == desk["agent"]
    client.post(url(ticket), {"action": "cc_add", "email": "Boss@Acme.example"})
    assert Participant.objects.filter(ticket=ticket, email="boss@acme.example").exists()
    assert "boss@acme.example" in client.get(url(ticket)).content.decode()
    client.post(url(ticket), {"action": "cc_add", "email": "not an address"})
    assert Participant.objects.filter(ticket=ticket).count() == 1
    client.post(url(ticket), {"action": "cc_remove", "email": "boss@acme.example"})
    assert not Participant.objects.filter(ticket=ticket).exists()
    # merge: an unknown number is a message; a real one folds the ticket in
    response = client.post(url(ticket), {"action": "merge", "into": "999999"}, follow=True)
    assert "There is no ticket #999999 you can see." in response.content.decode()
    response = client.post(url(ticket), {"action": "merge", "into": f"#{other.number}"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.merged_into == other and ticket.status == Status.CLOSED
    assert "This ticket was merged into" in client.get(url(ticket)).content.decode()
    # the billing agent cannot merge into a ticket they cannot see
    third = make(desk, subject="Another invoice", queue=desk["billing"])
    client_for(in_a, desk["billing_agent"]).post(
        url(third), {"action": "merge", "into": other.number}
    )
    third.refresh_from_db()
    assert third.merged_into is None


def test_links_to_other_modules(desk, in_a):
    modules = services.linkable_modules()
    if not modules:
        pytest.skip("no module offers ticket links")
    key = modules[0][0]
    client = client_for(in_a, desk["agent"])
    ticket = desk["inv"]
    html = client.get(url(ticket)).content.decode()
    assert f'<option value="{key}"' in html
    # an unknown id is a message, never a 500
    response = client.post(
        url(ticket), {"action": "link", "module": key, "object_id": "999999"}, follow=True
    )
    assert response.status_code == 200 and "There is no such item." in response.content.decode()
    response = client.post(
        url(ticket), {"action": "link", "module": "nope", "object_id": "1"}, follow=True
    )
    assert "Choose what to link to." in response.content.decode()
    assert not Link.objects.exists()


def test_canned_response_inserted_without_javascript(desk, in_a):
    canned = CannedResponse.objects.create(
        title="Thanks", body="Hello {{ requester_name }}, about #{{ ticket_number }}: on it."
    )
    ticket = desk["inv"]
    client = client_for(in_a, desk["agent"])
    html = client.get(url(ticket) + f"?canned={canned.pk}").content.decode()
    expected = f"about #{ticket.number}: on it."
    textarea = html[html.index('id="tk-body"') :]
    assert expected in textarea[: textarea.index("</textarea>")]
    # and the same text is there for the script to insert
    assert f'"{canned.pk}": "Hello' in html
    client.post(
        url(ticket),
        {
            "action": "reply",
            "kind": "public",
            "body": textarea.split(">", 1)[1].split("</textarea>")[0],
        },
    )
    assert expected in Message.objects.get(ticket=ticket).body


def test_unknown_action_and_bad_numbers(desk, in_a):
    client = client_for(in_a, desk["agent"])
    response = client.post(url(desk["inv"]), {"action": "__class__"}, follow=True)
    assert response.status_code == 200 and "Unknown action." in response.content.decode()
    assert client.get("/admin/tickets/99999999/").status_code == 404
    assert client.get(f"{url(desk['inv'])}files/99999/").status_code == 404


# --- switch and tenants ---------------------------------------------------------------------------


def test_switched_off_module_hides_menu_and_404s(desk, in_a, tenant_a):
    client = client_for(in_a, desk["agent"])
    home = client.get("/admin/").content.decode()
    assert INBOX in home
    switch_module(tenant_a, "tickets", False)
    try:
        home = client.get("/admin/").content.decode()
        assert f'"{INBOX}"' not in home and "/admin/tickets/reports/" not in home
        assert "ticket-setup" not in home
        for path in (INBOX, url(desk["inv"]), "/admin/tickets/reports/"):
            assert client.get(path).status_code == 404, path
    finally:
        switch_module(tenant_a, "tickets", True)


def test_tenant_b_admin_cannot_open_tenant_a_ticket(desk, tenant_a, tenant_b, admin_client_b):
    number = desk["inv"].number
    response = admin_client_b.get(f"/admin/tickets/{number}/")
    assert response.status_code == 404
    listing = admin_client_b.get(INBOX + "?view=all")
    assert "Invoice is wrong" not in listing.content.decode()
    with tenant_context(tenant_a):
        assert Ticket.objects.filter(number=number).exists()


# --- setup ----------------------------------------------------------------------------------------


def test_admin_sets_up_a_queue_with_groups(desk, in_a, tenant_a, admin_client_a):
    from django.contrib.auth.models import Group

    from modules.tickets import permissions

    team = Group.objects.create(name="Support team")
    response = admin_client_a.post(
        "/admin/snippets/tickets/queue/add/",
        {"name": "Shipping", "description": "", "work_groups": [team.pk], "reply_groups": []},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from modules.tickets.models import Queue
    from tests.tickets.conftest import fresh, make_staff

    shipping = Queue.objects.get(name="Shipping")
    member = make_staff("ship@alpha.example", team)
    assert shipping.pk in permissions.queue_ids(member)
    assert shipping.pk not in permissions.queue_ids(member, "tickets.reply_queue")
    edit = f"/admin/snippets/tickets/queue/edit/{shipping.pk}/"
    assert 'name="work_groups"' in admin_client_a.get(edit).content.decode()
    admin_client_a.post(
        edit, {"name": "Shipping", "description": "", "work_groups": [], "reply_groups": [team.pk]}
    )
    member = fresh(member)
    assert shipping.pk not in permissions.queue_ids(member)
    assert shipping.pk in permissions.queue_ids(member, "tickets.reply_queue")
    for path in ("requesttype", "cannedresponse", "slapolicy"):
        assert admin_client_a.get(f"/admin/snippets/tickets/{path}/").status_code == 200, path
    assert "ticket-setup" in admin_client_a.get("/admin/").content.decode()


def test_a_reply_that_came_by_email_says_so(desk, in_a):
    from modules.tickets.models import Channel

    ticket = desk["inv"]
    services.ticket_reply(
        ticket=ticket, author=desk["ann"], body="Answered from my phone", channel=Channel.EMAIL
    )
    services.ticket_reply(ticket=ticket, author=desk["ann"], body="And from the portal")
    html = client_for(in_a, desk["agent"]).get(url(ticket)).content.decode()
    email_entry = html[
        html.index("Answered from my phone") - 900 : html.index("Answered from my phone")
    ]
    portal_entry = html[html.index("And from the portal") - 900 : html.index("And from the portal")]
    assert "by email" in email_entry.split("<article")[-1]
    assert "by email" not in portal_entry.split("<article")[-1]
