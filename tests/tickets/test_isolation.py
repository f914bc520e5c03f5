"""A ticket and its attachment in tenant A cannot be reached from tenant B: not by page, attachment
URL, /media/ path, the "Ask once" suggestions, nor a guest's link made in A opened on B's host.
Ticket numbers repeat across schemas (each starts at 1001), so B has tickets of its own: an
empty answer on B cannot pass these tests by accident."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from modules.tickets import services
from modules.tickets.models import TicketSettings
from tests.conftest import TenantClient, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_a(tenant_a, people_a):
    with tenant_context(tenant_a):
        row = TicketSettings.load()
        row.guests_can_submit = True
        row.save()
        ticket = services.ticket_create(
            requester=people_a["ann"],
            subject="Flamingo invoice is pink",
            description="Flamingo details.",
            files=[SimpleUploadedFile("flamingo.txt", b"flamingo secret")],
        )
        guest = services.ticket_create(
            guest_email="gus@example.org", subject="Flamingo guest", description="From a guest."
        )
        return {
            "ticket": ticket,
            "file": ticket.attachments.get(),
            "guest": guest,
            "token": services.guest_token(guest),
        }


@pytest.fixture
def b_side(tenant_b, ticket_a):
    """carol in B with a ticket numbered like A's, and a guest ticket numbered like A's guest's
    (sequences are not rolled back between tests, so the numbers are set to match)."""
    with tenant_context(tenant_b):
        row = TicketSettings.load()
        row.guests_can_submit = True
        row.save()
        carol = make_customer("carol@b-customer.example")
        ticket = services.ticket_create(
            requester=carol,
            subject="Penguin question",
            description="Penguins.",
            files=[SimpleUploadedFile("penguin.txt", b"penguin notes")],
        )
        guest = services.ticket_create(
            guest_email="gus@example.org", subject="Penguin guest", description="Hi."
        )
        for mine, theirs in ((ticket, ticket_a["ticket"]), (guest, ticket_a["guest"])):
            type(mine).objects.filter(pk=mine.pk).update(number=theirs.number)
            mine.refresh_from_db()
    client = login_on(TenantClient(host_of(tenant_b)), tenant_b, carol)
    return {"carol": carol, "ticket": ticket, "guest": guest, "client": client}


def test_pages_and_files_of_a_are_not_on_b(ticket_a, b_side, tenant_a, tenant_b):
    ticket, shot = ticket_a["ticket"], ticket_a["file"]
    carol = b_side["client"]
    # the same number on B is B's own ticket, never A's
    assert ticket.number == b_side["ticket"].number
    body = carol.get(ticket.get_absolute_url()).content.decode()
    assert "Penguin question" in body and "Flamingo" not in body
    listing = carol.get("/tickets/?status=all").content.decode()
    assert "Penguin question" in listing and "Flamingo" not in listing
    assert "Flamingo" not in carol.get("/tickets/?q=flamingo").content.decode()
    # A's attachment id on B: B's ticket has no such file (B's own file has its own id)
    b_file = b_side["ticket"].attachments.model
    with tenant_context(tenant_b):
        b_ids = set(b_file.objects.values_list("pk", flat=True))
    url = f"{ticket.get_absolute_url()}files/{shot.pk}/"
    response = carol.get(url)
    if shot.pk in b_ids:  # ids repeat too: then it is B's own file
        assert b"".join(response.streaming_content) == b"penguin notes"
    else:
        assert response.status_code == 404
    # a ticket number that exists only in A
    with tenant_context(tenant_a):
        only_a = services.ticket_create(
            requester=ticket.requester, subject="Flamingo second", description="x"
        )
    assert carol.get(only_a.get_absolute_url()).status_code == 404
    assert carol.get(f"{only_a.get_absolute_url()}files/{shot.pk}/").status_code == 404
    # the stored file's media path, on B's host and on A's own
    with tenant_context(tenant_a):
        name = shot.file.name
    for client in (carol, TenantClient(host_of(tenant_a))):
        for schema in (tenant_a.schema_name, tenant_b.schema_name):
            response = client.get(f"/media/{schema}/{name}")
            assert response.status_code == 404
            assert b"flamingo secret" not in b"".join(
                getattr(response, "streaming_content", [response.content])
            )


def test_suggestions_on_b_offer_nothing_of_a(ticket_a, b_side, tenant_b):
    data = b_side["client"].get("/tickets/suggest/", {"q": "flamingo invoice"}).json()
    assert data["results"] == []
    anonymous = TenantClient(host_of(tenant_b)).get("/tickets/suggest/", {"q": "flamingo"})
    assert anonymous.json()["results"] == []
    # B's own open ticket is offered to its requester, so the endpoint does answer on B
    data = b_side["client"].get("/tickets/suggest/", {"q": "penguin question"}).json()
    assert [row["title"] for row in data["results"]] == [
        f"#{b_side['ticket'].number} Penguin question"
    ]


def test_a_guest_link_of_a_opens_nothing_on_b(ticket_a, b_side, tenant_a, tenant_b):
    token = ticket_a["token"]
    # B has a guest ticket with the same number and the same address: still the link is A's
    assert b_side["guest"].number == ticket_a["guest"].number
    assert b_side["guest"].guest_email == ticket_a["guest"].guest_email
    on_a = TenantClient(host_of(tenant_a)).get(f"/tickets/guest/{token}/")
    assert on_a.status_code == 200 and b"Flamingo guest" in on_a.content
    on_b = TenantClient(host_of(tenant_b))
    assert on_b.get(f"/tickets/guest/{token}/").status_code == 404
    assert on_b.post(f"/tickets/guest/{token}/reply/", {"body": "hi"}).status_code == 404
    assert on_b.get(f"/tickets/guest/{token}/files/1/").status_code == 404
    with tenant_context(tenant_b):
        assert not b_side["guest"].messages.exists()
