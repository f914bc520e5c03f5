"""Tenant isolation: content made in tenant A cannot be reached from tenant B by any door.

Later modules add their own doors here (forum posts, tickets, votes…) by following the pattern:
build in A, then try B's page, API, search, media, cache and tasks.
"""

import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import tenant_context

from cms.models import ContentPage, HomePage
from tests.conftest import TEST_PASSWORD, TenantClient, admin_of, login_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_page_a(tenant_a):
    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        page = ContentPage(
            title="Quarterly zebra roadmap",
            slug="zebra-roadmap",
            intro="Alpha's private plans about zebras.",
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


def test_pages_are_per_tenant(secret_page_a, client_a, client_b):
    assert client_a.get("/zebra-roadmap/").status_code == 200
    response_b = client_b.get("/zebra-roadmap/")
    assert response_b.status_code == 404
    body = response_b.content.decode()
    assert "Quarterly zebra roadmap" not in body and "private plans" not in body


def test_search_is_per_tenant(secret_page_a, client_a, client_b):
    assert "Quarterly zebra roadmap" in client_a.get("/search/", {"q": "zebra"}).content.decode()
    body_b = client_b.get("/search/", {"q": "zebra"}).content.decode()
    assert "Quarterly zebra roadmap" not in body_b


def test_api_is_per_tenant(client_a, client_b, tenant_a, tenant_b):
    assert client_a.get("/api/v1/portal/").json()["name"] == tenant_a.name
    assert client_b.get("/api/v1/portal/").json()["name"] == tenant_b.name


def test_api_keys_do_not_cross_tenants(tenant_a, tenant_b):
    from api.services import api_key_create

    with tenant_context(tenant_a):
        _key, token = api_key_create(user=admin_of(tenant_a), name="ci")
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {token}"}
    on_a = TenantClient(tenant_a.primary_domain).get("/api/v1/api-keys/", **headers)
    assert on_a.status_code == 200
    assert [k["name"] for k in on_a.json()["results"]] == ["ci"]
    on_b = TenantClient(tenant_b.primary_domain).get("/api/v1/api-keys/", **headers)
    assert on_b.status_code == 401
    assert on_b["Content-Type"] == "application/problem+json"


def test_sessions_and_logins_do_not_cross_tenants(tenant_a, tenant_b):
    client = login_on(TenantClient(tenant_a.primary_domain), tenant_a, admin_of(tenant_a))
    assert client.get("/admin/").status_code == 200
    # the same cookie jar presented to B's host is not a session there
    client_on_b = TenantClient(tenant_b.primary_domain)
    client_on_b.cookies = client.cookies
    assert client_on_b.get("/admin/").status_code == 302
    # A's admin credentials mean nothing on B
    login = TenantClient(tenant_b.primary_domain).post(
        "/admin/login/", {"username": f"admin@{tenant_a.slug}.example", "password": TEST_PASSWORD}
    )
    assert login.status_code == 200  # the form again, with an error
    with tenant_context(tenant_b):
        assert not get_user_model().objects.filter(email__endswith=tenant_a.slug + ".example")


def test_cookies_are_host_only(tenant_a):
    client = TenantClient(tenant_a.primary_domain)
    response = client.get("/admin/login/")
    assert "csrftoken" in response.cookies  # the login form sets one, so there is one to check
    login = client.post(
        "/admin/login/",
        {"username": f"admin@{tenant_a.slug}.example", "password": TEST_PASSWORD},
    )
    assert "sessionid" in login.cookies
    for morsel in [*response.cookies.values(), *login.cookies.values()]:
        assert not morsel["domain"], f"{morsel.key} cookie has a Domain attribute"
    assert settings.SESSION_COOKIE_DOMAIN is None and settings.CSRF_COOKIE_DOMAIN is None
    assert not any("*" in origin for origin in settings.CSRF_TRUSTED_ORIGINS)


def test_media_is_per_tenant(tenant_a, tenant_b, client_a, client_b):
    name = f"isolation/{uuid.uuid4().hex}.txt"
    with tenant_context(tenant_a):
        saved = default_storage.save(name, ContentFile(b"alpha secret"))
        url = default_storage.url(saved)
    try:
        assert url.startswith(f"/media/{tenant_a.schema_name}/")
        response = client_a.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"alpha secret"
        assert client_b.get(url).status_code == 404
        # and B's storage cannot open it by name either
        with tenant_context(tenant_b):
            assert not default_storage.exists(saved)
    finally:
        with tenant_context(tenant_a):
            default_storage.delete(saved)


def test_every_cache_alias_keys_by_tenant(tenant_a, tenant_b):
    key = f"isolation-{uuid.uuid4().hex}"
    for alias in settings.CACHES:
        with tenant_context(tenant_a):
            caches[alias].set(key, "alpha", 60)
            assert caches[alias].get(key) == "alpha"
        with tenant_context(tenant_b):
            assert caches[alias].get(key) is None, alias
        with tenant_context(tenant_a):
            caches[alias].delete(key)


def test_wagtail_site_root_cache_does_not_leak(client_a, tenant_a, tenant_b):
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY as KEY
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_VERSION as VERSION

    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            cache.delete(KEY, version=VERSION)
    from wagtail.models import Site

    with tenant_context(tenant_a):
        paths_a = Site.get_site_root_paths()  # what page URLs use; fills A's cache entry
        assert cache.get(KEY, version=VERSION) is not None
    with tenant_context(tenant_b):
        assert cache.get(KEY, version=VERSION) is None
        paths_b = Site.get_site_root_paths()
    assert tenant_a.primary_domain in paths_a[0].root_url
    assert tenant_b.primary_domain in paths_b[0].root_url


def test_unknown_host_gets_404_never_a_tenant():
    for host in ("nobody.localhost", "alpha.localhost.evil.example", "localhost.evil"):
        response = TenantClient(host).get("/")
        assert response.status_code == 404
        assert "Alpha Corp" not in response.content.decode()


def test_tenant_tables_hold_no_foreign_keys_into_public(tenant_a):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT con.conname, src.nspname, dst.nspname
            FROM pg_constraint con
            JOIN pg_class s ON s.oid = con.conrelid
            JOIN pg_namespace src ON src.oid = s.relnamespace
            JOIN pg_class d ON d.oid = con.confrelid
            JOIN pg_namespace dst ON dst.oid = d.relnamespace
            WHERE con.contype = 'f' AND src.nspname = %s AND dst.nspname <> src.nspname
            """,
            [tenant_a.schema_name],
        )
        crossing = cursor.fetchall()
    assert crossing == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint con JOIN pg_class s ON s.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = s.relnamespace WHERE con.contype = 'f' "
            "AND n.nspname = %s",
            [tenant_a.schema_name],
        )
        (fks,) = cursor.fetchone()
    assert fks > 20  # the tenant schema really has its own FKs (wagtail, auth, …)
