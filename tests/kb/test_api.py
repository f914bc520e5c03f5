"""/api/v1/kb-articles/: fields, visibility, query count, switch and tenant isolation."""

import pytest
from django_tenants.utils import tenant_context

from tests.kb.conftest import heading, make_kb, paragraph, publish, restrict_to_signed_in

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


def test_categories_and_sections(kb_a, client_a):
    categories = client_a.get("/api/v1/kb-categories/").json()["results"]
    assert [(c["title"], c["icon"], c["language"]) for c in categories] == [("Billing", "💳", "en")]
    sections = client_a.get("/api/v1/kb-sections/").json()["results"]
    assert [(s["title"], s["category"]) for s in sections] == [("Invoices", kb_a["category"].pk)]
    only_section = client_a.get("/api/v1/kb-articles/", {"section": kb_a["section"].pk}).json()
    assert {row["title"] for row in only_section["results"]} == {
        "Download an invoice",
        "Change billing address",
    }
    assert client_a.get("/api/v1/kb-articles/", {"category": 999999}).json()["results"] == []


def test_language_filter_and_bad_parameters(kb_a, tenant_a, client_a):
    from wagtail.models import Locale

    with tenant_context(tenant_a):
        article = kb_a["article"]
        russian = article.copy_for_translation(
            Locale.objects.get_or_create(language_code="ru")[0], copy_parents=True
        )
        russian.title = "Скачать счёт"
        russian.save_revision().publish()
    rows = client_a.get("/api/v1/kb-articles/", {"language": "ru"}).json()["results"]
    assert [(row["title"], row["language"]) for row in rows] == [("Скачать счёт", "ru")]
    english = client_a.get("/api/v1/kb-articles/", {"language": "en"}).json()["results"]
    assert "Скачать счёт" not in {row["title"] for row in english}

    bad = client_a.get("/api/v1/kb-articles/", {"language": "xx"})
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    assert client_a.get("/api/v1/kb-articles/", {"section": "abc"}).status_code == 400


def test_private_category_is_not_listed(kb_a, tenant_a, client_a):
    restrict_to_signed_in(tenant_a, kb_a["category"])
    assert client_a.get("/api/v1/kb-categories/").json()["results"] == []
    assert client_a.get("/api/v1/kb-sections/").json()["results"] == []


def test_tenant_b_sees_only_its_own_categories(kb_a, tenant_b, client_b):
    from modules.kb.pages import CategoryPage, KnowledgeBasePage, SectionPage

    with tenant_context(tenant_b):
        kb = KnowledgeBasePage.objects.get()
        own = publish(kb, CategoryPage(title="Shipping", slug="shipping"))
        publish(own, SectionPage(title="Couriers", slug="couriers"))
    categories = client_b.get("/api/v1/kb-categories/").json()["results"]
    assert [c["title"] for c in categories] == ["Shipping"]
    sections = client_b.get("/api/v1/kb-sections/").json()["results"]
    assert [s["title"] for s in sections] == ["Couriers"]
    # ids repeat across schemas: A's category id names, at most, one of B's own pages
    by_id = client_b.get(f"/api/v1/kb-categories/{kb_a['category'].pk}/")
    assert "Billing" not in by_id.content.decode()
