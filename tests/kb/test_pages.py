"""Knowledge base pages: structure, article body and TOC, print view, SEO markup."""

import json
import re

import pytest
from django_tenants.utils import tenant_context

from tests.kb.conftest import paragraph, publish

pytestmark = pytest.mark.django_db

ARTICLE_URL = "/kb/billing/invoices/download-invoice/"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_index_lists_categories_with_their_sections_and_counts(kb_a, client_a):
    page = html(client_a.get("/kb/"))
    assert '<h1 class="page-title">Help articles</h1>' in page
    assert 'href="/kb/billing/">Billing</a>' in page
    assert "💳" in page
    assert 'href="/kb/billing/invoices/">Invoices</a>' in page
    assert "2 articles" in page
    assert 'rel="canonical" href="http://alpha.localhost/kb/"' in page


def test_category_and_section_list_their_articles(kb_a, client_a):
    category = html(client_a.get("/kb/billing/"))
    assert 'href="/kb/billing/invoices/">Invoices</a>' in category
    assert f'href="{ARTICLE_URL}">Download an invoice</a>' in category
    section = html(client_a.get("/kb/billing/invoices/"))
    assert "Download an invoice" in section and "Change billing address" in section
    assert "Where your invoices live" in section
    assert '<nav class="breadcrumbs"' in section


def test_article_renders_blocks_author_and_date(kb_a, client_a):
    page = html(client_a.get(ARTICLE_URL))
    assert "<p>Open <b>Billing</b>.</p>" in page
    assert '<code class="language-bash">curl -o invoice.pdf &lt;url&gt;</code>' in page
    assert 'class="kb-callout kb-callout--warning"' in page and "Keep invoices safe." in page
    assert "<caption>Formats</caption>" in page
    assert '<th scope="col">Format</th>' in page and "<td>CSV</td>" in page
    assert "By Admin Alpha Corp" in page
    assert "Last updated" in page and "<time datetime=" in page
    assert 'href="/search/?q=pdf">pdf</a>' in page


def test_toc_anchors_match_headings_and_are_unique(kb_a, client_a):
    page = html(client_a.get(ARTICLE_URL))
    body = page.split('class="kb-article__body prose">')[1].split('class="kb-article__extra"')[0]
    heading_ids = re.findall(r'<h[23] id="([^"]+)">', body)
    toc_links = re.findall(
        r'<li class="kb-toc__item kb-toc__item--h[23]"><a href="#([^"]+)">', page
    )
    assert heading_ids == ["find-your-invoices", "download-a-pdf", "find-your-invoices-2"]
    assert toc_links == heading_ids
    assert 'kb-toc__item--h3"><a href="#download-a-pdf">Download a PDF</a>' in page


def test_print_view_is_minimal_and_points_to_the_article(kb_a, client_a):
    page = html(client_a.get(ARTICLE_URL + "print/"))
    assert 'class="kb-print"' in page
    assert 'class="site-header"' not in page
    assert '<meta name="robots" content="noindex">' in page
    assert f'<link rel="canonical" href="http://alpha.localhost{ARTICLE_URL}">' in page
    assert '<h2 id="find-your-invoices">' in page
    assert f'href="{ARTICLE_URL}print/"' in html(client_a.get(ARTICLE_URL))


def test_meta_description_canonical_and_json_ld(kb_a, client_a):
    page = html(client_a.get(ARTICLE_URL))
    assert (
        '<meta name="description" content="Where your invoices live and how to get a PDF.">' in page
    )
    assert f'<link rel="canonical" href="http://alpha.localhost{ARTICLE_URL}">' in page
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "Article"
    assert data["headline"] == "Download an invoice"
    assert data["author"] == {"@type": "Person", "name": "Admin Alpha Corp"}
    assert data["description"].startswith("Where your invoices")
    assert data["dateModified"] and data["datePublished"]


def test_json_ld_cannot_break_out_of_its_script(kb_a, tenant_a, client_a):
    evil = "</script><script>alert(1)</script> & <!--"
    with tenant_context(tenant_a):
        article = kb_a["article"]
        article.summary = evil
        article.save_revision().publish()
    page = html(client_a.get(ARTICLE_URL))
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert json.loads(script)["description"] == evil
    assert "<script>alert(1)" not in page


def test_related_articles_chosen_and_suggested(kb_a, tenant_a, client_a):
    from modules.kb.pages import ArticlePage, ArticleRelatedLink

    with tenant_context(tenant_a):
        other = ArticlePage(title="Refunds explained", slug="refunds", summary="Money back.")
        publish(kb_a["section"], other)
        article = ArticlePage.objects.get(pk=kb_a["article"].pk)
        article.related_links = [ArticleRelatedLink(article=other)]
        article.save_revision().publish()
    page = html(client_a.get(ARTICLE_URL))
    related = page.split('id="kb-related-title"')[1].split("</section>")[0]
    assert "Refunds explained" in related
    suggested = page.split('id="kb-suggested-title"')[1].split("</section>")[0]
    # shares the "invoices" tag, so it comes first; the chosen one is not repeated
    assert "Change billing address" in suggested and "Refunds explained" not in suggested


def test_search_contract(kb_a, tenant_a, rf):
    from modules.kb.pages import ArticlePage

    with tenant_context(tenant_a):
        request = rf.get("/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        titles = {p.title for p in ArticlePage.search_queryset(request)}
        assert titles == {"Download an invoice", "Change billing address"}
        result = ArticlePage.objects.get(pk=kb_a["article"].pk).search_result()
        assert result["kind"] == "Article"
        assert result["url"] == ARTICLE_URL
        assert result["snippet"].startswith("Where your invoices")
        bare = ArticlePage(title="x", body=[paragraph("word " * 200)])
        assert len(bare.search_result()["snippet"]) <= 300


def test_portal_search_finds_articles_by_body_and_tag(kb_a, client_a):
    assert "Download an invoice" in html(client_a.get("/search/?q=invoice"))


def test_admin_forms_for_every_kb_page_type_render(kb_a, admin_client_a):
    for model, parent in (
        ("categorypage", kb_a["kb"]),
        ("sectionpage", kb_a["category"]),
        ("articlepage", kb_a["section"]),
    ):
        response = admin_client_a.get(f"/admin/pages/add/kb/{model}/{parent.pk}/")
        assert response.status_code == 200, model
    edit = admin_client_a.get(f"/admin/pages/{kb_a['article'].pk}/edit/")
    assert edit.status_code == 200
    assert "related_links" in edit.content.decode()


def test_only_one_knowledge_base_per_portal(kb_a, tenant_a):
    from cms.models import HomePage
    from modules.kb.pages import KnowledgeBasePage

    with tenant_context(tenant_a):
        assert not KnowledgeBasePage.can_create_at(HomePage.objects.get())


def test_every_kb_page_type_keeps_the_search_contract(kb_a, tenant_a, client_a):
    from modules.kb.pages import CategoryPage, KnowledgeBasePage, SectionPage
    from tests.kb.conftest import restrict_to_signed_in

    restrict_to_signed_in(tenant_a, kb_a["category"])
    with tenant_context(tenant_a):
        request = client_a.get("/kb/").wsgi_request
        assert [p.title for p in KnowledgeBasePage.search_queryset(request)] == ["Help articles"]
        assert list(CategoryPage.search_queryset(request)) == []
        assert list(SectionPage.search_queryset(request)) == []
        result = SectionPage.objects.get().search_result()
    assert result == {
        "title": "Invoices",
        "url": "/kb/billing/invoices/",
        "snippet": "Bills.",
        "kind": "Section",
    }


def test_suggestions_include_articles_alike_in_words(kb_a, tenant_a, client_a):
    """An article elsewhere in the knowledge base, sharing no tag and no section but written
    about the same thing, is suggested; an unrelated one is not."""
    from modules.kb.pages import ArticlePage, CategoryPage, SectionPage

    with tenant_context(tenant_a):
        other_category = publish(kb_a["kb"], CategoryPage(title="Accounting", slug="accounting"))
        exports = publish(other_category, SectionPage(title="Exports", slug="exports"))
        publish(
            exports,
            ArticlePage(
                title="Invoices as PDF files",
                slug="invoice-pdf",
                summary="Every invoice can be downloaded as a PDF.",
            ),
        )
        publish(exports, ArticlePage(title="Team calendars", slug="calendars", summary="Dates."))
    page = html(client_a.get(ARTICLE_URL))
    suggested = page.split('id="kb-suggested-title"')[1].split("</section>")[0]
    assert "Invoices as PDF files" in suggested
    assert "Team calendars" not in suggested
