"""Tenant admins manage forum categories, their readers and moderators, and the forum's rules."""

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from modules.forum import selectors
from modules.forum.models import ForumCategory
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


def test_admin_creates_category_with_moderator(tenant_a, tenant_b, admin_client_a, admin_client_b):
    with tenant_context(tenant_a):
        moderator = make_customer("mod@customer.example")
        group = Group.objects.create(name="Partners")
    assert admin_client_a.get("/admin/snippets/forum/forumcategory/").status_code == 200
    response = admin_client_a.post(
        "/admin/snippets/forum/forumcategory/add/",
        {
            "name": "Partners only",
            "slug": "partners",
            "description": "",
            "position": "1",
            "visibility": "groups",
            "groups": [group.pk],
            "moderators": [moderator.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant_a):
        category = ForumCategory.objects.get(slug="partners")
        assert list(category.groups.all()) == [group]
        assert selectors.can_moderate(moderator, category)
        # the moderator sees the private category they moderate
        assert category in selectors.categories_visible(moderator)
    edit = f"/admin/snippets/forum/forumcategory/edit/{category.pk}/"
    assert admin_client_b.get(edit).status_code == 404  # another tenant's admin
    # B has categories of its own: its list shows them, never A's
    with tenant_context(tenant_b):
        from modules.forum import services

        services.category_create(name="Beta lounge", slug="beta-lounge")
    listing = admin_client_b.get("/admin/snippets/forum/forumcategory/").content.decode()
    assert "Beta lounge" in listing and "Partners only" not in listing
    rules = admin_client_a.get("/admin/settings/forum/forumsettings/", follow=True)
    assert rules.status_code == 200
    assert 'name="blocked_keywords"' in rules.content.decode()


def test_moderation_log_lists_every_action_read_only(
    forum_a, tenant_a, tenant_b, admin_client_a, admin_client_b
):
    from modules.forum import services
    from modules.forum.models import ModerationAction

    with tenant_context(tenant_a):
        services.category_moderator_add(category=forum_a.public, user=forum_a.carol)
        services.topic_pin(moderator=forum_a.carol, topic=forum_a.topic)
        services.topic_lock(moderator=forum_a.carol, topic=forum_a.topic)
        entry = ModerationAction.objects.filter(action="lock").get()
    listing = admin_client_a.get("/admin/snippets/forum/moderationaction/")
    assert listing.status_code == 200, listing.status_code
    html = listing.content.decode()
    assert "Pinned" in html and "Locked" in html and forum_a.topic.title in html
    # nobody edits or deletes the record, not even the portal's administrator
    assert "/admin/snippets/forum/moderationaction/add/" not in html
    for url in (
        "/admin/snippets/forum/moderationaction/add/",
        f"/admin/snippets/forum/moderationaction/edit/{entry.pk}/",
        f"/admin/snippets/forum/moderationaction/delete/{entry.pk}/",
    ):
        assert admin_client_a.get(url).status_code in (302, 403, 404), url
        admin_client_a.post(url, {"reason": "rewritten"})
    with tenant_context(tenant_a):
        assert ModerationAction.objects.filter(pk=entry.pk, reason=entry.reason).exists()
    inspect = admin_client_a.get(f"/admin/snippets/forum/moderationaction/inspect/{entry.pk}/")
    assert inspect.status_code == 200
    # another tenant's admin sees their own log, and not this entry
    with tenant_context(tenant_b):
        staff_b = make_customer("agent@b.example", is_staff=True)
        category_b = services.category_create(name="Beta questions")
        topic_b = services.topic_create(
            author=staff_b, category=category_b, title="Pelican pinned in B", body="x"
        )
        services.topic_pin(moderator=staff_b, topic=topic_b)
    other = admin_client_b.get("/admin/snippets/forum/moderationaction/").content.decode()
    assert "Pelican pinned in B" in other
    assert forum_a.topic.title not in other
    assert admin_client_b.get(
        f"/admin/snippets/forum/moderationaction/inspect/{entry.pk}/"
    ).status_code in (302, 404)
