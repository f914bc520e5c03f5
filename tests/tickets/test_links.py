"""Linking a ticket to another module's content through the registry: a KB article, or an idea
whose shipping the requester then hears about."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from modules.accounts.models import OutboxEmail
from modules.ideas import services as ideas_services
from modules.ideas.models import IdeaFollow, Status
from modules.tickets import services
from modules.tickets.models import Event, Link
from modules.tickets.services import TicketError
from tests.conftest import switch_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(people_a):
    return services.ticket_create(
        requester=people_a["ann"], subject="Dark mode please", description="My eyes."
    )


def test_linking_an_idea_makes_the_requester_hear_when_it_ships(ticket, people_a):
    agent = people_a["agent"]
    idea = ideas_services.idea_create(author=people_a["bob"], title="Dark mode")
    assert [row["title"] for row in services.link_targets("ideas", "dark")] == ["Dark mode"]
    link = services.ticket_link(ticket=ticket, module="ideas", object_id=str(idea.pk), by=agent)
    assert (link.title, link.url) == ("Dark mode", idea.get_absolute_url())
    assert IdeaFollow.objects.filter(idea=idea, user=people_a["ann"]).exists()
    assert Event.objects.filter(ticket=ticket, kind=Event.Kind.LINKED).count() == 1
    # linking twice adds nothing
    services.ticket_link(ticket=ticket, module="ideas", object_id=str(idea.pk), by=agent)
    assert Link.objects.filter(ticket=ticket).count() == 1

    OutboxEmail.objects.all().delete()
    manager = agent
    manager.user_permissions.add(Permission.objects.get(codename="manage_ideas"))
    ideas_services.idea_set_status(idea=idea, status=Status.DONE, note="Shipped!", by=manager)
    told = OutboxEmail.objects.get(to_email="ann@acme.example")
    assert "Dark mode" in told.subject and "Shipped!" in told.body_text


def test_links_need_an_existing_item_an_enabled_module_and_the_right_agent(ticket, people_a, in_a):
    agent = people_a["agent"]
    with pytest.raises(TicketError):
        services.ticket_link(ticket=ticket, module="ideas", object_id="999999", by=agent)
    with pytest.raises(TicketError):
        services.ticket_link(ticket=ticket, module="forum", object_id="1", by=agent)
    with pytest.raises(PermissionDenied):
        services.ticket_link(ticket=ticket, module="ideas", object_id="1", by=people_a["ann"])
    # the Billing team does not work this (queue-less) ticket
    with pytest.raises(PermissionDenied):
        services.ticket_link(
            ticket=ticket, module="ideas", object_id="1", by=people_a["billing_agent"]
        )
    switch_module(in_a, "ideas", False)
    idea = ideas_services.idea_create(author=people_a["bob"], title="Hidden board")
    assert services.link_targets("ideas", "hidden") == []
    with pytest.raises(TicketError):
        services.ticket_link(ticket=ticket, module="ideas", object_id=str(idea.pk), by=agent)
