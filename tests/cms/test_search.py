"""Portal search: ranked across pages and switched-on modules, highlighted, filterable."""

import pytest
from django_tenants.utils import tenant_context

from cms.models import ContentPage, HomePage, ModuleSettings
from cms.search import highlight, portal_search
from tests.samplemodule.models import SamplePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def content_a(tenant_a):
    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        pages = [
            ContentPage(title="Resetting your password", slug="reset", intro="Forgot it? Reset."),
            ContentPage(
                title="Billing overview",
                slug="billing-overview",
                intro="Invoices, and how to change the password of the billing contact.",
            ),
        ]
        for page in pages:
            home.add_child(instance=page)
            page.save_revision().publish()
        sample = SamplePage(title="Sample password page", slug="sample-pw", body="password tips")
        home.add_child(instance=sample)
        sample.save_revision().publish()
    return pages


def test_title_matches_rank_first_and_snippets_are_highlighted(content_a, tenant_a):
    with tenant_context(tenant_a):  # hits resolve lazily, inside the tenant's schema
        results = portal_search("password", None)
        titles = [hit.title for hit in results.hits]
        assert "Resetting your password" in titles and "Billing overview" in titles
        assert titles.index("Resetting your password") < titles.index("Billing overview")
        billing = next(hit for hit in results.hits if hit.title == "Billing overview")
        assert "<mark>password</mark>" in billing.highlighted


def test_results_page_filters_by_module(content_a, client_a):
    body = client_a.get("/search/", {"q": "password"}).content.decode()
    assert "Resetting your password" in body and "Sample password page" in body
    assert "module=sample" in body  # a filter link per module with hits
    only_sample = client_a.get("/search/", {"q": "password", "module": "sample"}).content.decode()
    assert "Sample password page" in only_sample
    assert "Resetting your password" not in only_sample
    only_pages = client_a.get("/search/", {"q": "password", "module": "page"}).content.decode()
    assert "Resetting your password" in only_pages
    assert "Sample password page" not in only_pages


def test_switched_off_module_leaves_search_and_its_filter(content_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        switches = ModuleSettings.load()
        switches.switches = {"sample": False}
        switches.save()
    body = client_a.get("/search/", {"q": "password", "module": "sample"}).content.decode()
    assert "Sample password page" not in body
    assert "Resetting your password" in body  # the filter falls back to everything visible


def test_highlight_escapes_content():
    marked = highlight("<script>alert(1)</script> password", "password")
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    assert "<mark>password</mark>" in marked


def test_search_results_are_per_tenant(content_a, client_b):
    body = client_b.get("/search/", {"q": "password"}).content.decode()
    assert "Resetting your password" not in body


def test_suggestions_as_you_type(content_a, client_a, client_b):
    data = client_a.get("/search/suggest/", {"q": "pass"}).json()
    titles = [s["title"] for s in data["suggestions"]]
    # every title with a word starting "pass", from each page type; a title without one is not
    assert sorted(titles) == ["Resetting your password", "Sample password page"]
    assert all(s["url"].startswith("/") for s in data["suggestions"])
    assert client_a.get("/search/suggest/", {"q": "p"}).json()["suggestions"] == []
    assert client_b.get("/search/suggest/", {"q": "pass"}).json()["suggestions"] == []


def _add_pages(tenant, start, count):
    with tenant_context(tenant):
        home = HomePage.objects.get()
        for number in range(start, start + count):
            page = ContentPage(
                title=f"Walrus guide {number}", slug=f"walrus-{number}", intro="All about walrus."
            )
            home.add_child(instance=page)
            page.save_revision().publish()


def test_results_page_queries_do_not_grow_with_matches(
    tenant_a, client_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _add_pages(tenant_a, 0, 12)
    client_a.get("/search/", {"q": "walrus"})  # warm caches
    with CaptureQueriesContext(connection) as few:
        client_a.get("/search/", {"q": "walrus"})
    _add_pages(tenant_a, 12, 30)
    with django_assert_max_num_queries(len(few)):
        response = client_a.get("/search/", {"q": "walrus"})
    assert "42 results" in response.content.decode()


def test_header_links_to_the_switched_on_modules_every_portal_has(tenant_a, client_a):
    # the search page has no home-page tiles, so these links can only come from the header
    body = client_a.get("/search/").content.decode()
    assert 'href="/kb/"' in body and 'href="/faq/"' in body
    assert client_a.get("/kb/").status_code == 200 and client_a.get("/faq/").status_code == 200
    with tenant_context(tenant_a):
        row = ModuleSettings.load()
        row.switches = {"faq": False}
        row.save()
    body = client_a.get("/search/").content.decode()
    assert 'href="/kb/"' in body and 'href="/faq/"' not in body


def test_searching_one_module_queries_no_other(content_a, tenant_a):
    """A module's own suggestions (similar topics, similar ideas) search only its content: the
    other modules' tables are not even queried."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with tenant_context(tenant_a), CaptureQueriesContext(connection) as queries:
        results = portal_search("password", None, module="sample")
        everything = [q["sql"] for q in queries.captured_queries]
        assert [hit.title for hit in results.hits] == ["Sample password page"]
    assert not any("faq_faqitem" in sql or "forum_topic" in sql for sql in everything)
