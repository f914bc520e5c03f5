"""Votes, views and searches of tenant A stay in tenant A: not in B's admin, API or reports,
and B cannot vote on A's page ids."""

import pytest
from django_tenants.utils import tenant_context

from cms.insights.models import PageFeedback, PageViewDay, SearchQuery
from tests.insights.conftest import BROWSER, vote

pytestmark = pytest.mark.django_db


def test_tenant_b_sees_nothing_of_tenant_a(
    kb_a, tenant_a, tenant_b, client_a, client_b, admin_client_b
):
    client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER)
    vote(client_a, kb_a["article"], False, comment="Alpha secret comment")
    client_a.get("/search/", {"q": "alphaonlyquery"}, HTTP_USER_AGENT=BROWSER)
    with tenant_context(tenant_a):
        assert PageFeedback.objects.count() == 1 and SearchQuery.objects.count() == 1
    for url in (
        "/admin/feedback/?status=all",
        "/admin/feedback/stats/",
        "/admin/feedback/search/",
        "/admin/feedback/missing/?status=all",
        "/admin/",
    ):
        html = admin_client_b.get(url).content.decode()
        assert "Alpha secret comment" not in html, url
        assert "alphaonlyquery" not in html and "Download an invoice" not in html, url
    # B cannot vote on A's page id, by form or API
    assert vote(client_b, kb_a["article"], True).status_code == 404
    api = client_b.post(
        "/api/v1/feedback/",
        {"page": kb_a["article"].pk, "helpful": True},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert "Download an invoice" not in client_b.get("/api/v1/search/?q=invoice").content.decode()
    with tenant_context(tenant_b):
        assert not PageFeedback.objects.exists()
        assert (
            not SearchQuery.objects.exists()
            or not SearchQuery.objects.filter(query="alphaonlyquery").exists()
        )
        assert not PageViewDay.objects.exists()
    with tenant_context(tenant_a):
        assert PageFeedback.objects.count() == 1  # B's attempts left A untouched


def test_page_cache_path_memory_is_per_tenant(kb_a, tenant_a, tenant_b, client_a, client_b):
    for _ in range(2):
        client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER)
    client_b.get(kb_a["url"], HTTP_USER_AGENT=BROWSER)  # same path on B: no such page there
    with tenant_context(tenant_b):
        assert not PageViewDay.objects.exists()
    with tenant_context(tenant_a):
        assert PageViewDay.objects.get().views == 2
