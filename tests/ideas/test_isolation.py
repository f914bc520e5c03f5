"""Ideas and votes of tenant A cannot be seen or used from tenant B: not by page, API, search,
or A's session cookie replayed on B's host. And a switched-off module is gone everywhere."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from cms.search import portal_search
from modules.ideas import services
from modules.ideas.models import Idea, IdeaVote
from tests.conftest import TenantClient, host_of
from tests.ideas.conftest import client_for, make_customer, switch_ideas

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea_a(tenant_a, people_a):
    with tenant_context(tenant_a):
        idea = services.idea_create(
            author=people_a["ann"], title="Flamingo invoices", body="Pink invoices for flamingos."
        )
        services.idea_vote(idea=idea, user=people_a["bob"])
        return idea


@pytest.fixture
def idea_b(tenant_b):
    """B has an idea of its own, so an empty answer on B cannot pass these tests by accident."""
    with tenant_context(tenant_b):
        carol = make_customer("carol@b-customer.example")
        return services.idea_create(author=carol, title="Beta's own idea about penguins")


def test_pages_are_per_tenant(idea_a, idea_b, client_a, client_b):
    url = idea_a.get_absolute_url()
    assert client_a.get(url).status_code == 200
    # ids repeat across schemas: on B the same number is B's own idea or nothing, never A's
    for path in (url, f"/ideas/{idea_a.pk}/", "/ideas/999999-flamingo-invoices/"):
        response = client_b.get(path, follow=True)
        assert response.status_code in (200, 404)
        assert "Flamingo" not in response.content.decode()
    assert client_b.get("/ideas/999999-flamingo-invoices/").status_code == 404
    board_b = client_b.get("/ideas/").content.decode()
    assert "penguins" in board_b and "Flamingo" not in board_b
    assert "Flamingo" not in client_b.get("/ideas/roadmap/").content.decode()


def test_api_is_per_tenant(idea_a, idea_b, client_a, client_b):
    titles_b = [row["title"] for row in client_b.get("/api/v1/ideas/").json()["results"]]
    assert titles_b == ["Beta's own idea about penguins"]
    assert client_a.get(f"/api/v1/ideas/{idea_a.pk}/").status_code == 200
    for path in (f"/api/v1/ideas/{idea_a.pk}/", f"/api/v1/ideas/{idea_a.pk}/comments/"):
        response = client_b.get(path)
        assert response.status_code in (200, 404)
        assert b"Flamingo" not in response.content
    assert client_b.get("/api/v1/ideas/999999/").status_code == 404


def test_search_is_per_tenant(idea_a, idea_b, tenant_a, tenant_b, client_a, client_b):
    request = RequestFactory().get("/search/")
    with tenant_context(tenant_a):
        titles = [hit.title for hit in portal_search("flamingo", request).hits]
    assert "Flamingo invoices" in titles
    with tenant_context(tenant_b):
        assert [
            hit.title for hit in portal_search("flamingo", RequestFactory().get("/")).hits
        ] == []
    body = client_a.get("/search/", {"q": "flamingos"}, HTTP_USER_AGENT="Mozilla/5.0").content
    assert b"Flamingo invoices" in body
    assert b"Flamingo" not in client_b.get("/search/", {"q": "flamingos"}).content
    assert client_b.get("/ideas/similar/", {"q": "flamingo"}).json()["results"] == []


def test_a_session_of_a_is_nothing_on_b(idea_a, idea_b, tenant_a, tenant_b, people_a):
    """A's signed-in customer's session cookie, replayed on B's host, is no session there. B has
    a customer with bob's user id and password hash (ids repeat across schemas), so a session
    store shared between tenants would sign the cookie in as that customer: B's store must not
    know the key, and B's idea cannot be voted for."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from modules.accounts.selectors import can_participate

    bob = people_a["bob"]
    key = client_for(tenant_a, bob).cookies["sessionid"].value
    with tenant_context(tenant_a):
        assert SessionStore().exists(key)
    with tenant_context(tenant_b):
        twin = get_user_model().objects.filter(pk=bob.pk).first() or make_customer(
            "bob-twin@b-customer.example", id=bob.pk
        )
        twin.password = bob.password
        twin.save(update_fields=["password"])
        assert can_participate(twin)
        assert not SessionStore().exists(key)
    on_b = TenantClient(host_of(tenant_b))
    on_b.cookies["sessionid"] = key
    assert on_b.post(f"/api/v1/ideas/{idea_b.pk}/vote/").status_code in (401, 403)
    response = on_b.post(f"/ideas/{idea_b.pk}/vote/", {"action": "vote"})
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert on_b.get("/ideas/new/")["Location"].startswith("/account/login/")
    with tenant_context(tenant_b):
        assert Idea.objects.get(pk=idea_b.pk).vote_count == 0
        assert not IdeaVote.objects.exists()
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=idea_a.pk).vote_count == 1


def test_module_off_pages_api_and_search(idea_a, tenant_a, client_a, people_a):
    switch_ideas(tenant_a, False)
    bob = client_for(tenant_a, people_a["bob"])
    for url in (
        "/ideas/",
        "/ideas/new/",
        "/ideas/roadmap/",
        "/ideas/changelog/",
        "/ideas/similar/?q=flamingo",
        idea_a.get_absolute_url(),
    ):
        assert bob.get(url).status_code == 404, url
    assert bob.post(f"/ideas/{idea_a.pk}/vote/").status_code == 404
    response = bob.get("/api/v1/ideas/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert bob.post(f"/api/v1/ideas/{idea_a.pk}/vote/").status_code == 404
    with tenant_context(tenant_a):
        assert portal_search("flamingo", RequestFactory().get("/")).hits == []
        assert Idea.objects.get(pk=idea_a.pk).vote_count == 1
    assert b"Flamingo" not in client_a.get("/search/", {"q": "flamingos"}).content
    switch_ideas(tenant_a, True)
    assert bob.get("/ideas/").status_code == 200
