"""A switched-off forum: pages and API answer 404, its topics leave search."""

import pytest
from django_tenants.utils import tenant_context

from tests.forum.conftest import switch_forum

pytestmark = pytest.mark.django_db


def test_pages_api_and_search_404_when_off(forum_a):
    from wagtail.search.index import insert_or_update_object

    with tenant_context(forum_a.tenant):
        insert_or_update_object(type(forum_a.topic).objects.get(pk=forum_a.topic.pk))
    ua = {"HTTP_USER_AGENT": "Mozilla/5.0"}
    client = forum_a.client(forum_a.alice)
    assert "flamingo invoices" in client.get("/search/", {"q": "flamingo"}, **ua).content.decode()
    switch_forum(forum_a.tenant, False)
    for url in ("/forum/", "/forum/c/questions/", forum_a.topic.get_absolute_url(), "/forum/new/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/forum/t/{forum_a.topic.pk}/reply/", {"body": "x"}).status_code == 404
    for url in ("/api/v1/forum-topics/", "/api/v1/forum-categories/"):
        response = client.get(url)
        assert (
            response.status_code == 404 and response["Content-Type"] == "application/problem+json"
        )
    assert (
        "flamingo invoices" not in client.get("/search/", {"q": "flamingo"}, **ua).content.decode()
    )
    switch_forum(forum_a.tenant, True)
    assert client.get("/forum/").status_code == 200
