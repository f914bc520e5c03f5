"""The customers' ticket pages as people use them: My requests with its filters, submitting (with
a request type's questions, attachments and CC), "Ask once" suggestions, a ticket's page with
reply, solve, reopen, rating and CC, attachment downloads, guests through their signed link;
every page as the right and the wrong person, and gone while the module is switched off."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from modules.accounts.models import OutboxEmail
from modules.tickets import services
from modules.tickets.models import (
    CustomField,
    FieldKind,
    RequestType,
    Status,
    Suggestion,
    Ticket,
    TicketSettings,
)
from tests.conftest import TenantClient, host_of, make_customer, switch_module
from tests.payloads import PAYLOADS
from tests.tickets.conftest import client_for

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def tickets_a(tenant_a, people_a):
    """ann's ticket with a screenshot (Acme: cat may see it, bob may not), bob's own ticket."""
    with tenant_context(tenant_a):
        ann_ticket = services.ticket_create(
            requester=people_a["ann"],
            subject="Invoice total is wrong",
            description="It says **10 €**.",
            files=[SimpleUploadedFile("shot.png", PNG)],
        )
        bob_ticket = services.ticket_create(
            requester=people_a["bob"], subject="Password reset mail", description="Never came."
        )
    return {
        "ann": ann_ticket,
        "bob": bob_ticket,
        "shot": ann_ticket.attachments.get(),
    }


@pytest.fixture
def bug_type(tenant_a, people_a):
    with tenant_context(tenant_a):
        kind = RequestType.objects.create(
            name="Bug report", slug="bug", queue=people_a["technical"]
        )
        CustomField.objects.create(
            request_type=kind,
            label="App version",
            key="version",
            kind=FieldKind.NUMBER,
            required=True,
        )
        CustomField.objects.create(
            request_type=kind,
            label="Platform",
            key="platform",
            kind=FieldKind.CHOICE,
            choices=["iOS", "Android"],
        )
        CustomField.objects.create(
            request_type=kind, label="Since", key="since", kind=FieldKind.DATE
        )
        CustomField.objects.create(
            request_type=kind, label="Blocks my work", key="blocking", kind=FieldKind.CHECKBOX
        )
        CustomField.objects.create(
            request_type=kind, label="Steps", key="steps", kind=FieldKind.TEXT
        )
    return kind


def _page(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.content.decode()


# --- My requests -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(tenant_a, tickets_a, client_a):
    for url in ("/tickets/", f"/tickets/{tickets_a['ann'].number}/", "/tickets/new/"):
        response = client_a.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/?next=")


def test_my_requests_lists_only_what_the_customer_may_see(tenant_a, people_a, tickets_a):
    ann, bob = tickets_a["ann"], tickets_a["bob"]
    response, body = _page(client_for(tenant_a, people_a["ann"]), "/tickets/")
    assert response.status_code == 200
    assert f"#{ann.number}" in body and "Invoice total is wrong" in body
    assert "Password reset mail" not in body
    assert "Awaiting" not in body and "New" in body  # the status badge
    # bob sees his own only
    body = _page(client_for(tenant_a, people_a["bob"]), "/tickets/")[1]
    assert "Password reset mail" in body and "Invoice total" not in body
    assert f"#{bob.number}" in body


def test_organization_members_who_may_see_it_choose_mine_or_organization(
    tenant_a, people_a, tickets_a
):
    cat = client_for(tenant_a, people_a["cat"])
    body = _page(cat, "/tickets/")[1]
    assert "Only mine" in body
    assert "Invoice total is wrong" not in body  # "only mine" first
    body = _page(cat, "/tickets/?scope=organization")[1]
    assert "Invoice total is wrong" in body and "asked by ann" in body
    assert cat.get(f"/tickets/{tickets_a['ann'].number}/").status_code == 200
    # ann may not see Acme's tickets: no choice offered, and a forced scope shows only hers
    with tenant_context(tenant_a):
        cats = services.ticket_create(
            requester=people_a["cat"], subject="Cat's own question", description="?"
        )
    ann = client_for(tenant_a, people_a["ann"])
    body = _page(ann, "/tickets/?scope=organization")[1]
    assert "Only mine" not in body and "Cat&#x27;s own question" not in body
    assert ann.get(f"/tickets/{cats.number}/").status_code == 404


def test_filters_search_and_empty_states(tenant_a, people_a, tickets_a):
    ann = client_for(tenant_a, people_a["ann"])
    number = tickets_a["ann"].number
    with tenant_context(tenant_a):
        done = services.ticket_create(
            requester=people_a["ann"], subject="Old delivery question", description="Where?"
        )
        services.ticket_customer_close(ticket=done, user=people_a["ann"])
    body = _page(ann, "/tickets/?status=open")[1]
    assert "Invoice total" in body and "Old delivery" not in body
    body = _page(ann, "/tickets/?status=solved")[1]
    assert "Old delivery" in body and "Invoice total" not in body
    assert "Invoice total" in _page(ann, f"/tickets/?q={number}")[1]
    assert "Invoice total" in _page(ann, "/tickets/?q=%23" + str(number))[1]
    body = _page(ann, "/tickets/?q=delivery")[1]
    assert "Old delivery" in body and "Invoice total" not in body
    body = _page(ann, "/tickets/?q=nothing+like+this")[1]
    assert "No requests match" in body
    response = ann.get("/tickets/?status=zzz&scope=%27&page=-4")
    assert response.status_code == 200
    fresh = client_for(tenant_a, _new_customer(tenant_a, "dan@customer.example"))
    body = _page(fresh, "/tickets/")[1]
    assert "You have no requests yet" in body and 'href="/tickets/new/"' in body


def _new_customer(tenant, email, **extra):
    with tenant_context(tenant):
        return make_customer(email, **extra)


def test_my_requests_pages_through_many(tenant_a, people_a, django_assert_max_num_queries):
    with tenant_context(tenant_a):
        for n in range(45):
            services.ticket_create(
                requester=people_a["bob"], subject=f"Question {n}", description="x"
            )
    bob = client_for(tenant_a, people_a["bob"])
    bob.get("/tickets/")
    with django_assert_max_num_queries(14):
        body = _page(bob, "/tickets/?page=2")[1]
    assert "Page 2 of 3" in body and "Question 24" in body and "Question 44" not in body


# --- submitting ------------------------------------------------------------------------------


def test_submit_with_type_fields_files_and_cc(tenant_a, people_a, bug_type):
    ann = client_for(tenant_a, people_a["ann"])
    response, body = _page(ann, "/tickets/new/?type=bug")
    assert response.status_code == 200
    assert "App version" in body and "Platform" in body and 'type="date"' in body
    assert 'name="attachments"' in body and "multiple" in body and "10 MB" in body
    response = ann.post(
        "/tickets/new/",
        {
            "subject": "App crashes",
            "description": "When I *open* it.",
            "request_type": "bug",
            "field_version": "4.2",
            "field_platform": "iOS",
            "field_since": "2026-01-31",
            "field_blocking": "on",
            "cc": "boss@acme.example, bob@customer.example",
            "attachments": [
                SimpleUploadedFile("a.png", PNG),
                SimpleUploadedFile("notes.txt", b"steps"),
            ],
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        ticket = Ticket.objects.get(subject="App crashes")
        assert response["Location"] == ticket.get_absolute_url()
        assert ticket.requester == people_a["ann"] and ticket.queue == people_a["technical"]
        assert ticket.custom_values == {
            "version": 4.2,
            "platform": "iOS",
            "since": "2026-01-31",
            "blocking": True,
        }
        assert sorted(ticket.participants.values_list("email", flat=True)) == [
            "bob@customer.example",
            "boss@acme.example",
        ]
        assert sorted(a.filename for a in ticket.attachments.all()) == ["a.png", "notes.txt"]
    body = _page(ann, ticket.get_absolute_url())[1]
    assert "App version" in body and "4.2" in body and "Blocks my work" in body
    assert "received your request" in body
    # bob, CC'd, sees it too
    assert client_for(tenant_a, people_a["bob"]).get(ticket.get_absolute_url()).status_code == 200


def test_form_errors_store_nothing(tenant_a, people_a, bug_type):
    ann = client_for(tenant_a, people_a["ann"])
    base = {"subject": "Broken", "description": "Help", "request_type": "bug"}
    cases = [
        ({**base, "subject": "", "field_version": "1"}, "This field is required."),
        ({**base, "field_version": "four"}, "Enter a number."),
        ({**base}, "This field is required."),  # the version is required
        ({**base, "field_version": "1", "field_platform": "Windows"}, "Choose one of the"),
        ({**base, "field_version": "1", "field_since": "31/01/2026"}, "YYYY-MM-DD"),
        ({**base, "field_version": "1", "cc": "not-an-address"}, "is not an email address"),
        (
            {
                **base,
                "field_version": "1",
                "attachments": [SimpleUploadedFile("x.png", b"<html><script>x</script>")],
            },
            "",
        ),
    ]
    for data, text in cases:
        response = ann.post("/tickets/new/", data)
        assert response.status_code == 400, data
        body = response.content.decode()
        assert text in body
        assert 'class="errorlist' in body
        assert 'value="Broken"' in body or not data["subject"]  # typed text is kept
    with tenant_context(tenant_a):
        assert not Ticket.objects.exists()


def test_disallowed_file_type_is_explained_beside_the_attachments(tenant_a, people_a):
    ann = client_for(tenant_a, people_a["ann"])
    response = ann.post(
        "/tickets/new/",
        {
            "subject": "See file",
            "description": "Attached",
            "attachments": [SimpleUploadedFile("page.png", b"<html><script>x</script></html>")],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    field = body[body.index('for="id_attachments"') :]
    field = field[: field.index("</div>")]
    assert "errorlist" in field
    with tenant_context(tenant_a):
        assert not Ticket.objects.exists()


def test_switching_request_type_without_javascript_keeps_the_text(tenant_a, people_a, bug_type):
    ann = client_for(tenant_a, people_a["ann"])
    response = ann.post(
        "/tickets/new/",
        {
            "subject": "Crash on start",
            "description": "Details",
            "request_type": "bug",
            "show_type": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Crash on start"' in body and "Details" in body
    assert 'class="errorlist' not in body
    bug_fields = body[body.index('data-type="bug"') :]
    assert bug_fields.index("App version") < bug_fields.index("</fieldset>")
    assert (
        "hidden disabled"
        not in body[body.index('data-type="bug"') - 80 : body.index('data-type="bug"') + 40]
    )
    with tenant_context(tenant_a):
        assert not Ticket.objects.exists()


def test_unverified_customers_are_told_to_verify(tenant_a, people_a):
    dan = _new_customer(tenant_a, "dan@customer.example", verified=False)
    client = client_for(tenant_a, dan)
    response = client.get("/tickets/new/")
    assert response.status_code == 403
    assert "verify your email address" in response.content.decode()
    response = client.post("/tickets/new/", {"subject": "x", "description": "y"})
    assert response.status_code == 403
    with tenant_context(tenant_a):
        assert not Ticket.objects.exists()


def test_submitting_is_throttled(tenant_a, people_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "tickets_write": "2/minute",
        },
    }
    ann = client_for(tenant_a, people_a["ann"])
    codes = [
        ann.post("/tickets/new/", {"subject": f"Q{n}", "description": "x"}).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    with tenant_context(tenant_a):
        assert Ticket.objects.count() == 2


# --- guests ------------------------------------------------------------------------------------


def _allow_guests(tenant, on=True):
    with tenant_context(tenant):
        row = TicketSettings.load()
        row.guests_can_submit = on
        row.save()


def test_guests_sign_in_unless_the_portal_takes_guest_requests(tenant_a, people_a, client_a):
    response = client_a.post(
        "/tickets/new/", {"subject": "x", "description": "y", "email": "g@example.org"}
    )
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    with tenant_context(tenant_a):
        assert not Ticket.objects.exists()


def test_guest_submits_gets_a_link_and_uses_it(tenant_a, people_a, client_a):
    _allow_guests(tenant_a)
    body = _page(client_a, "/tickets/new/")[1]
    assert "Your email address" in body
    response = client_a.post(
        "/tickets/new/",
        {
            "subject": "Guest question",
            "description": "Do you ship to Mars?",
            "email": "Gus@Example.org",
            "name": "Gus",
            "attachments": [SimpleUploadedFile("map.png", PNG)],
        },
    )
    assert response.status_code == 200
    assert "emailed a link" in response.content.decode()
    with tenant_context(tenant_a):
        ticket = Ticket.objects.get(subject="Guest question")
        email = OutboxEmail.objects.get(to_email="gus@example.org")
        shot = ticket.attachments.get()
    link = re.search(r"/tickets/guest/[^\s\"<>]+/", email.body_text).group(0)
    response, body = _page(client_a, link)
    assert response.status_code == 200
    assert "Guest question" in body and "Do you ship to Mars?" in body
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "My requests" not in body  # nothing for a signed-in customer on a guest's page
    # reply, CC, download, solve, rate, reopen: all through the link
    response = client_a.post(link + "reply/", {"body": "Also to the Moon?"})
    assert response.status_code == 302 and response["Location"] == link
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Also to the Moon?" in _page(client_a, link)[1]
    client_a.post(link + "cc/", {"email": "friend@example.org"})
    cc_row = 'class="ticket-cc__email">friend@example.org<'
    assert cc_row in _page(client_a, link)[1]
    client_a.post(link + "cc/", {"remove": "friend@example.org"})
    assert cc_row not in _page(client_a, link)[1]
    download = client_a.get(f"{link}files/{shot.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["Referrer-Policy"] == "no-referrer"
    assert b"".join(download.streaming_content) == PNG
    client_a.post(link + "close/")
    with tenant_context(tenant_a):
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED
    client_a.post(link + "rate/", {"rating": "good", "comment": "Fast"})
    client_a.post(link + "reopen/")
    with tenant_context(tenant_a):
        ticket.refresh_from_db()
        assert ticket.rating == "good" and ticket.status == Status.OPEN
    # a tampered or unknown link, action or file is a 404
    token = link.split("/")[3]
    for bad in (
        f"/tickets/guest/{token[:-2]}xy/",
        f"/tickets/guest/{token}x/",
        "/tickets/guest/nonsense/",
        f"{link}files/{shot.pk + 1000}/",
    ):
        assert client_a.get(bad).status_code == 404, bad
    assert client_a.post(link + "delete/").status_code == 404
    assert client_a.post(f"/tickets/guest/{token}x/reply/", {"body": "x"}).status_code == 404


# --- a ticket's page ---------------------------------------------------------------------------


def test_the_conversation_with_staff_badge_and_status_events(tenant_a, people_a, tickets_a):
    ticket = tickets_a["ann"]
    with tenant_context(tenant_a):
        services.ticket_reply(ticket=ticket, author=people_a["agent"], body="We *fixed* it.")
        services.ticket_reply(
            ticket=ticket, author=people_a["agent"], body="Secret note", internal=True
        )
    ann = client_for(tenant_a, people_a["ann"])
    response, body = _page(ann, ticket.get_absolute_url())
    assert response.status_code == 200
    assert "<strong>10 €</strong>" in body  # Markdown rendered
    assert "We <em>fixed</em> it." in body and "Support team" in body
    assert "Secret note" not in body
    assert "Status changed to “Awaiting your reply”" in body
    assert "shot.png" in body


def test_reply_solve_rate_reopen_and_cc(tenant_a, people_a, tickets_a):
    ticket = tickets_a["ann"]
    url = ticket.get_absolute_url()
    ann = client_for(tenant_a, people_a["ann"])
    response = ann.post(
        url + "reply/",
        {"body": "More *info*", "attachments": [SimpleUploadedFile("l.txt", b"log")]},
    )
    assert response.status_code == 302 and response["Location"] == url
    body = _page(ann, url)[1]
    assert "More <em>info</em>" in body and "l.txt" in body and "Your reply was sent." in body
    assert "Rate our answer" not in body
    ann.post(url + "close/")
    body = _page(ann, url)[1]
    assert "Rate our answer" in body and "Reopen" in body and "Mark as solved" not in body
    ann.post(url + "rate/", {"rating": "bad", "comment": "Slow"})
    ann.post(url + "reopen/")
    ann.post(url + "cc/", {"email": "boss@acme.example"})
    body = _page(ann, url)[1]
    assert "boss@acme.example" in body and "Mark as solved" in body
    ann.post(url + "cc/", {"email": "nonsense"})
    assert "Enter a valid email address." in _page(ann, url)[1]
    with tenant_context(tenant_a):
        ticket.refresh_from_db()
        assert ticket.rating == "bad" and ticket.rating_comment == "Slow"
        assert ticket.status == Status.OPEN
        assert ticket.messages.count() == 1
        assert list(ticket.participants.values_list("email", flat=True)) == ["boss@acme.example"]
    # an empty reply is refused with a message, nothing stored
    ann.post(url + "reply/", {"body": "  "})
    assert "This field is required." in _page(ann, url)[1]


def test_only_the_requester_rates(tenant_a, people_a, tickets_a):
    ticket = tickets_a["ann"]
    with tenant_context(tenant_a):
        services.ticket_customer_close(ticket=ticket, user=people_a["ann"])
    cat = client_for(tenant_a, people_a["cat"])
    assert "Rate our answer" not in _page(cat, ticket.get_absolute_url())[1]
    cat.post(ticket.get_absolute_url() + "rate/", {"rating": "good"})
    with tenant_context(tenant_a):
        ticket.refresh_from_db()
        assert ticket.rating == ""


def test_closed_and_merged_tickets_say_what_to_do(tenant_a, people_a, tickets_a):
    ticket = tickets_a["ann"]
    with tenant_context(tenant_a):
        into = services.ticket_create(
            requester=people_a["ann"], subject="Main invoice thread", description="x"
        )
        services.ticket_merge(source=ticket, into=into, by=people_a["agent"])
        other = services.ticket_create(requester=people_a["ann"], subject="Done", description="x")
        services.ticket_update(ticket=other, by=people_a["agent"], status=Status.CLOSED)
    ann = client_for(tenant_a, people_a["ann"])
    body = _page(ann, ticket.get_absolute_url())[1]
    assert f'merged into <a href="{into.get_absolute_url()}">request #{into.number}</a>' in body
    assert "Send reply" not in body
    body = _page(ann, other.get_absolute_url())[1]
    assert "submit a new request" in body and "Send reply" not in body
    ann.post(other.get_absolute_url() + "reply/", {"body": "Hello?"})
    assert "Submit a new one to follow up" in _page(ann, other.get_absolute_url())[1]


def test_wrong_people_get_404_for_pages_actions_and_files(tenant_a, people_a, tickets_a):
    ticket, shot = tickets_a["ann"], tickets_a["shot"]
    url = ticket.get_absolute_url()
    ann = client_for(tenant_a, people_a["ann"])
    download = ann.get(f"{url}files/{shot.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "private" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == PNG
    bob = client_for(tenant_a, people_a["bob"])
    for path in (url, f"{url}files/{shot.pk}/", "/tickets/999999/", f"{url}files/999999/"):
        assert bob.get(path).status_code == 404, path
    for action in ("reply", "close", "rate", "cc"):
        assert bob.post(f"{url}{action}/", {"body": "x", "email": "e@x.org"}).status_code == 404
    # the right ticket with another ticket's attachment id
    bobs = tickets_a["bob"].get_absolute_url()
    assert bob.get(f"{bobs}files/{shot.pk}/").status_code == 404
    # ann (Acme, not allowed the organization's) cannot open cat's, cat can open ann's
    assert client_for(tenant_a, people_a["cat"]).get(f"{url}files/{shot.pk}/").status_code == 200
    with tenant_context(tenant_a):
        ticket.refresh_from_db()
        assert ticket.messages.count() == 0 and ticket.status == Status.NEW
    # the file itself is not under /media/
    with tenant_context(tenant_a):
        name = shot.file.name
    assert (
        TenantClient(host_of(tenant_a)).get(f"/media/{tenant_a.schema_name}/{name}").status_code
        == 404
    )


def test_payloads_are_shown_as_text(tenant_a, people_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "tickets_write": "1000/minute",
        },
    }
    ann = client_for(tenant_a, people_a["ann"])
    for payload in PAYLOADS:
        response = ann.post("/tickets/new/", {"subject": payload[:200], "description": payload})
        assert response.status_code == 302, payload
        ann.post(response["Location"] + "reply/", {"body": payload})
        for path in (response["Location"], "/tickets/"):
            body = ann.get(path).content.decode()
            assert "<script>window.__xss" not in body
            assert "onerror=window" not in body.replace("onerror=window.__xss=1&gt;", "")
            assert not re.search(r"<[a-z]+[^>]*\son\w+=", body, re.IGNORECASE), payload
            assert not re.search(r"<a[^>]*href=\"?\s*javascript:", body, re.IGNORECASE)
    # the suggestions offer ann's open tickets by subject: as inert JSON text
    raw = ann.get("/tickets/suggest/", {"q": "script window"}).content
    assert b"xss" in raw and b"<" not in raw and b">" not in raw


# --- "Ask once" --------------------------------------------------------------------------------


@pytest.fixture
def answers_a(tenant_a, people_a):
    """One answer about flamingos in every module that offers answers."""
    from cms.models import HomePage
    from modules.faq.pages import FaqIndexPage
    from modules.faq.services import faq_group_create
    from modules.forum import services as forum
    from modules.ideas import services as ideas
    from modules.kb.pages import ArticlePage, KnowledgeBasePage
    from tests.kb.conftest import publish

    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        kb = KnowledgeBasePage.objects.child_of(home).get()
        article = publish(
            kb, ArticlePage(title="Flamingo invoices explained", slug="flamingo", summary="Pink.")
        )
        index = FaqIndexPage.objects.child_of(home).get()
        faq_group_create(
            index=index,
            title="Billing",
            questions=[("Can I pay for a flamingo?", "<p>Yes, by card.</p>")],
        )
        category = forum.category_create(name="Questions", description="Ask.")
        topic = forum.topic_create(
            author=people_a["bob"],
            category=category,
            title="Flamingo invoices in PDF?",
            body="How?",
        )
        answer = forum.reply_create(author=people_a["cat"], topic=topic, body="Billing page.")
        forum.reply_accept(user=people_a["bob"], reply=answer)
        unsolved = forum.topic_create(
            author=people_a["bob"], category=category, title="Flamingo colours", body="Why?"
        )
        idea = ideas.idea_create(author=people_a["bob"], title="Flamingo themed invoices")
        mine = services.ticket_create(
            requester=people_a["ann"], subject="Flamingo invoice missing", description="x"
        )
    return {"article": article, "topic": topic, "unsolved": unsolved, "idea": idea, "mine": mine}


def test_suggest_offers_answers_from_every_module_and_own_open_tickets(
    tenant_a, people_a, answers_a
):
    ann = client_for(tenant_a, people_a["ann"])
    data = ann.get("/tickets/suggest/", {"q": "flamingo"}).json()
    titles = [row["title"] for row in data["results"]]
    modules = {row["module"] for row in data["results"]}
    assert "Flamingo invoices explained" in titles
    assert any("pay for a flamingo" in title for title in titles)
    assert "Flamingo invoices in PDF?" in titles
    assert "Flamingo colours" not in titles  # unsolved questions are not answers
    assert "Flamingo themed invoices" in titles
    assert f"#{answers_a['mine'].number} Flamingo invoice missing" in titles
    assert {"kb", "faq", "forum", "ideas", "tickets"} <= modules
    with tenant_context(tenant_a):
        suggestion = Suggestion.objects.get(key=data["key"])
        assert suggestion.user == people_a["ann"] and suggestion.offered == len(titles)
    # typing on updates the same record; bob is not offered ann's ticket
    again = ann.get("/tickets/suggest/", {"q": "flamingo invoices", "key": data["key"]}).json()
    assert again["key"] == data["key"]
    bob = client_for(tenant_a, people_a["bob"]).get("/tickets/suggest/", {"q": "flamingo"}).json()
    assert not any("Flamingo invoice missing" in row["title"] for row in bob["results"])
    assert ann.get("/tickets/suggest/", {"q": "fl"}).json() == {
        "query": "fl",
        "key": "",
        "results": [],
    }


def test_a_subject_longer_than_any_answer_still_gets_suggestions(tenant_a, people_a, answers_a):
    ann = client_for(tenant_a, people_a["ann"])
    data = ann.get("/tickets/suggest/", {"q": "flamingo invoices never arrive by post"}).json()
    titles = [row["title"] for row in data["results"]]
    assert "Flamingo invoices explained" in titles
    assert "Flamingo colours" not in titles  # still only solved questions
    nothing = ann.get("/tickets/suggest/", {"q": "zebra unicorn quasar"}).json()
    assert nothing["results"] == []
    # answers only: the FAQ's index page and the knowledge base's front page are not answers
    listing = ann.get("/tickets/suggest/", {"q": "frequently asked questions"}).json()
    assert "Frequently asked questions" not in [row["title"] for row in listing["results"]]
    listing = ann.get("/tickets/suggest/", {"q": "knowledge base"}).json()
    assert "Knowledge base" not in [row["title"] for row in listing["results"]]


def test_an_opened_suggestion_and_the_sent_ticket_are_recorded(tenant_a, people_a, answers_a):
    ann = client_for(tenant_a, people_a["ann"])
    data = ann.get("/tickets/suggest/", {"q": "flamingo"}).json()
    url = next(row["url"] for row in data["results"] if row["module"] == "kb")
    # the beacon (no CSRF header possible)
    ann_csrf = client_for(tenant_a, people_a["ann"])
    ann_csrf.handler.enforce_csrf_checks = True
    response = ann_csrf.post("/tickets/suggest/opened/", {"key": data["key"], "url": url})
    assert response.status_code == 204
    # a plain form post goes on to the answer; never to another site
    response = ann.post("/tickets/suggest/opened/", {"key": data["key"], "url": url, "go": "1"})
    assert response.status_code == 302 and response["Location"] == url
    response = ann.post(
        "/tickets/suggest/opened/", {"key": data["key"], "url": "https://evil.example/", "go": "1"}
    )
    assert response.status_code == 204
    response = ann.post(
        "/tickets/new/",
        {
            "subject": "Flamingo invoice",
            "description": "Still stuck",
            "suggestion_key": data["key"],
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        suggestion = Suggestion.objects.get(key=data["key"])
        assert suggestion.opened_at is not None and suggestion.opened_url == url
        assert suggestion.ticket == Ticket.objects.get(subject="Flamingo invoice")


def test_suggest_is_limited_per_address(tenant_a, people_a, client_a):
    codes = {client_a.get("/tickets/suggest/", {"q": "ab"}).status_code for _ in range(61)}
    assert codes == {200, 429}


def test_module_off_every_page_is_404(tenant_a, people_a, tickets_a):
    ann = client_for(tenant_a, people_a["ann"])
    number, shot = tickets_a["ann"].number, tickets_a["shot"].pk
    with tenant_context(tenant_a):
        token = services.guest_token(tickets_a["ann"])
    switch_module(tenant_a, "tickets", False)
    for path in (
        "/tickets/",
        "/tickets/new/",
        "/tickets/suggest/?q=invoice",
        f"/tickets/{number}/",
        f"/tickets/{number}/files/{shot}/",
        f"/tickets/guest/{token}/",
    ):
        assert ann.get(path).status_code == 404, path
    for path in ("/tickets/new/", f"/tickets/{number}/reply/", "/tickets/suggest/opened/"):
        assert ann.post(path, {"subject": "x", "description": "y", "body": "z"}).status_code == 404
    with tenant_context(tenant_a):
        assert Ticket.objects.count() == 2
