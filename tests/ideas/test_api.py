"""The ideas API: the same rules as the pages, RFC 7807 errors, throttled writes, OpenAPI."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from modules.ideas import services
from modules.ideas.models import Idea, IdeaCategory, IdeasSettings, Status
from tests.ideas.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ideas_a(tenant_a, people_a):
    with tenant_context(tenant_a):
        IdeaCategory.objects.create(name="Billing", slug="billing")
        first = services.idea_create(author=people_a["ann"], title="Export to CSV", body="**Now**")
        second = services.idea_create(author=people_a["bob"], title="Dark mode")
        services.idea_vote(idea=first, user=people_a["cat"])
        return first, second


def test_list_and_retrieve_anonymously(ideas_a, client_a):
    first, second = ideas_a
    response = client_a.get("/api/v1/ideas/", {"sort": "top"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["title"] for row in rows] == ["Export to CSV", "Dark mode"]
    assert rows[0]["vote_count"] == 1 and rows[0]["has_voted"] is False
    # rows leave the description out: its Markdown is rendered for one idea, not for a page
    assert "body" not in rows[0] and "body_html" not in rows[0]
    assert rows[0]["url"].endswith(f"/ideas/{first.pk}-export-to-csv/")
    assert rows[0]["author"] == {"name": "ann", "staff": False}
    one = client_a.get(f"/api/v1/ideas/{first.pk}/").json()
    assert one["body"] == "**Now**" and one["body_html"] == "<p><strong>Now</strong></p>\n"
    response = client_a.get(f"/api/v1/ideas/{second.pk}/")
    assert response.json()["status"] == "open" and response.json()["status_label"] == "Open"
    assert client_a.get("/api/v1/ideas/", {"status": "planned"}).json()["results"] == []
    assert client_a.get("/api/v1/ideas/", {"sort": "bogus", "status": "x"}).status_code == 200


def test_anonymous_cannot_write(ideas_a, client_a):
    first, _second = ideas_a
    for method, url, data in (
        ("post", "/api/v1/ideas/", {"title": "x"}),
        ("post", f"/api/v1/ideas/{first.pk}/vote/", None),
        ("post", f"/api/v1/ideas/{first.pk}/comments/", {"body": "x"}),
        ("post", f"/api/v1/ideas/{first.pk}/follow/", None),
        ("post", f"/api/v1/ideas/{first.pk}/status/", {"status": "done"}),
    ):
        response = getattr(client_a, method)(url, data, content_type="application/json")
        assert response.status_code in (401, 403), url
        assert response["Content-Type"] == "application/problem+json"


def test_customer_submits_votes_comments_follows(ideas_a, tenant_a, people_a):
    first, _second = ideas_a
    bob = client_for(tenant_a, people_a["bob"])
    response = bob.post(
        "/api/v1/ideas/",
        {"title": "Slack alerts", "body": "Post to *Slack*", "category": "billing"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["category"] == {"slug": "billing", "name": "Billing"}
    assert created["is_following"] is True and created["author"]["name"] == "bob"

    response = bob.post(f"/api/v1/ideas/{first.pk}/vote/")
    assert response.status_code == 201 and response.json() == {"vote_count": 2, "has_voted": True}
    # a second vote is refused, as a problem document, and not counted
    response = bob.post(f"/api/v1/ideas/{first.pk}/vote/")
    assert response.status_code == 400
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["errors"]["non_field_errors"] == ["You have already voted for this idea."]
    assert bob.get(f"/api/v1/ideas/{first.pk}/").json()["vote_count"] == 2
    response = bob.delete(f"/api/v1/ideas/{first.pk}/vote/")
    assert response.json() == {"vote_count": 1, "has_voted": False}

    response = bob.post(
        f"/api/v1/ideas/{first.pk}/comments/",
        {"body": "Yes **please**"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["body_html"] == (
        "<p>Yes <strong>please</strong></p>\n"
    )
    comments = bob.get(f"/api/v1/ideas/{first.pk}/comments/").json()["results"]
    assert [c["body"] for c in comments] == ["Yes **please**"]
    response = bob.post(
        f"/api/v1/ideas/{first.pk}/comments/", {"body": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "body" in response.json()["errors"]

    assert bob.post(f"/api/v1/ideas/{first.pk}/follow/").json() == {"is_following": True}
    assert bob.delete(f"/api/v1/ideas/{first.pk}/follow/").json() == {"is_following": False}

    # bad input is a problem document, never a 500
    for payload in ({}, {"title": "x" * 500}, {"title": "ok", "category": "nope"}, []):
        response = bob.post("/api/v1/ideas/", payload, content_type="application/json")
        assert response.status_code == 400, payload
        assert response["Content-Type"] == "application/problem+json"
    response = bob.post("/api/v1/ideas/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert bob.get("/api/v1/ideas/999999/").status_code == 404


def idea_reads(queries) -> list[str]:
    """The SELECTs that load an idea by its id (row locks left out)."""
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT")
        and '"ideas_idea"."id" = ' in query["sql"]
        and " FOR " not in query["sql"]
    ]


def test_a_vote_reads_the_idea_once(ideas_a, tenant_a, people_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, _second = ideas_a
    bob = client_for(tenant_a, people_a["bob"])
    for method in ("post", "delete"):
        with CaptureQueriesContext(connection) as captured:
            response = getattr(bob, method)(f"/api/v1/ideas/{first.pk}/vote/")
        assert response.json() == {
            "vote_count": 2 if method == "post" else 1,
            "has_voted": method == "post",
        }
        assert len(idea_reads(captured.captured_queries)) == 1, method


def test_vote_budget_is_a_conflict(ideas_a, tenant_a, people_a):
    first, second = ideas_a
    with tenant_context(tenant_a):
        row = IdeasSettings.load()
        row.vote_budget = 1
        row.save()
    bob = client_for(tenant_a, people_a["bob"])
    assert bob.post(f"/api/v1/ideas/{first.pk}/vote/").status_code == 201
    response = bob.post(f"/api/v1/ideas/{second.pk}/vote/")
    assert response.status_code == 409
    assert response.json()["type"].endswith("/vote-budget-spent")
    assert "used all 1 of your votes" in response.json()["detail"]


def test_status_and_merge_are_staff_only(
    ideas_a, tenant_a, people_a, celery_eager, django_capture_on_commit_callbacks
):
    first, second = ideas_a
    for who in ("bob", "staff"):
        client = client_for(tenant_a, people_a[who])
        response = client.post(
            f"/api/v1/ideas/{first.pk}/status/", {"status": "done"}, content_type="application/json"
        )
        assert response.status_code == 403
        response = client.post(
            f"/api/v1/ideas/{second.pk}/merge/", {"into": first.pk}, content_type="application/json"
        )
        assert response.status_code == 403
    manager = client_for(tenant_a, people_a["manager"])
    response = manager.post(
        f"/api/v1/ideas/{first.pk}/status/", {"status": "shipped"}, content_type="application/json"
    )
    assert response.status_code == 400 and "status" in response.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            f"/api/v1/ideas/{first.pk}/status/",
            {"status": "planned", "note": "Soon"},
            content_type="application/json",
        )
    assert response.status_code == 200 and response.json()["status"] == "planned"
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@customer.example", "cat@customer.example"]
    response = manager.post(
        f"/api/v1/ideas/{second.pk}/merge/", {"into": first.pk}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["id"] == first.pk
    assert manager.get(f"/api/v1/ideas/{second.pk}/").status_code == 404
    # a vote on a customer's behalf: staff only, once
    url = f"/api/v1/ideas/{first.pk}/vote-on-behalf/"
    payload = {"email": "BOB@customer.example", "note": "On a call"}
    for who in ("bob", "staff"):
        client = client_for(tenant_a, people_a[who])
        assert client.post(url, payload, content_type="application/json").status_code == 403
    response = manager.post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["vote_count"] == 2  # cat's and now bob's
    response = manager.post(url, payload, content_type="application/json")
    assert response.status_code == 400
    for email in ("x@nowhere.example", "agent@alpha.example"):  # nobody, and staff
        response = manager.post(url, {"email": email}, content_type="application/json")
        assert response.status_code == 400 and "email" in response.json()["errors"], email
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=first.pk).status == Status.PLANNED


def test_writes_are_throttled(ideas_a, tenant_a, people_a, settings):
    first, _second = ideas_a
    bob = client_for(tenant_a, people_a["bob"])
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "ideas_write": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    codes = [bob.post(f"/api/v1/ideas/{first.pk}/follow/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # reading is not a write
    assert bob.get("/api/v1/ideas/").status_code == 200


def test_a_deleted_authors_idea_says_deleted_user(ideas_a, client_a, tenant_a):
    first, _second = ideas_a
    with tenant_context(tenant_a):
        Idea.objects.filter(pk=first.pk).update(author=None)
    author = client_a.get(f"/api/v1/ideas/{first.pk}/").json()["author"]
    assert author == {"name": "Deleted user", "staff": False}


def test_openapi_documents_the_endpoints(client_a):
    schema = client_a.get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/ideas/",
        "/api/v1/ideas/{id}/",
        "/api/v1/ideas/{id}/vote/",
        "/api/v1/ideas/{id}/comments/",
        "/api/v1/ideas/{id}/follow/",
        "/api/v1/ideas/{id}/status/",
        "/api/v1/ideas/{id}/merge/",
        "/api/v1/ideas/{id}/vote-on-behalf/",
    ):
        assert path in schema["paths"], path
    assert {"post", "delete"} <= set(schema["paths"]["/api/v1/ideas/{id}/vote/"])


def test_list_is_one_query_for_many_ideas(tenant_a, people_a, django_assert_max_num_queries):
    with tenant_context(tenant_a):
        Idea.objects.bulk_create(
            Idea(title=f"Idea {n}", slug=f"idea-{n}", author=people_a["ann"]) for n in range(300)
        )
    client = client_for(tenant_a, people_a["bob"])
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/ideas/", {"page_size": 100})
    assert len(response.json()["results"]) == 100
