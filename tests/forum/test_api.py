"""Forum API: the same rules as the pages, RFC 7807 errors, OpenAPI, throttling."""

from __future__ import annotations

import json
import re

import pytest
from django_tenants.utils import tenant_context

from modules.forum import services
from modules.forum.models import ForumSettings, Vote
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


def _post(client, url, data=None, method="post"):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def test_read_categories_and_topics(forum_a):
    client = forum_a.client()
    categories = client.get("/api/v1/forum-categories/").json()["results"]
    assert [c["slug"] for c in categories] == ["questions"]
    assert categories[0]["topic_count"] == 1
    signed_in = forum_a.client(forum_a.alice).get("/api/v1/forum-categories/").json()["results"]
    assert [c["slug"] for c in signed_in] == ["questions", "members-lounge"]
    topics = client.get("/api/v1/forum-topics/").json()["results"]
    assert topics[0]["title"] == "How do I export flamingo invoices?"
    assert topics[0]["author"] == {"name": "Alice", "staff": False}
    text = json.dumps(client.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/").json()) + json.dumps(
        client.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/replies/").json()
    )
    for address in ("alice@customer.example", "bob@customer.example", "customer.example"):
        assert address not in json.dumps(topics) and address not in text
    detail = client.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/").json()
    assert detail["reply_count"] == 1 and "<em>all</em>" in detail["body_html"]
    replies = client.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/replies/").json()["results"]
    assert replies[0]["body"].startswith("Open **Billing**")
    assert client.get("/api/v1/forum-topics/abc/").status_code == 404


def test_category_counts_leave_merged_topics_out_like_the_page(forum_a):
    with tenant_context(forum_a.tenant):
        staff = make_customer("agent@company.example", is_staff=True)
        duplicate = services.topic_create(
            author=forum_a.carol, category=forum_a.public, title="Dup", body="Same"
        )
        services.topic_merge(moderator=staff, topic=duplicate, into=forum_a.topic)
    client = forum_a.client()
    counts = {
        c["slug"]: c["topic_count"]
        for c in client.get("/api/v1/forum-categories/").json()["results"]
    }
    assert counts == {"questions": 1}
    page = client.get("/forum/").content.decode()
    assert len(re.findall(r"\b1 topic\b", page)) == 1, page[page.index("<main") :][:1500]


def test_private_category_not_reachable_by_id(forum_a):
    with tenant_context(forum_a.tenant):
        vip = make_customer("vip@customer.example")
        vip.groups.add(forum_a.vip)
        secret = services.topic_create(
            author=vip, category=forum_a.private, title="Beta flag list", body="secret"
        )
    for client in (forum_a.client(), forum_a.client(forum_a.alice)):
        response = client.get(f"/api/v1/forum-topics/{secret.pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert client.get(f"/api/v1/forum-topics/{secret.pk}/replies/").status_code == 404
        listed = client.get("/api/v1/forum-topics/").json()["results"]
        assert secret.pk not in [t["id"] for t in listed]
        assert client.get(f"/forum/t/{secret.pk}-beta-flag-list/").status_code == 404
    assert forum_a.client(vip).get(f"/api/v1/forum-topics/{secret.pk}/").status_code == 200
    response = _post(
        forum_a.client(forum_a.alice),
        "/api/v1/forum-topics/",
        {"category": "secret-beta", "title": "x", "body": "y"},
    )
    assert response.status_code == 400


def test_create_reply_vote_accept(forum_a):
    carol = forum_a.client(forum_a.carol)
    response = _post(
        carol, "/api/v1/forum-topics/", {"category": "questions", "title": "API?", "body": "How?"}
    )
    assert response.status_code == 201, response.content
    topic_id = response.json()["id"]
    bob = forum_a.client(forum_a.bob)
    reply = _post(bob, f"/api/v1/forum-topics/{topic_id}/replies/", {"body": "Like this"}).json()
    assert reply["author"]["name"] == "Bob"
    assert _post(bob, f"/api/v1/forum-topics/{topic_id}/vote/").json() == {
        "voted": True,
        "score": 1,
    }
    assert _post(bob, f"/api/v1/forum-topics/{topic_id}/vote/").json()["score"] == 1  # once
    with tenant_context(forum_a.tenant):
        assert Vote.objects.filter(topic_id=topic_id).count() == 1
    assert (
        _post(bob, f"/api/v1/forum-topics/{topic_id}/vote/", method="delete").json()["score"] == 0
    )
    url = f"/api/v1/forum-topics/{topic_id}/replies/{reply['id']}/vote/"
    assert _post(carol, url).json() == {"voted": True, "score": 1}
    # bob cannot accept carol's question; carol can
    response = _post(bob, f"/api/v1/forum-topics/{topic_id}/accept/", {"reply": reply["id"]})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    response = _post(carol, f"/api/v1/forum-topics/{topic_id}/accept/", {"reply": reply["id"]})
    assert response.json()["solved"] is True


def test_errors_are_problem_documents(forum_a):
    anonymous = forum_a.client()
    response = _post(
        anonymous, "/api/v1/forum-topics/", {"category": "questions", "title": "t", "body": "b"}
    )
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    carol = forum_a.client(forum_a.carol)
    response = _post(carol, "/api/v1/forum-topics/", {"category": "questions", "title": ""})
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"].endswith("validation-error") and "title" in problem["errors"]
    response = _post(carol, f"/api/v1/forum-topics/{forum_a.topic.pk}/vote/")
    assert response.status_code == 200
    response = _post(
        forum_a.client(forum_a.alice), f"/api/v1/forum-topics/{forum_a.topic.pk}/vote/"
    )
    assert response.status_code == 400  # own topic
    response = _post(carol, f"/api/v1/forum-topics/{forum_a.topic.pk}/accept/", {"reply": "x"})
    assert response.status_code == 400
    with tenant_context(forum_a.tenant):
        unverified = make_customer("new@customer.example", verified=False)
    response = _post(
        forum_a.client(unverified),
        f"/api/v1/forum-topics/{forum_a.topic.pk}/replies/",
        {"body": "hi"},
    )
    assert response.status_code == 403


def test_writes_are_throttled(forum_a, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "forum_write": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    carol = forum_a.client(forum_a.carol)
    url = f"/api/v1/forum-topics/{forum_a.topic.pk}/replies/"
    codes = [_post(carol, url, {"body": f"r{n}"}).status_code for n in range(3)]
    assert codes == [201, 201, 429]
    assert carol.get(url).status_code == 200  # reading is not a write


def test_a_deleted_author_is_named_as_on_the_pages(forum_a):
    with tenant_context(forum_a.tenant):
        services.anonymise_user(user=forum_a.alice)
    client = forum_a.client()
    topic = client.get(f"/api/v1/forum-topics/{forum_a.topic.pk}/").json()
    assert topic["author"] == {"name": "Deleted user", "staff": False}
    assert "Deleted user" in client.get(forum_a.topic.get_absolute_url()).content.decode()


def test_service_errors_keep_their_reasons(forum_a):
    with tenant_context(forum_a.tenant):
        young = make_customer("young@customer.example", days_old=0)
        rules = ForumSettings.load()
        rules.new_user_posts_per_hour = 1
        rules.save()
    client = forum_a.client(young)
    url = f"/api/v1/forum-topics/{forum_a.topic.pk}/replies/"
    assert _post(client, url, {"body": "one"}).status_code == 201
    response = _post(client, url, {"body": "two"})
    assert response.status_code == 400
    assert "New accounts can post 1 times an hour" in json.dumps(response.json())


def test_in_openapi_schema(forum_a):
    schema = forum_a.client().get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/api/v1/forum-categories/",
        "/api/v1/forum-topics/",
        "/api/v1/forum-topics/{id}/replies/",
        "/api/v1/forum-topics/{id}/vote/",
        "/api/v1/forum-topics/{id}/accept/",
    ):
        assert path in text, path


def test_list_queries_do_not_grow(forum_a, django_assert_max_num_queries):
    client = forum_a.client(forum_a.carol)
    client.get("/api/v1/forum-topics/")
    with tenant_context(forum_a.tenant):
        for n in range(10):
            services.topic_create(
                author=make_customer(f"u{n}@customer.example"),
                category=forum_a.public,
                title=f"T{n}",
                body="b",
            )
    with django_assert_max_num_queries(20):
        assert len(client.get("/api/v1/forum-topics/").json()["results"]) == 11
