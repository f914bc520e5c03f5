"""Tenant A's forum is invisible and unusable from tenant B: page, API, search, cookie."""

from __future__ import annotations

import json

import pytest
from django_tenants.utils import tenant_context

from modules.forum import services
from tests.conftest import TenantClient, host_of, login_on
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum_b(tenant_b, forum_a):
    """B's own topic, deliberately with the id of A's topic: B's host must show B's."""
    from modules.forum.models import Topic

    with tenant_context(tenant_b):
        category = services.category_create(name="Questions")
        author = make_customer("dana@b.example")
        topic = Topic.objects.create(
            pk=forum_a.topic.pk,
            category=category,
            author=author,
            title="Beta question about pelicans",
            slug="beta-question-about-pelicans",
            body="Hello from B",
            body_html="<p>Hello from B</p>",
        )
    return topic


def _index(tenant, topic):
    from wagtail.search.index import insert_or_update_object

    with tenant_context(tenant):
        insert_or_update_object(type(topic).objects.get(pk=topic.pk))


def test_pages_and_api(forum_a, forum_b, client_b):
    assert forum_b.pk == forum_a.topic.pk
    # A's address on B's host names B's topic of that id, never A's
    response = client_b.get(forum_a.topic.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == forum_b.get_absolute_url()
    page = client_b.get(forum_b.get_absolute_url()).content.decode()
    assert "Beta question about pelicans" in page and "flamingo" not in page
    detail = client_b.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/").json()
    assert detail["title"] == "Beta question about pelicans" and "flamingo" not in str(detail)
    replies = client_b.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/replies/").json()
    assert replies["results"] == []  # A's answer is not B's
    assert "flamingo" not in client_b.get("/forum/c/questions/").content.decode()
    assert "Beta question about pelicans" in client_b.get("/forum/c/questions/").content.decode()
    titles = [t["title"] for t in client_b.get("/api/v1/forum-topics/").json()["results"]]
    assert titles == ["Beta question about pelicans"]
    # an id only A has is a 404 on B
    with tenant_context(forum_a.tenant):
        only_a = services.topic_create(
            author=forum_a.alice, category=forum_a.public, title="Only in A", body="x"
        )
    assert client_b.get(only_a.get_absolute_url()).status_code == 404
    assert client_b.get(f"/api/v1/forum-topics/{only_a.pk}/").status_code == 404
    assert client_b.get(f"/forum/r/{forum_a.answer.pk}/edit/").status_code in (302, 404)


def test_writes_by_a_ids_on_b_change_nothing_in_a(forum_a, forum_b, tenant_b):
    from modules.forum.models import Report, Topic, Vote

    with tenant_context(tenant_b):
        erin = make_customer("erin@b.example")
    client = TenantClient(host_of(tenant_b))
    login_on(client, tenant_b, erin)
    topic_id, answer_id = forum_a.topic.pk, forum_a.answer.pk
    client.post(f"/forum/t/{topic_id}/reply/", {"body": "Answer on B"})
    client.post(f"/forum/t/{topic_id}/vote/", {"up": "1"})
    assert client.post(f"/forum/r/{answer_id}/vote/", {"up": "1"}).status_code == 404
    assert client.post("/forum/report/", {"reply": answer_id, "reason": "x"}).status_code == 404
    client.post("/forum/report/", {"topic": topic_id, "reason": "spam"})
    api = f"/api/v1/forum-topics/{topic_id}"
    client.post(f"{api}/vote/", content_type="application/json")
    assert client.post(f"{api}/replies/{answer_id}/vote/").status_code == 404
    with tenant_context(forum_a.tenant):
        topic = Topic.objects.get(pk=topic_id)
        assert (topic.reply_count, topic.score) == (1, 0)
        assert topic.replies.count() == 1 and not Vote.objects.exists()
        assert not Report.objects.exists()
    with tenant_context(tenant_b):  # it all happened in B, to B's topic
        topic = Topic.objects.get(pk=topic_id)
        assert topic.replies.get().body == "Answer on B" and topic.score == 1
        assert Report.objects.get().topic_id == topic_id


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
