"""Tenant A's forum is invisible and unusable from tenant B: page, API, search, cookie."""

from __future__ import annotations

import json

import pytest
from django_tenants.utils import tenant_context

from modules.forum import services
from tests.conftest import TenantClient, host_of
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum_b(tenant_b):
    with tenant_context(tenant_b):
        category = services.category_create(name="Questions")
        author = make_customer("dana@b.example")
        topic = services.topic_create(
            author=author,
            category=category,
            title="Beta question about pelicans",
            body="Hello from B",
        )
    return topic


def _index(tenant, topic):
    from wagtail.search.index import insert_or_update_object

    with tenant_context(tenant):
        insert_or_update_object(type(topic).objects.get(pk=topic.pk))


def test_pages_and_api(forum_a, forum_b, client_b):
    url = forum_a.topic.get_absolute_url()
    assert client_b.get(url).status_code == 404
    assert client_b.get(f"/forum/t/{forum_a.topic.pk}/").status_code in (404, 301)
    assert "flamingo" not in client_b.get("/forum/c/questions/").content.decode()
    assert "Beta question about pelicans" in client_b.get("/forum/c/questions/").content.decode()
    titles = [t["title"] for t in client_b.get("/api/v1/forum-topics/").json()["results"]]
    assert titles == ["Beta question about pelicans"]
    if forum_a.topic.pk != forum_b.pk:
        assert client_b.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/").status_code == 404


def test_search(forum_a, forum_b, client_b, tenant_b):
    _index(forum_a.tenant, forum_a.topic)
    _index(tenant_b, forum_b)
    ua = {"HTTP_USER_AGENT": "Mozilla/5.0"}
    body_a = forum_a.client().get("/search/", {"q": "flamingo invoices"}, **ua).content.decode()
    assert "How do I export flamingo invoices?" in body_a
    body_b = client_b.get("/search/", {"q": "flamingo invoices"}, **ua).content.decode()
    assert "How do I export" not in body_b and forum_a.topic.get_absolute_url() not in body_b
    body_b = client_b.get("/search/", {"q": "pelicans"}, **ua).content.decode()
    assert "Beta question about pelicans" in body_b  # B's search works, on B's own topics
    assert client_b.get("/forum/similar/", {"q": "flamingo"}).json() == {"results": []}


def test_session_cookie_of_a_replayed_on_b(forum_a, forum_b, tenant_b):
    client_a = forum_a.client(forum_a.carol)
    cookie = client_a.cookies["sessionid"].value
    replay = TenantClient(host_of(tenant_b))
    replay.cookies["sessionid"] = cookie
    response = replay.post(f"/forum/t/{forum_b.pk}/reply/", {"body": "from A"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/account/login/")
    response = replay.post(
        f"/api/v1/forum-topics/{forum_b.pk}/replies/",
        json.dumps({"body": "from A"}),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    with tenant_context(tenant_b):
        assert forum_b.replies.count() == 0
    assert replay.get("/forum/new/")["Location"].startswith("/account/login/")
