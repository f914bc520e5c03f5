"""What search engines read: the per-tenant sitemap and robots.txt, canonical URLs, meta
descriptions and structured data on portal pages."""

import json
import re

import pytest
from django_tenants.utils import tenant_context

from tests.kb.conftest import make_kb, restrict_to_signed_in
from tests.modules.test_registry import switch

pytestmark = pytest.mark.django_db

ARTICLE = "/kb/billing/invoices/download-invoice/"


@pytest.fixture
def kb_a(tenant_a):
    return make_kb(tenant_a)


def sitemap_urls(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    urls = {}
    for entry in re.findall(r"<url>(.*?)</url>", body, re.S):
        loc = re.search(r"<loc>(.*?)</loc>", entry).group(1)
        lastmod = re.search(r"<lastmod>(.*?)</lastmod>", entry)
        urls[loc] = lastmod.group(1) if lastmod else None
    return urls


def test_sitemap_lists_live_public_pages_on_the_tenants_host_with_lastmod(kb_a, tenant_a, client_a):
    urls = sitemap_urls(client_a)
    assert "http://alpha.localhost/" in urls
    assert "http://alpha.localhost/kb/" in urls
    assert f"http://alpha.localhost{ARTICLE}" in urls
    with tenant_context(tenant_a):
        kb_a["article"].refresh_from_db()
    published = kb_a["article"].last_published_at.strftime("%Y-%m-%d")
    assert urls[f"http://alpha.localhost{ARTICLE}"] == published
    assert all(url.startswith("http://alpha.localhost/") for url in urls)


def test_sitemap_leaves_out_private_and_draft_pages(kb_a, tenant_a, client_a):
    restrict_to_signed_in(tenant_a, kb_a["section"])
    with tenant_context(tenant_a):
        from modules.kb.pages import ArticlePage

        draft = ArticlePage(title="Not yet", slug="not-yet", live=False)
        kb_a["category"].add_child(instance=draft)
        draft.save_revision()
    urls = sitemap_urls(client_a)
    assert "http://alpha.localhost/kb/billing/" in urls
    assert "http://alpha.localhost/kb/billing/invoices/" not in urls
    assert f"http://alpha.localhost{ARTICLE}" not in urls  # below the private section
    assert "http://alpha.localhost/kb/billing/not-yet/" not in urls


def test_sitemap_leaves_out_pages_of_a_switched_off_module(kb_a, tenant_a, client_a):
    switch(tenant_a, "kb", False)
    urls = sitemap_urls(client_a)
    assert "http://alpha.localhost/" in urls
    assert not [url for url in urls if "/kb/" in url]


def test_another_tenants_sitemap_never_lists_this_tenants_pages(kb_a, client_b):
    urls = sitemap_urls(client_b)
    assert "http://beta.localhost/" in urls
    assert not [url for url in urls if "alpha" in url]
    assert f"http://beta.localhost{ARTICLE}" not in urls


def test_robots_txt_points_at_the_tenants_sitemap(client_a, client_b):
    response = client_a.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert {"Disallow: /admin/", "Disallow: /api/", "Disallow: /search/"} <= set(lines)
    assert "Sitemap: http://alpha.localhost/sitemap.xml" in lines
    assert (
        "Sitemap: http://beta.localhost/sitemap.xml" in client_b.get("/robots.txt").content.decode()
    )


def test_home_and_content_pages_have_canonical_and_meta_description(tenant_a, client_a):
    from cms.models import ContentPage, HomePage

    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        home.search_description = "Help for Alpha customers."
        home.save_revision().publish()
        about = ContentPage(title="About", slug="about", search_description="Who we are.")
        home.add_child(instance=about)
        about.save_revision().publish()
    page = client_a.get("/").content.decode()
    assert '<link rel="canonical" href="http://alpha.localhost/">' in page
    assert '<meta name="description" content="Help for Alpha customers.">' in page
    page = client_a.get("/about/").content.decode()
    assert '<link rel="canonical" href="http://alpha.localhost/about/">' in page
    assert '<meta name="description" content="Who we are.">' in page


def test_kb_pages_carry_breadcrumb_json_ld_next_to_the_article(kb_a, client_a):
    page = client_a.get(ARTICLE).content.decode()
    blocks = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]
    types = {block["@type"]: block for block in blocks}
    assert types["Article"]["headline"] == "Download an invoice"
    trail = types["BreadcrumbList"]["itemListElement"]
    assert [item["name"] for item in trail] == [
        "Alpha Corp",
        "Help articles",
        "Billing",
        "Invoices",
        "Download an invoice",
    ]
    assert trail[-1]["item"] == f"http://alpha.localhost{ARTICLE}"
    assert [item["position"] for item in trail] == [1, 2, 3, 4, 5]
