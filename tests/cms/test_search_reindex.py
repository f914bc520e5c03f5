"""Rebuilding a tenant's search index in chunks."""

import pytest
from django_tenants.utils import tenant_context
from modelsearch.backends.database.postgres.postgres import IndexEntry

from cms.models import ContentPage, HomePage
from cms.search_reindex import _chunks, reindex_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_pages(tenant_a):
    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        pages = []
        for n in range(7):
            page = home.add_child(instance=ContentPage(title=f"Chunked page {n}", slug=f"ch-{n}"))
            page.save_revision().publish()
            pages.append(page)
    return pages


def test_a_row_deleted_between_chunks_skips_none_of_the_others(tenant_a, seven_pages):
    with tenant_context(tenant_a):
        queryset = ContentPage.objects.filter(pk__in=[p.pk for p in seven_pages])
        read = []
        for chunk in _chunks(queryset, 2):
            read.extend(page.pk for page in chunk)
            if len(read) == 2:
                # An editor deletes a page the reindex has already read.
                ContentPage.objects.get(pk=read[0]).delete()
        assert sorted(read) == sorted(p.pk for p in seven_pages)


def test_reindex_writes_every_page_in_chunks(tenant_a, seven_pages):
    with tenant_context(tenant_a):
        IndexEntry.objects.all().delete()
        chunks = []
        reindex_schema(tenant_a.schema_name, chunk_size=2, on_chunk=chunks.append)
        indexed = set(IndexEntry.objects.values_list("object_id", flat=True))
        assert {str(p.pk) for p in seven_pages} <= indexed
        assert chunks and max(chunks) == 2
