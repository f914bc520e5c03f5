"""The portal search suite against a real OpenSearch server, when one is reachable.

Set OPENSEARCH_TEST_URL (or OPENSEARCH_URL) to run it; otherwise every test here is skipped with
the reason "no OpenSearch server reachable". Each test writes under its own index prefix and
deletes its indexes afterwards, so a shared cluster is left as it was.
"""

from __future__ import annotations

import io
import os
import uuid
from urllib.error import URLError
from urllib.request import urlopen

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context
from modelsearch.backends import get_search_backend

from cms import search_opensearch
from cms.search import portal_search
from tests.search_opensearch.conftest import backend_settings, publish

pytestmark = pytest.mark.django_db


def _server_url() -> str | None:
    url = os.environ.get("OPENSEARCH_TEST_URL") or os.environ.get("OPENSEARCH_URL")
    if not url:
        return None
    try:
        with urlopen(url, timeout=3) as response:  # noqa: S310 (a URL the tester configured)
            return url if response.status == 200 else None
    except (URLError, OSError, ValueError):
        return None


SERVER_URL = _server_url()
if SERVER_URL is None:
    pytestmark = [pytestmark, pytest.mark.skip(reason="no OpenSearch server reachable")]


@pytest.fixture
def opensearch(settings):
    prefix = f"test_{uuid.uuid4().hex[:8]}_"
    search_opensearch.forget_ready_state()
    settings.WAGTAILSEARCH_BACKENDS = backend_settings(SERVER_URL, prefix)
    backend = get_search_backend()
    yield backend
    backend.es.indices.delete(index=f"{prefix}*", expand_wildcards="all")
    search_opensearch.forget_ready_state()


def _refresh(backend):
    for index in backend.all_indexes():
        if index.exists():
            index.refresh()


@pytest.fixture
def content_a(opensearch, tenant_a):
    pages = [
        publish(tenant_a, "Resetting your password", "reset", "Forgot it? Reset."),
        publish(
            tenant_a,
            "Billing overview",
            "billing-overview",
            "Invoices, and how to change the password of the billing contact.",
        ),
    ]
    _refresh(opensearch)
    return pages


def test_results_are_ranked_and_highlighted(content_a, tenant_a):
    with tenant_context(tenant_a):
        results = portal_search("password", None)
        titles = [hit.title for hit in results.hits]
        assert titles.index("Resetting your password") < titles.index("Billing overview")
        billing = next(hit for hit in results.hits if hit.title == "Billing overview")
        assert "<mark>password</mark>" in billing.highlighted


def test_tenant_a_content_is_never_found_from_tenant_b(content_a, client_a, client_b, tenant_b):
    assert "Resetting your password" in client_a.get("/search/", {"q": "password"}).content.decode()
    assert (
        "Resetting your password"
        not in client_b.get("/search/", {"q": "password"}).content.decode()
    )
    assert client_b.get("/search/suggest/", {"q": "pass"}).json()["suggestions"] == []
    with tenant_context(tenant_b):
        assert portal_search("password", None).hits == []


def test_suggestions_as_you_type(content_a, client_a):
    data = client_a.get("/search/suggest/", {"q": "pass"}).json()
    assert data["suggestions"][0]["title"] == "Resetting your password"


def test_same_primary_key_in_two_tenants_stays_apart(opensearch, tenant_a, tenant_b):
    a = publish(tenant_a, "Walrus feeding", "walrus")
    b = publish(tenant_b, "Walrus feeding", "walrus")
    _refresh(opensearch)
    with tenant_context(tenant_a):
        assert [hit.obj.pk for hit in portal_search("walrus", None).hits] == [a.pk]
    with tenant_context(tenant_b):
        assert [hit.obj.pk for hit in portal_search("walrus", None).hits] == [b.pk]


def test_reindex_drops_stale_documents_and_purge_removes_the_tenant(
    opensearch, settings, tenant_a, tenant_b
):
    from cms.models import ContentPage

    page = publish(tenant_a, "Narwhal notes", "narwhal")
    publish(tenant_b, "Narwhal notes", "narwhal")
    # Gone from the database without the index being told (as after restoring a backup).
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    with tenant_context(tenant_a):
        ContentPage.objects.get(pk=page.pk).delete()
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = True
    _refresh(opensearch)
    with tenant_context(tenant_a):
        assert portal_search("narwhal", None).counts  # the stale document is still found …
    call_command("search_reindex", "--tenant", "alpha", stdout=io.StringIO())
    _refresh(opensearch)
    with tenant_context(tenant_a):  # … until the reindex drops it
        assert portal_search("narwhal", None).hits == []
    with tenant_context(tenant_b):
        assert len(portal_search("narwhal", None).hits) == 1
    search_opensearch.purge_tenant(tenant_b.schema_name)
    _refresh(opensearch)
    with tenant_context(tenant_b):
        assert portal_search("narwhal", None).hits == []
