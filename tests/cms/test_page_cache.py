"""The page cache for anonymous visitors (cms.page_cache): hits, purges, tenants, privacy,
signed-in users, languages and CSRF tokens."""

import re

import pytest
from django_tenants.utils import tenant_context

from tests.conftest import TenantClient, admin_of, host_of, login_on
from tests.kb.conftest import make_kb, restrict_to_signed_in

pytestmark = pytest.mark.django_db

ARTICLE = "/kb/billing/invoices/download-invoice/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def kb_a(tenant_a):
    return make_kb(tenant_a)


def get(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return response


def test_second_anonymous_visit_is_a_hit_with_the_same_page(kb_a, client_a):
    first = get(client_a, ARTICLE)
    second = get(client_a, ARTICLE)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    strip = lambda r: TOKEN.sub("", r.content.decode())  # noqa: E731
    assert strip(first) == strip(second)
    assert "Download an invoice" in second.content.decode()
    assert second["Content-Type"].startswith("text/html")


def test_addresses_with_a_query_string_are_never_stored(kb_a, client_a):
    """A random query string per request must not fill the cache with copies of a page."""
    get(client_a, "/kb/")
    for number in range(3):
        response = get(client_a, f"/kb/?utm={number % 2}")
        assert response.get("X-Page-Cache") != "hit"
        assert "Help articles" in response.content.decode()
    assert get(client_a, "/kb/")["X-Page-Cache"] == "hit"


def test_publishing_purges_and_the_new_title_shows(kb_a, tenant_a, client_a):
    get(client_a, ARTICLE)
    assert get(client_a, ARTICLE)["X-Page-Cache"] == "hit"
    with tenant_context(tenant_a):
        article = kb_a["article"].specific_class.objects.get(pk=kb_a["article"].pk)
        article.title = "Download your invoice as PDF"
        article.save_revision().publish()
    response = get(client_a, ARTICLE)
    assert response["X-Page-Cache"] == "miss"
    assert "Download your invoice as PDF" in response.content.decode()
    # pages that list the article are purged too
    assert "Download your invoice as PDF" in get(client_a, "/kb/billing/invoices/").content.decode()


def test_unpublishing_purges(kb_a, tenant_a, client_a):
    get(client_a, ARTICLE)
    with tenant_context(tenant_a):
        kb_a["article"].unpublish()
    assert client_a.get(ARTICLE).status_code == 404


def test_branding_change_purges(kb_a, tenant_a, client_a):
    from cms.models import BrandingSettings

    get(client_a, "/kb/")
    with tenant_context(tenant_a):
        branding = BrandingSettings.load()
        branding.primary_colour = "#7e22ce"
        branding.save()
    response = get(client_a, "/kb/")
    assert response["X-Page-Cache"] == "miss"
    assert "#7e22ce" in response.content.decode()


def test_same_path_on_two_tenants_gives_each_its_own_page(kb_a, tenant_a, client_a, client_b):
    assert get(client_a, "/kb/")["X-Page-Cache"] == "miss"
    b_first = get(client_b, "/kb/")
    assert b_first["X-Page-Cache"] == "miss"  # A's cached /kb/ is not B's
    assert "Help articles" not in b_first.content.decode()
    assert "Help articles" in get(client_a, "/kb/").content.decode()
    # a purge on A leaves B's cached pages alone
    with tenant_context(tenant_a):
        kb_a["kb"].save_revision().publish()
    assert get(client_b, "/kb/")["X-Page-Cache"] == "hit"
    assert get(client_a, "/kb/")["X-Page-Cache"] == "miss"


def test_a_cached_page_is_never_served_on_another_host(kb_a, tenant_a):
    from tenants.models import Domain

    Domain.objects.create(tenant=tenant_a, domain="help.alpha.example", is_primary=False)
    get(TenantClient(host_of(tenant_a)), "/kb/")
    other = get(TenantClient("help.alpha.example"), "/kb/")
    assert other["X-Page-Cache"] == "miss"


def test_private_page_is_never_cached(kb_a, tenant_a, client_a):
    restrict_to_signed_in(tenant_a, kb_a["article"])
    for _ in range(2):
        response = client_a.get(ARTICLE)
        assert response.status_code == 302
        assert "X-Page-Cache" not in response
    reader = login_on(TenantClient(host_of(tenant_a)), tenant_a, admin_of(tenant_a))
    response = get(reader, ARTICLE)
    assert "X-Page-Cache" not in response
    assert client_a.get(ARTICLE).status_code == 302


def test_making_a_cached_page_private_purges_it(kb_a, tenant_a, client_a):
    get(client_a, ARTICLE)
    restrict_to_signed_in(tenant_a, kb_a["section"])
    assert client_a.get(ARTICLE).status_code == 302


def test_signed_in_users_neither_get_nor_fill_the_cache(kb_a, tenant_a, client_a, admin_client_a):
    get(client_a, ARTICLE)  # cached for anonymous visitors
    response = get(admin_client_a, ARTICLE)
    assert "X-Page-Cache" not in response
    # and what a signed-in user was shown is not stored for anonymous visitors
    other = TenantClient(host_of(tenant_a))
    get(admin_client_a, "/kb/billing/")
    assert get(other, "/kb/billing/")["X-Page-Cache"] == "miss"


def test_each_language_has_its_own_copy(kb_a, client_a):
    english = get(client_a, "/kb/", HTTP_ACCEPT_LANGUAGE="en")
    russian = get(client_a, "/kb/", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian["X-Page-Cache"] == "miss"
    assert '<html lang="en"' in english.content.decode()
    assert '<html lang="ru"' in russian.content.decode()
    again = get(client_a, "/kb/", HTTP_ACCEPT_LANGUAGE="ru")
    assert again["X-Page-Cache"] == "hit"
    assert '<html lang="ru"' in again.content.decode()


def test_cached_page_carries_each_visitors_own_working_csrf_token(kb_a, tenant_a):
    first = TenantClient(host_of(tenant_a), enforce_csrf_checks=True)
    second = TenantClient(host_of(tenant_a), enforce_csrf_checks=True)
    get(first, "/kb/")
    hit = get(second, "/kb/")
    assert hit["X-Page-Cache"] == "hit"
    token = TOKEN.search(hit.content.decode()).group(1)
    assert "__page_cache" not in token
    assert "csrftoken" in hit.cookies  # the visitor gets the cookie that token belongs to
    switched = second.post(
        "/i18n/setlang/", {"language": "ru", "next": "/kb/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    # the language switch (a cookie) then selects the Russian copy
    assert '<html lang="ru"' in get(second, "/kb/").content.decode()


def test_page_cache_seconds_zero_switches_it_off(kb_a, client_a, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(client_a, "/kb/")
    assert "X-Page-Cache" not in get(client_a, "/kb/")


def test_non_page_urls_are_not_cached(kb_a, client_a):
    assert "X-Page-Cache" not in client_a.get("/search/?q=invoice")
    assert "X-Page-Cache" not in client_a.get("/sitemap.xml")
