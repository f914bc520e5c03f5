"""Staff roles get their ideas rights on a new portal; tenant admins manage categories in the
Wagtail admin (hidden while the module is off); the demo has a board and a roadmap."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from modules.ideas import services
from modules.ideas.demo import ideas_demo_content
from modules.ideas.models import Idea, IdeaCategory, Status
from tests.ideas.conftest import client_for, make_customer, switch_ideas

pytestmark = pytest.mark.django_db


def test_staff_roles_can_manage_ideas(tenant_a, people_a):
    from modules.accounts.services import ROLE_PERMISSIONS as ACCOUNTS_ROLES

    with tenant_context(tenant_a):
        services.ideas_furnish()
        assert set(services.ROLE_PERMISSIONS) <= set(ACCOUNTS_ROLES)  # accounts' roles only
        admins = Group.objects.get(name="Administrators")
        assert admins.permissions.filter(codename="change_ideassettings").exists()
        assert admins.permissions.filter(codename="access_admin").exists()  # accounts' own
        agent = make_customer("agent-role@alpha.example", is_staff=True)
        agent.groups.add(Group.objects.get(name="Agents"))
        moderator = make_customer("mod-role@alpha.example", is_staff=True)
        moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
        idea = services.idea_create(author=people_a["ann"], title="Role test")
    agent_client = client_for(tenant_a, agent)
    response = agent_client.post(f"/ideas/{idea.pk}/status/", {"status": "under_review"})
    assert response.status_code == 302
    assert (
        client_for(tenant_a, moderator)
        .post(f"/ideas/{idea.pk}/status/", {"status": "declined"})
        .status_code
        == 403
    )
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=idea.pk).status == Status.UNDER_REVIEW


def test_admin_manages_categories(admin_client_a, tenant_a):
    response = admin_client_a.get("/admin/")
    assert "Idea categories" in response.content.decode()
    response = admin_client_a.post(
        "/admin/snippets/ideas/ideacategory/add/",
        {"name": "Mobile app", "slug": "mobile-app", "description": "", "sort_order": 1},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert IdeaCategory.objects.filter(slug="mobile-app").exists()
    assert "Mobile app" in admin_client_a.get("/ideas/").content.decode()
    switch_ideas(tenant_a, False)
    assert "Idea categories" not in admin_client_a.get("/admin/").content.decode()


def test_tenant_admin_uses_staff_controls(admin_client_a, tenant_a, people_a):
    with tenant_context(tenant_a):
        idea = services.idea_create(author=people_a["ann"], title="Admin test")
    assert "Change status" in admin_client_a.get(idea.get_absolute_url()).content.decode()


def test_demo_content_fills_board_and_roadmap(tenant_a, client_a):
    with tenant_context(tenant_a):
        ideas_demo_content(home=None)
        ideas_demo_content(home=None)  # a second run adds nothing
        assert Idea.objects.count() == 6
        assert set(Idea.objects.values_list("status", flat=True)) == set(Status.values)
        done = Idea.objects.get(status=Status.DONE)
        assert done.vote_count == done.votes.count() == 5
    roadmap = client_a.get("/ideas/roadmap/").content.decode()
    assert "Recurring invoices" in roadmap and "Dark mode in the mobile app" in roadmap
    assert "Recurring invoices" in client_a.get("/ideas/changelog/").content.decode()
    assert "Export invoices to CSV" in client_a.get("/ideas/").content.decode()
