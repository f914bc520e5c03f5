"""/api/v1/kb-articles/: fields, visibility, query count, switch and tenant isolation."""

import pytest
from django_tenants.utils import tenant_context

from tests.kb.conftest import heading, make_kb, paragraph, publish

pytestmark = pytest.mark.django_db


def test_list_and_detail_fields(kb_a, client_a):
    response = client_a.get("/api/v1/kb-articles/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["title"] for row in rows} == {"Download an invoice", "Change billing address"}
    row = next(r for r in rows if r["title"] == "Download an invoice")
    assert row["url"] == "http://alpha.localhost/kb/billing/invoices/download-invoice/"
    assert row["summary"].startswith("Where your invoices")
    assert '<h2 id="find-your-invoices">Find your invoices</h2>' in row["body"]
    assert row["section"] == {
        "id": kb_a["section"].pk,
        "title": "Invoices",
        "url": "/kb/billing/invoices/",
    }
    assert row["category"]["title"] == "Billing"
    assert row["tags"] == ["invoices", "pdf"]
    assert row["last_published_at"]

    detail = client_a.get(f"/api/v1/kb-articles/{row['id']}/").json()
    assert detail == row


def test_list_has_no_n_plus_one(kb_a, tenant_a, client_a, django_assert_max_num_queries):
    from modules.kb.pages import ArticlePage

    with tenant_context(tenant_a):
        for number in range(8):
            article = ArticlePage(
                title=f"Article {number}",
                slug=f"article-{number}",
                body=[heading(f"Step {number}"), paragraph("Text.")],
            )
            article.tags.add(f"tag-{number}", "common")
            publish(kb_a["section"], article)
    client_a.get("/api/v1/kb-articles/")  # warm per-process caches (site root paths)
    with django_assert_max_num_queries(12):
        response = client_a.get("/api/v1/kb-articles/")
    assert len(response.json()["results"]) == 10


def test_switched_off_module_answers_404_everywhere(kb_a, tenant_a, client_a):
    from cms.models import ModuleSettings

    with tenant_context(tenant_a):
        row = ModuleSettings.load()
        row.switches = {**(row.switches or {}), "kb": False}
        row.save()
    for url in (
        "/kb/",
        "/kb/billing/",
        "/kb/billing/invoices/",
        "/kb/billing/invoices/download-invoice/",
        "/kb/billing/invoices/download-invoice/print/",
        "/api/v1/kb-articles/",
        f"/api/v1/kb-articles/{kb_a['article'].pk}/",
    ):
        assert client_a.get(url).status_code == 404, url
    assert "Download an invoice" not in client_a.get("/search/?q=invoice").content.decode()


def test_switched_off_module_hides_articles_from_the_search_contract(kb_a, tenant_a, rf):
    from cms.models import ModuleSettings
    from modules.kb.pages import ArticlePage

    with tenant_context(tenant_a):
        row = ModuleSettings.load()
        row.switches = {"kb": False}
        row.save()
        assert list(ArticlePage.search_queryset(rf.get("/"))) == []


def test_tenant_b_cannot_reach_tenant_a_articles(kb_a, tenant_b, client_b):
    article = kb_a["article"]
    assert client_b.get("/kb/billing/invoices/download-invoice/").status_code == 404
    assert "Download an invoice" not in client_b.get("/kb/").content.decode()
    assert client_b.get("/api/v1/kb-articles/").json()["results"] == []
    assert client_b.get(f"/api/v1/kb-articles/{article.pk}/").status_code == 404
    assert "Download an invoice" not in client_b.get("/search/?q=invoice").content.decode()


def test_each_tenant_sees_only_its_own_kb(kb_a, tenant_b, client_a, client_b):
    from modules.kb.pages import ArticlePage

    kb_b = make_kb(tenant_b)
    with tenant_context(tenant_b):
        ArticlePage.objects.filter(pk=kb_b["article"].pk).update(title="Beta invoice")
    titles_a = {r["title"] for r in client_a.get("/api/v1/kb-articles/").json()["results"]}
    titles_b = {r["title"] for r in client_b.get("/api/v1/kb-articles/").json()["results"]}
    assert "Beta invoice" not in titles_a
    assert "Beta invoice" in titles_b and "Download an invoice" not in titles_b
