"""Tenant admins manage forum categories, their readers and moderators, and the forum's rules."""

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from modules.forum import selectors
from modules.forum.models import ForumCategory
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


def test_admin_creates_category_with_moderator(tenant_a, admin_client_a, admin_client_b):
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
    assert admin_client_a.get("/admin/settings/forum/forumsettings/").status_code in (200, 302)
