"""The tickets API: customers' and agents' endpoints with the same rules as the pages, RFC 7807
errors, files as downloads, API keys, tenants kept apart, a constant number of queries per list,
and the OpenAPI schema."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from api.services import api_key_create
from modules.tickets import services
from modules.tickets.models import (
    CustomField,
    Event,
    FieldKind,
    Message,
    Participant,
    Priority,
    RequestType,
    Status,
    Ticket,
)
from tests.conftest import TenantClient, admin_of, host_of, login_on, switch_module
from tests.tickets.conftest import client_for

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
MINE = "/api/v1/tickets/"
AGENT = "/api/v1/agent/tickets/"


def post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


def upload(name: str, content: bytes, content_type: str = "text/plain") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def bug_report(people_a):
    kind = RequestType.objects.create(
        name="Bug report", slug="bug", queue=people_a["technical"], default_priority="high"
    )
    CustomField.objects.create(
        request_type=kind,
        label="Version",
        key="version",
        kind=FieldKind.CHOICE,
        choices=["1.0", "2.0"],
        required=True,
    )
    CustomField.objects.create(request_type=kind, label="Seats", key="seats", kind=FieldKind.NUMBER)
    RequestType.objects.create(name="Retired", slug="retired", active=False)
    return kind


@pytest.fixture
def tickets(people_a):
    """ann's ticket in Billing (with a public reply, an internal note and an internal file),
    bob's in Technical."""
    agent = people_a["agent"]
    invoice = services.ticket_create(
        requester=people_a["ann"], subject="Invoice is wrong", description="It says 10 €."
    )
    services.ticket_update(ticket=invoice, by=agent, queue=people_a["billing"])
    services.ticket_reply(ticket=invoice, author=agent, body="Looking into it.")
    services.ticket_reply(
        ticket=invoice,
        author=agent,
        body="Secret: customer owes us",
        internal=True,
        files=[upload("internal.txt", b"internal only")],
    )
    crash = services.ticket_create(
        requester=people_a["bob"], subject="App crashes", description="On start."
    )
    services.ticket_update(ticket=crash, by=agent, queue=people_a["technical"])
    invoice.refresh_from_db()
    crash.refresh_from_db()
    return invoice, crash


# --- customers --------------------------------------------------------------------------------


def test_customer_submits_a_ticket_with_fields_and_cc(bug_report, in_a, people_a):
    ann = client_for(in_a, people_a["ann"])
    response = post(
        ann,
        MINE,
        {
            "subject": "Crash on export",
            "description": "It **crashes**.",
            "request_type": "bug",
            "fields": {"version": "2.0", "seats": "12", "unknown": "dropped"},
            "cc": ["bob@customer.example"],
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["subject"] == "Crash on export" and created["status"] == "new"
    assert created["request_type"] == {"slug": "bug", "name": "Bug report"}
    assert created["fields"] == {"version": "2.0", "seats": 12}
    assert created["cc"] == ["bob@customer.example"]
    assert created["description_html"] == "<p>It <strong>crashes</strong>.</p>\n"
    assert created["url"].endswith(f"/tickets/{created['number']}/")
    assert created["is_mine"] is True and created["requester"]["name"] == "ann"
    assert created["rating"] is None and created["attachments"] == []
    ticket = Ticket.objects.get(number=created["number"])
    # the request type routes it and sets its priority; the API is its channel
    assert ticket.queue == people_a["technical"] and ticket.priority == "high"
    assert ticket.channel == "api"
    assert "reply_token" not in created and ticket.reply_token not in response.content.decode()
    # bob, CC'd, sees it too
    bob = client_for(in_a, people_a["bob"])
    assert bob.get(f"{MINE}{ticket.number}/").json()["is_mine"] is False


def test_request_types_lists_active_ones_with_fields(bug_report, in_a, people_a):
    response = client_for(in_a, people_a["ann"]).get(f"{MINE}request-types/")
    assert response.status_code == 200
    types = {row["slug"]: row for row in response.json()}
    assert "retired" not in types
    assert [f["key"] for f in types["bug"]["fields"]] == ["version", "seats"]
    assert types["bug"]["fields"][0] == {
        "key": "version",
        "label": "Version",
        "kind": "choice",
        "choices": ["1.0", "2.0"],
        "required": True,
        "help_text": "",
    }


def test_customer_list_filters_and_sees_only_what_the_pages_show(tickets, in_a, people_a):
    invoice, crash = tickets
    ann = client_for(in_a, people_a["ann"])
    rows = ann.get(MINE).json()["results"]
    assert [row["number"] for row in rows] == [invoice.number]
    assert "description" not in rows[0]  # a row, not the whole ticket
    # cat may see Acme's tickets; ann's is not hers
    cat = client_for(in_a, people_a["cat"])
    assert [row["number"] for row in cat.get(MINE).json()["results"]] == [invoice.number]
    assert cat.get(MINE, {"mine": "1"}).json()["results"] == []
    assert ann.get(MINE, {"status": "solved"}).json()["results"] == []
    assert len(ann.get(MINE, {"status": "open"}).json()["results"]) == 1
    assert len(ann.get(MINE, {"status": "pending"}).json()["results"]) == 1
    assert len(ann.get(MINE, {"q": "invoice"}).json()["results"]) == 1
    assert ann.get(MINE, {"q": "crashes"}).json()["results"] == []
    assert ann.get(MINE, {"q": f"#{invoice.number}"}).json()["count"] == 1
    body = problem(ann.get(MINE, {"status": "bogus"}), 400)
    assert "status" in body["errors"]
    # somebody else's ticket, by number, is not found (never "forbidden")
    problem(ann.get(f"{MINE}{crash.number}/"), 404)
    problem(ann.get(f"{MINE}{crash.number}/replies/"), 404)
    problem(post(ann, f"{MINE}{crash.number}/replies/", {"body": "hi"}), 404)
    problem(post(ann, f"{MINE}{crash.number}/close/"), 404)
    problem(ann.get(f"{MINE}999999/"), 404)
    assert not Message.objects.filter(ticket=crash).exists()


def test_anonymous_gets_401(tickets, in_a):
    invoice, _crash = tickets
    client = TenantClient(host_of(in_a))
    problem(client.get(MINE), 401)
    problem(client.get(f"{MINE}{invoice.number}/"), 401)
    problem(post(client, MINE, {"subject": "x", "description": "y"}), 401)
    problem(client.get(AGENT), 401)


def test_customer_conversation_hides_internal_notes_and_files(tickets, in_a, people_a):
    invoice, _crash = tickets
    ann = client_for(in_a, people_a["ann"])
    one = ann.get(f"{MINE}{invoice.number}/")
    assert one.status_code == 200
    assert one.json()["status"] == "pending" and one.json()["status_label"]
    replies = ann.get(f"{MINE}{invoice.number}/replies/")
    assert replies.status_code == 200
    rows = replies.json()["results"]
    assert [row["body"] for row in rows] == ["Looking into it."]
    assert rows[0]["from_agent"] is True and rows[0]["author"]["staff"] is True
    assert "internal" not in rows[0]
    for response in (one, replies, ann.get(f"{MINE}{invoice.number}/attachments/")):
        text = response.content.decode()
        assert "Secret" not in text and "internal.txt" not in text
        assert invoice.reply_token not in text and "reply_token" not in text
    internal_file = invoice.attachments.get(internal=True)
    problem(ann.get(f"{MINE}{invoice.number}/attachments/{internal_file.pk}/"), 404)

    response = post(ann, f"{MINE}{invoice.number}/replies/", {"body": "Still **wrong**"})
    assert response.status_code == 201, response.content
    assert response.json()["body_html"] == "<p>Still <strong>wrong</strong></p>\n"
    invoice.refresh_from_db()
    assert invoice.status == Status.OPEN  # the customer answered: open again
    body = problem(post(ann, f"{MINE}{invoice.number}/replies/", {"body": "  "}), 400)
    assert "body" in body["errors"]


def test_customer_uploads_and_downloads_files(tickets, in_a, people_a):
    invoice, crash = tickets
    ann = client_for(in_a, people_a["ann"])
    url = f"{MINE}{invoice.number}/attachments/"
    response = ann.post(
        url,
        {"file": [upload("receipt.txt", b"total: 10"), upload("log.csv", b"a,b\n1,2\n")]},
    )
    assert response.status_code == 201, response.content
    message = response.json()
    assert message["body"] == "Attached: receipt.txt, log.csv"
    assert [a["filename"] for a in message["attachments"]] == ["receipt.txt", "log.csv"]
    download_url = message["attachments"][0]["download_url"]
    assert download_url.endswith(
        f"{MINE}{invoice.number}/attachments/{message['attachments'][0]['id']}/"
    )
    # with a text of its own
    response = ann.post(url, {"file": upload("b.txt", b"second"), "body": "Here you go"})
    assert response.status_code == 201 and response.json()["body"] == "Here you go"

    listed = ann.get(url).json()
    assert [a["filename"] for a in listed] == ["receipt.txt", "log.csv", "b.txt"]
    download = ann.get(download_url, HTTP_ACCEPT="text/plain")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"total: 10"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "receipt.txt" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"].startswith("text/plain")

    # a file of another ticket, through this ticket's number: not found
    with tenant_context(in_a):
        other = services.ticket_reply(
            ticket=crash,
            author=people_a["bob"],
            body="screenshot",
            files=[upload("bob.txt", b"bob's")],
        ).attachments.get()
    problem(ann.get(f"{MINE}{invoice.number}/attachments/{other.pk}/"), 404)
    problem(ann.get(f"{MINE}{crash.number}/attachments/{other.pk}/"), 404)

    # refused content is a 400 naming the field; nothing is stored
    count = Message.objects.filter(ticket=invoice).count()
    html = upload("harmless.txt", b"<html><script>alert(1)</script></html>")
    body = problem(ann.post(url, {"file": html}), 400)
    assert "attachments" in body["errors"]
    body = problem(ann.post(url, {"body": "no file"}), 400)
    assert "file" in body["errors"]
    # multipart only where files go; elsewhere JSON
    problem(post(ann, url, {"file": "x"}), 415)
    problem(ann.post(f"{MINE}{invoice.number}/replies/", {"body": "form"}), 415)
    assert Message.objects.filter(ticket=invoice).count() == count


def test_customer_closes_rates_reopens_and_ccs(tickets, in_a, people_a):
    invoice, _crash = tickets
    ann = client_for(in_a, people_a["ann"])
    base = f"{MINE}{invoice.number}/"
    body = problem(post(ann, f"{base}rate/", {"rating": "good"}), 400)  # not solved yet
    assert body["errors"]["non_field_errors"]
    response = post(ann, f"{base}close/")
    assert response.status_code == 200 and response.json()["status"] == "solved"
    body = problem(post(ann, f"{base}close/"), 400)
    body = problem(post(ann, f"{base}rate/", {"rating": "excellent"}), 400)
    assert "rating" in body["errors"]
    # cat sees the ticket but did not ask: only ann rates
    problem(post(client_for(in_a, people_a["cat"]), f"{base}rate/", {"rating": "bad"}), 403)
    response = post(ann, f"{base}rate/", {"rating": "good", "comment": "Quick!"})
    assert response.status_code == 200
    assert (response.json()["rating"], response.json()["rating_comment"]) == ("good", "Quick!")
    response = post(ann, f"{base}reopen/")
    assert response.status_code == 200 and response.json()["status"] == "open"
    problem(post(ann, f"{base}reopen/"), 400)

    response = post(ann, f"{base}cc/", {"email": "Someone@Else.example"})
    assert response.status_code == 200 and response.json() == {"cc": ["someone@else.example"]}
    problem(post(ann, f"{base}cc/", {"email": "not an address"}), 400)
    response = ann.delete(
        f"{base}cc/", {"email": "someone@else.example"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json() == {"cc": []}
    assert Event.objects.filter(ticket=invoice, kind=Event.Kind.CC).count() == 2
    assert not Participant.objects.filter(ticket=invoice).exists()


def test_bad_input_is_a_problem_document_with_field_errors(bug_report, in_a, people_a):
    ann = client_for(in_a, people_a["ann"])
    body = problem(post(ann, MINE, {"description": "No subject"}), 400)
    assert body["type"].endswith("/validation-error") and "subject" in body["errors"]
    body = problem(
        post(
            ann,
            MINE,
            {
                "subject": "x",
                "description": "y",
                "request_type": "bug",
                "fields": {"version": "9.9", "seats": "many"},
            },
        ),
        400,
    )
    assert set(body["errors"]["fields"]) == {"version", "seats"}
    body = problem(
        post(ann, MINE, {"subject": "x", "description": "y", "request_type": "bug"}), 400
    )
    assert "version" in body["errors"]["fields"]  # required
    for payload in (
        {"subject": "x", "description": "y", "request_type": "retired"},
        {"subject": "x", "description": "y", "request_type": "nope"},
        {"subject": "x" * 300, "description": "y"},
        {"subject": "x", "description": "y", "cc": ["nope"]},
        {"subject": "x", "description": "y", "fields": ["a"]},
        [],
    ):
        problem(post(ann, MINE, payload), 400)
    problem(ann.post(MINE, "{not json", content_type="application/json"), 400)
    assert not Ticket.objects.exists()


def test_unverified_customers_cannot_submit(in_a, people_a):
    from tests.conftest import make_customer

    client = client_for(in_a, make_customer("new@x.example", verified=False))
    body = problem(post(client, MINE, {"subject": "x", "description": "y"}), 403)
    assert "Verify" in body["detail"]


# --- agents -------------------------------------------------------------------------------------


def test_agent_inbox_views_and_filters(tickets, in_a, people_a):
    invoice, crash = tickets
    services.ticket_update(
        ticket=crash, by=people_a["agent"], assignee=people_a["agent"], tags=["crash", "ios"]
    )
    agent = client_for(in_a, people_a["agent"])

    def numbers(**params):
        response = agent.get(AGENT, params)
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["results"]]

    assert set(numbers()) == {invoice.number, crash.number}
    assert numbers(view="mine") == [crash.number]
    assert numbers(view="unassigned") == [invoice.number]
    assert numbers(view="solved") == [] and numbers(view="overdue") == []
    assert set(numbers(view="all")) == {invoice.number, crash.number}
    assert numbers(status="pending") == [invoice.number]
    assert numbers(queue=str(people_a["billing"].pk)) == [invoice.number]
    assert numbers(assignee=str(people_a["agent"].pk)) == [crash.number]
    assert numbers(assignee="none") == [invoice.number]
    assert numbers(tag="ios") == [crash.number]
    assert numbers(priority="urgent") == []
    assert numbers(q="invoice") == [invoice.number]
    row = agent.get(AGENT, {"tag": "ios"}).json()["results"][0]
    assert row["queue"] == {"id": people_a["technical"].pk, "name": "Technical"}
    assert row["assignee"]["id"] == people_a["agent"].pk
    assert row["requester"] == {
        "id": people_a["bob"].pk,
        "name": "bob",
        "email": "bob@customer.example",
    }
    assert row["sla_state"] in ("ok", "near") and row["tags"] == ["crash", "ios"]
    for bad in ({"view": "everything"}, {"status": "x"}, {"priority": "x"}, {"queue": "x"}):
        body = problem(agent.get(AGENT, bad), 400)
        assert set(body["errors"]) == set(bad)


def test_agent_ticket_has_notes_files_and_history(tickets, in_a, people_a):
    invoice, _crash = tickets
    agent = client_for(in_a, people_a["agent"])
    response = agent.get(f"{AGENT}{invoice.number}/")
    assert response.status_code == 200
    ticket = response.json()
    assert [(m["body"], m["internal"]) for m in ticket["messages"]] == [
        ("Looking into it.", False),
        ("Secret: customer owes us", True),
    ]
    note_file = ticket["messages"][1]["attachments"][0]
    assert note_file["internal"] is True and note_file["filename"] == "internal.txt"
    assert note_file["download_url"].endswith(
        f"{AGENT}{invoice.number}/attachments/{note_file['id']}/"
    )
    kinds = [event["kind"] for event in ticket["events"]]
    assert kinds[0] == "created" and "queue" in kinds and "status" in kinds
    assert "reply_token" not in ticket and invoice.reply_token not in response.content.decode()
    download = agent.get(note_file["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"internal only"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_agent_changes_assigns_notes_and_replies(tickets, bug_report, in_a, people_a):
    invoice, _crash = tickets
    agent = client_for(in_a, people_a["agent"])
    url = f"{AGENT}{invoice.number}/"
    response = patch(
        agent,
        url,
        {
            "status": "on_hold",
            "priority": "urgent",
            "queue": people_a["technical"].pk,
            "tags": ["VIP", "refund"],
        },
    )
    assert response.status_code == 200, response.content
    changed = response.json()
    assert (changed["status"], changed["priority"]) == ("on_hold", "urgent")
    assert changed["queue"]["name"] == "Technical" and changed["tags"] == ["vip", "refund"]
    invoice.refresh_from_db()
    assert invoice.priority == Priority.URGENT and invoice.queue == people_a["technical"]
    kinds = set(Event.objects.filter(ticket=invoice).values_list("kind", flat=True))
    assert {"status", "priority", "queue", "tags"} <= kinds

    # field answers of the ticket's request type
    Ticket.objects.filter(pk=invoice.pk).update(request_type=bug_report)
    response = patch(agent, url, {"fields": {"seats": "3"}})
    assert response.status_code == 200 and response.json()["fields"] == {"seats": 3}
    body = problem(patch(agent, url, {"fields": {"version": "7"}}), 400)
    assert "version" in body["errors"]["fields"]
    for bad in ({"status": "done"}, {"priority": "asap"}, {"queue": 99999}, {"tags": "x"}):
        body = problem(patch(agent, url, bad), 400)
        assert set(body["errors"]) == set(bad), bad
    problem(agent.put(url, {"status": "open"}, content_type="application/json"), 405)

    response = post(agent, f"{url}assign/", {"assignee": people_a["agent"].pk})
    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == people_a["agent"].pk
    # billing_agent works only Billing: not assignable to a Technical ticket
    body = problem(post(agent, f"{url}assign/", {"assignee": people_a["billing_agent"].pk}), 400)
    assert "assignee" in body["errors"]
    response = post(agent, f"{url}assign/", {"assignee": None})
    assert response.status_code == 200 and response.json()["assignee"] is None

    response = post(agent, f"{url}notes/", {"body": "Call them"})
    assert response.status_code == 201 and response.json()["internal"] is True
    response = post(agent, f"{url}replies/", {"body": "Refunded.", "status": "solved"})
    assert response.status_code == 201, response.content
    assert response.json()["internal"] is False and response.json()["from_agent"] is True
    invoice.refresh_from_db()
    assert invoice.status == Status.SOLVED
    bodies = [
        m["body"]
        for m in client_for(in_a, people_a["ann"])
        .get(f"{MINE}{invoice.number}/replies/")
        .json()["results"]
    ]
    assert "Refunded." in bodies and "Call them" not in bodies


def test_light_agent_notes_but_a_public_reply_is_403_and_stores_nothing(tickets, in_a, people_a):
    invoice, _crash = tickets
    light = client_for(in_a, people_a["light"])
    count = Message.objects.filter(ticket=invoice).count()
    body = problem(post(light, f"{AGENT}{invoice.number}/replies/", {"body": "Hello"}), 403)
    assert "internal notes" in body["detail"]
    assert Message.objects.filter(ticket=invoice).count() == count
    problem(patch(light, f"{AGENT}{invoice.number}/", {"status": "solved"}), 403)
    response = post(light, f"{AGENT}{invoice.number}/notes/", {"body": "FYI"})
    assert response.status_code == 201
    assert Message.objects.filter(ticket=invoice).count() == count + 1


def test_billing_agent_sees_only_billing(tickets, in_a, people_a):
    invoice, crash = tickets
    client = client_for(in_a, people_a["billing_agent"])
    for view in selectors_views():
        rows = client.get(AGENT, {"view": view}).json()["results"]
        assert crash.number not in [row["number"] for row in rows], view
    assert [row["number"] for row in client.get(AGENT).json()["results"]] == [invoice.number]
    assert client.get(AGENT, {"queue": str(people_a["technical"].pk)}).json()["results"] == []
    assert client.get(f"{AGENT}{invoice.number}/").status_code == 200
    problem(client.get(f"{AGENT}{crash.number}/"), 404)
    problem(post(client, f"{AGENT}{crash.number}/notes/", {"body": "x"}), 404)
    problem(patch(client, f"{AGENT}{crash.number}/", {"status": "solved"}), 404)
    file_id = invoice.attachments.get(internal=True).pk
    problem(client.get(f"{AGENT}{crash.number}/attachments/{file_id}/"), 404)
    assert not Message.objects.filter(ticket=crash).exists()


def selectors_views():
    from modules.tickets.selectors import AGENT_VIEWS

    return AGENT_VIEWS


def test_customers_are_not_agents(tickets, in_a, people_a):
    invoice, _crash = tickets
    ann = client_for(in_a, people_a["ann"])  # ann asked it, but is no agent
    problem(ann.get(AGENT), 403)
    problem(ann.get(f"{AGENT}{invoice.number}/"), 403)
    problem(post(ann, f"{AGENT}{invoice.number}/notes/", {"body": "x"}), 403)
    assert not Message.objects.filter(ticket=invoice, author=people_a["ann"]).exists()


def test_api_keys_act_with_their_owners_rights(tickets, in_a, people_a):
    invoice, crash = tickets
    _key, agent_token = api_key_create(user=people_a["agent"], name="crm")
    _key, billing_token = api_key_create(user=people_a["billing_agent"], name="billing")
    _key, light_token = api_key_create(user=people_a["light"], name="light")

    def keyed(token):
        return TenantClient(host_of(in_a), HTTP_AUTHORIZATION=f"Api-Key {token}")

    agent = keyed(agent_token)
    assert {row["number"] for row in agent.get(AGENT).json()["results"]} == {
        invoice.number,
        crash.number,
    }
    response = patch(agent, f"{AGENT}{crash.number}/", {"priority": "low"})
    assert response.status_code == 200 and response.json()["priority"] == "low"
    response = post(agent, f"{AGENT}{crash.number}/replies/", {"body": "By key"})
    assert response.status_code == 201
    billing = keyed(billing_token)
    assert [row["number"] for row in billing.get(AGENT).json()["results"]] == [invoice.number]
    problem(billing.get(f"{AGENT}{crash.number}/"), 404)
    count = Message.objects.filter(ticket=invoice).count()
    problem(post(keyed(light_token), f"{AGENT}{invoice.number}/replies/", {"body": "x"}), 403)
    assert Message.objects.filter(ticket=invoice).count() == count


def test_module_switched_off_is_404(tickets, in_a, people_a):
    invoice, _crash = tickets
    switch_module(in_a, "tickets", False)
    ann = client_for(in_a, people_a["ann"])
    agent = client_for(in_a, people_a["agent"])
    for client, method, url in (
        (ann, "get", MINE),
        (ann, "get", f"{MINE}{invoice.number}/"),
        (ann, "get", f"{MINE}request-types/"),
        (ann, "post", f"{MINE}{invoice.number}/replies/"),
        (agent, "get", AGENT),
        (agent, "get", f"{AGENT}{invoice.number}/"),
        (agent, "post", f"{AGENT}{invoice.number}/notes/"),
    ):
        response = getattr(client, method)(url, {"body": "x"}, content_type="application/json")
        problem(response, 404)
    switch_module(in_a, "tickets", True)
    assert ann.get(f"{MINE}{invoice.number}/").status_code == 200


def test_tenant_b_cannot_read_tenant_a_tickets(tickets, tenant_a, tenant_b, people_a):
    invoice, _crash = tickets
    number = invoice.number
    with tenant_context(tenant_b):
        admin_b = admin_of(tenant_b)
        _key, token_b = api_key_create(user=admin_b, name="b")
        assert not Ticket.objects.filter(number=number).exists()
    _key, token_a = api_key_create(user=people_a["agent"], name="a")
    # B's admin, signed in on B, asks B's API for A's ticket number: B has no such ticket
    on_b = login_on(TenantClient(host_of(tenant_b)), tenant_b, admin_b)
    problem(on_b.get(f"{AGENT}{number}/"), 404)
    problem(on_b.get(f"{MINE}{number}/"), 404)
    assert on_b.get(AGENT).json()["results"] == []
    # B's key on A's host is unknown there; A's key on B's host too
    b_key_on_a = TenantClient(host_of(tenant_a), HTTP_AUTHORIZATION=f"Api-Key {token_b}")
    problem(b_key_on_a.get(f"{AGENT}{number}/"), 401)
    a_key_on_b = TenantClient(host_of(tenant_b), HTTP_AUTHORIZATION=f"Api-Key {token_a}")
    problem(a_key_on_b.get(f"{AGENT}{number}/"), 401)
    # A's agent's session cookie replayed on B's host is no session there
    cookie = client_for(tenant_a, people_a["agent"]).cookies["sessionid"].value
    replay = TenantClient(host_of(tenant_b))
    replay.cookies["sessionid"] = cookie
    response = replay.get(f"{AGENT}{number}/")
    assert response.status_code in (401, 403)
    assert "Invoice" not in response.content.decode()


def test_writes_are_throttled(tickets, in_a, people_a, settings):
    invoice, _crash = tickets
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "tickets_write": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ann = client_for(in_a, people_a["ann"])
    url = f"{MINE}{invoice.number}/replies/"
    codes = [post(ann, url, {"body": f"n{n}"}).status_code for n in range(3)]
    assert codes == [201, 201, 429]
    assert ann.get(url).status_code == 200  # reading is not a write


# --- cost and documentation ----------------------------------------------------------------------


def _many_tickets(people_a, count: int) -> None:
    agent = people_a["agent"]
    requesters = [people_a["ann"], people_a["cat"]]
    for n in range(count):
        ticket = services.ticket_create(
            requester=requesters[n % 2], subject=f"Question {n}", description="?"
        )
        services.ticket_update(
            ticket=ticket,
            by=agent,
            queue=people_a["billing"],
            assignee=agent if n % 3 else None,
            tags=["bulk"],
        )


def test_lists_take_the_same_queries_for_many_rows(in_a, people_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_tickets(people_a, 2)
    cat = client_for(in_a, people_a["cat"])
    agent = client_for(in_a, people_a["agent"])
    counts = {}
    for name, client, url in (("customer", cat, MINE), ("agent", agent, AGENT)):
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(url).json()["results"]) == 2
        counts[name] = len(captured.captured_queries)
    _many_tickets(people_a, 30)
    with django_assert_max_num_queries(counts["customer"]):
        assert len(cat.get(MINE, {"page_size": 50}).json()["results"]) == 32
    with django_assert_max_num_queries(counts["agent"]):
        assert len(agent.get(AGENT, {"page_size": 50}).json()["results"]) == 32
    with django_assert_max_num_queries(12):
        agent.get(AGENT, {"page_size": 50})


def _schema_and_warnings(*, with_tickets: bool) -> tuple[dict, set[str]]:
    """The portal hosts' OpenAPI schema and the generator's warnings and errors, with or without
    the tickets routes (other modules' warnings are theirs)."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    from api import urls as api_urls

    patterns = api_urls.urlpatterns
    if not with_tickets:
        routes = [
            route
            for route in api_urls.router.urls
            if not (route.name or "").startswith(("ticket-", "agent-ticket-"))
        ]
        patterns = [*patterns[:-1], path("", include(routes))]
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(
        patterns=[path("api/v1/", include((patterns, "api"), namespace="api"))]
    )
    with GENERATOR_STATS.silence():
        schema = generator.get_schema(request=None, public=True)
    found = {*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache}
    GENERATOR_STATS.reset()
    return schema, found


def test_openapi_documents_the_tickets_paths_without_warnings(in_a):
    from drf_spectacular.validation import validate_schema

    without, before = _schema_and_warnings(with_tickets=False)
    schema, after = _schema_and_warnings(with_tickets=True)
    assert after - before == set()
    assert "/api/v1/tickets/" not in without["paths"]
    validate_schema(schema)
    paths = schema["paths"]
    for path, methods in (
        ("/api/v1/tickets/", {"get", "post"}),
        ("/api/v1/tickets/request-types/", {"get"}),
        ("/api/v1/tickets/{number}/", {"get"}),
        ("/api/v1/tickets/{number}/replies/", {"get", "post"}),
        ("/api/v1/tickets/{number}/attachments/", {"get", "post"}),
        ("/api/v1/tickets/{number}/attachments/{attachment_id}/", {"get"}),
        ("/api/v1/tickets/{number}/rate/", {"post"}),
        ("/api/v1/tickets/{number}/close/", {"post"}),
        ("/api/v1/tickets/{number}/reopen/", {"post"}),
        ("/api/v1/tickets/{number}/cc/", {"post", "delete"}),
        ("/api/v1/agent/tickets/", {"get"}),
        ("/api/v1/agent/tickets/{number}/", {"get", "patch"}),
        ("/api/v1/agent/tickets/{number}/assign/", {"post"}),
        ("/api/v1/agent/tickets/{number}/notes/", {"post"}),
        ("/api/v1/agent/tickets/{number}/replies/", {"post"}),
        ("/api/v1/agent/tickets/{number}/attachments/{attachment_id}/", {"get"}),
    ):
        assert path in paths, path
        assert methods <= set(paths[path]), path
    upload_body = paths["/api/v1/tickets/{number}/attachments/"]["post"]["requestBody"]
    assert list(upload_body["content"]) == ["multipart/form-data"]
    text = json.dumps(schema)
    assert "reply_token" not in text
    # and it is served
    client = TenantClient(host_of(in_a))
    served = client.get("/api/v1/schema/", {"format": "json"})
    assert served.status_code == 200 and "/api/v1/agent/tickets/" in served.json()["paths"]
