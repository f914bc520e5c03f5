"""Fixtures: the tenant-aware OpenSearch backend pointed at a local fake server, and helpers."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from cms import search_opensearch
from tests.search_opensearch.fake_server import FakeOpenSearch

PREFIX = "test_"
PAGE_INDEX = f"{PREFIX}wagtailcore_page"


def backend_settings(url: str, prefix: str = PREFIX) -> dict:
    return {
        "default": {
            "BACKEND": "cms.search_opensearch",
            "URLS": [url],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 5,
        }
    }


@pytest.fixture
def fake_opensearch(settings):
    server = FakeOpenSearch()
    server.start()
    search_opensearch.forget_ready_state()
    settings.WAGTAILSEARCH_BACKENDS = backend_settings(server.url)
    yield server
    server.stop()
    search_opensearch.forget_ready_state()


def publish(tenant, title: str, slug: str, intro: str = ""):
    from cms.models import ContentPage, HomePage

    with tenant_context(tenant):
        home = HomePage.objects.get()
        page = ContentPage(title=title, slug=slug, intro=intro)
        home.add_child(instance=page)
        page.save_revision().publish()
        return page


def contains(obj, needle) -> bool:
    """Whether `needle` appears anywhere inside the JSON-like `obj`."""
    if obj == needle:
        return True
    if isinstance(obj, dict):
        return any(contains(value, needle) for value in obj.values())
    if isinstance(obj, list):
        return any(contains(value, needle) for value in obj)
    return False
