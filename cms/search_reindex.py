"""Rebuild the search index of one tenant schema, with whichever backend is configured.

With the PostgreSQL backend this is Wagtail's own rebuild (`modelsearch`'s update_index logic)
inside the schema; with the OpenSearch backend (`cms.search_opensearch`) the same steps write the
tenant's documents into the shared indexes under its routing and then drop the tenant's documents
that were not written again (objects deleted meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django_tenants.utils import schema_context
from modelsearch.backends import get_search_backend
from modelsearch.index import get_indexed_models
from modelsearch.management.commands.rebuild_modelsearch_index import group_models_by_index

DEFAULT_CHUNK_SIZE = 500


def tenant_indexed_models() -> list:
    """Indexed models whose tables live in tenant schemas."""
    tenant_apps = set(settings.TENANT_APPS)
    return [model for model in get_indexed_models() if model._meta.app_config.name in tenant_apps]


def _chunks(queryset, size: int) -> Iterator[list]:
    """The rows of `queryset` in primary-key order, `size` at a time, each chunk starting after
    the last key read (not at an offset): a row deleted or added while a long reindex runs
    cannot shift the rest, so no surviving row is skipped."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        items = list(page[:size])
        if not items:
            return
        yield items
        last = items[-1].pk


def reindex_schema(
    schema: str,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Rebuild every search index of `schema`; returns the number of objects indexed.
    `on_chunk(n)` is called after each chunk of `n` objects is written."""
    indexed = 0
    with schema_context(schema):
        backend = get_search_backend()
        if not backend.rebuilder_class:
            return 0
        for index, models in group_models_by_index(backend, tenant_indexed_models()).items():
            rebuilder = backend.rebuilder_class(index)
            index = rebuilder.start()
            for model in models:
                index.add_model(model)
            for model in models:
                for chunk in _chunks(model.get_indexed_objects(), chunk_size):
                    index.add_items(model, chunk)
                    indexed += len(chunk)
                    if on_chunk is not None:
                        on_chunk(len(chunk))
            rebuilder.finish()
    return indexed
