"""OpenSearch search backend that keeps tenants apart (active when `OPENSEARCH_URL` is set).

Wagtail's OpenSearch backend (the `modelsearch` package) writes every schema's objects into the
same indexes, one per root model, and searches them all. Here the indexes are still shared by all
tenants — one index per tenant would run out of shards at a few dozen tenants — but:

- every document carries a keyword field `tenant` (the schema it was indexed in) and an id
  prefixed with the schema (primary keys collide across schemas);
- every index, delete and bulk call passes `routing=<schema>`, so a tenant's documents live on one
  shard;
- each tenant has a filtered alias `<index>__<schema>` (`term: {tenant: <schema>}`, routed by the
  schema), created when the tenant is first indexed; searches, autocomplete, facets and counts go
  only through the current schema's alias, never the shared index, and the query itself also
  filters on the tenant term;
- nothing is indexed and no search runs in the public schema (a search there is refused);
- rebuilding an index rebuilds only the current tenant's documents; the shared index is never
  deleted. `manage.py search_reindex` does this tenant by tenant, and `purge_tenant()` removes a
  purged tenant's documents and aliases.

Built on `modelsearch.backends.opensearch3`, the variant for the opensearch-py 3.x client (its
keyword-only API); that client speaks to OpenSearch 2.x and 3.x servers alike.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time

from django.db import connection
from django_tenants.utils import get_public_schema_name
from modelsearch.backends import get_search_backend
from modelsearch.backends.opensearch3 import (
    OpenSearch3AutocompleteQueryCompiler,
    OpenSearch3Index,
    OpenSearch3Mapping,
    OpenSearch3SearchBackend,
    OpenSearch3SearchQueryCompiler,
    OpenSearch3SearchResults,
)
from modelsearch.index import class_is_indexed, get_indexed_models
from opensearchpy import NotFoundError, RequestError

logger = logging.getLogger(__name__)

TENANT_FIELD = "tenant"
INDEXED_AT_FIELD = "_indexed_at"  # epoch milliseconds; a reindex drops older documents
_SCHEMA_RE = re.compile(r"^[a-z0-9_]{1,63}$")

# (cluster, index) pairs known to exist and (cluster, index, schema) aliases known to exist,
# so indexing does not ask the server on every save. Cleared for a schema when it is purged.
_ready_indexes: set[tuple[str, str]] = set()
_ready_aliases: set[tuple[str, str, str]] = set()


class PublicSchemaSearchError(RuntimeError):
    """A search ran outside any tenant: there is no tenant whose documents it could see."""


def current_schema() -> str | None:
    """The tenant schema this connection is in, or None in the public schema."""
    schema = getattr(connection, "schema_name", None)
    if not schema or schema == get_public_schema_name():
        return None
    if not _SCHEMA_RE.match(schema):
        raise ValueError(f"Unexpected schema name {schema!r}")
    return schema


def require_schema() -> str:
    schema = current_schema()
    if schema is None:
        raise PublicSchemaSearchError(
            "Search runs only inside a tenant schema; the public schema has no search index."
        )
    return schema


def forget_ready_state() -> None:
    """Forget which indexes and aliases are known to exist (e.g. after pointing at another
    cluster); the next write checks again."""
    _ready_indexes.clear()
    _ready_aliases.clear()


def _now_ms() -> int:
    return int(time.time() * 1000)


def alias_name(index_name: str, schema: str) -> str:
    return f"{index_name}__{schema}"


def tenant_filter(schema: str) -> dict:
    return {"term": {TENANT_FIELD: schema}}


class TenantMapping(OpenSearch3Mapping):
    def get_mapping(self):
        mapping = super().get_mapping()
        properties = mapping["properties"]
        for name in (TENANT_FIELD, INDEXED_AT_FIELD):
            if name in properties:
                raise ValueError(
                    f"{self.model.__name__} has a search field named {name!r}, which the "
                    "tenant-aware OpenSearch backend reserves."
                )
        properties[TENANT_FIELD] = {"type": "keyword"}
        properties[INDEXED_AT_FIELD] = {"type": "long"}
        return mapping

    def get_document_id(self, obj):
        return f"{require_schema()}:{obj.pk}"

    def get_document(self, obj):
        document = super().get_document(obj)
        document[TENANT_FIELD] = require_schema()
        document[INDEXED_AT_FIELD] = _now_ms()
        return document


class TenantIndex(OpenSearch3Index):
    """One shared index (per root model), written with the current schema's routing."""

    @property
    def _cluster(self) -> str:
        return self.backend.cluster_key

    def alias_for(self, schema: str) -> str:
        return alias_name(self.name, schema)

    def _models(self):
        return [
            model
            for model in get_indexed_models()
            if self.backend.get_index_for_model(model).name == self.name
        ]

    def put(self):
        """Create the shared index with its analysers and every model's mapping."""
        try:
            self.es.indices.create(index=self.name, body=self.backend.settings)
        except RequestError as exc:
            if "resource_already_exists_exception" not in str(exc):
                raise
        for model in self._models():
            self.add_model(model)

    def ensure(self, schema: str) -> None:
        """Make sure the shared index and this schema's filtered alias exist."""
        if (self._cluster, self.name) not in _ready_indexes:
            if not self.exists():
                self.put()
            _ready_indexes.add((self._cluster, self.name))
        if (self._cluster, self.name, schema) not in _ready_aliases:
            self.put_tenant_alias(schema)
            _ready_aliases.add((self._cluster, self.name, schema))

    def put_tenant_alias(self, schema: str) -> None:
        self.es.indices.put_alias(
            index=self.name,
            name=self.alias_for(schema),
            body={"filter": tenant_filter(schema), "routing": schema},
        )

    def add_item(self, item):
        if not class_is_indexed(item.__class__):
            return
        schema = current_schema()
        if schema is None:
            return  # nothing is indexed in the public schema
        self.ensure(schema)
        mapping = self.mapping_class(item.__class__)
        self.es.index(
            index=self.name,
            body=mapping.get_document(item),
            id=mapping.get_document_id(item),
            routing=schema,
        )

    def add_items(self, model, items):
        if not class_is_indexed(model):
            return
        schema = current_schema()
        if schema is None:
            return
        self.ensure(schema)
        mapping = self.mapping_class(model)
        actions = []
        for item in items:
            action = {"_id": mapping.get_document_id(item), "_routing": schema}
            action.update(mapping.get_document(item))
            actions.append(action)
        if actions:
            self.backend.bulk(self.es, actions, index=self.name)

    def delete_item(self, item):
        if not class_is_indexed(item.__class__):
            return
        schema = current_schema()
        if schema is None:
            return
        mapping = self.mapping_class(item.__class__)
        with contextlib.suppress(NotFoundError):  # never indexed: nothing to delete
            self.es.delete(index=self.name, id=mapping.get_document_id(item), routing=schema)

    def delete_tenant_documents(self, schema: str, *, older_than_ms: int | None = None) -> int:
        """Delete this schema's documents (only those indexed before `older_than_ms`, if given)."""
        query: dict = {"bool": {"filter": [tenant_filter(schema)]}}
        if older_than_ms is not None:
            query["bool"]["should"] = [
                {"range": {INDEXED_AT_FIELD: {"lt": older_than_ms}}},
                {"bool": {"must_not": {"exists": {"field": INDEXED_AT_FIELD}}}},
            ]
            query["bool"]["minimum_should_match"] = 1
        try:
            response = self.es.delete_by_query(
                index=self.name,
                body={"query": query},
                routing=schema,
                conflicts="proceed",
                refresh=True,
            )
        except NotFoundError:
            return 0
        return int(response.get("deleted", 0))

    def delete_tenant_alias(self, schema: str) -> None:
        with contextlib.suppress(NotFoundError):
            self.es.indices.delete_alias(index=self.name, name=self.alias_for(schema))
        _ready_aliases.discard((self._cluster, self.name, schema))

    def reset(self):
        """Reset only the current tenant's part of the shared index."""
        schema = require_schema()
        self.ensure(schema)
        self.delete_tenant_documents(schema)


class TenantIndexRebuilder:
    """Rebuilds the current tenant's documents in a shared index: documents are overwritten in
    place and, when done, the tenant's documents that were not written again are dropped."""

    def __init__(self, index):
        self.index = index
        self.started_ms = 0

    def start(self):
        schema = require_schema()
        self.index.ensure(schema)
        self.started_ms = _now_ms()
        return self.index

    def finish(self):
        self.index.refresh()
        self.index.delete_tenant_documents(require_schema(), older_than_ms=self.started_ms)


class TenantQueryMixin:
    def get_filters(self):
        # Belt and braces: the alias already filters by tenant; the query does too.
        return [*super().get_filters(), tenant_filter(require_schema())]


class TenantSearchQueryCompiler(TenantQueryMixin, OpenSearch3SearchQueryCompiler):
    mapping_class = TenantMapping


class TenantAutocompleteQueryCompiler(TenantQueryMixin, OpenSearch3AutocompleteQueryCompiler):
    mapping_class = TenantMapping


class TenantSearchResults(OpenSearch3SearchResults):
    """Every search, facet and count goes through the current schema's alias."""

    def _alias(self) -> tuple[str, str]:
        schema = require_schema()
        index = self.backend.get_index_for_model(self.query_compiler.queryset.model)
        return index.alias_for(schema), schema

    def _backend_do_search(self, body, **kwargs):
        alias, schema = self._alias()
        kwargs["index"] = alias
        kwargs["routing"] = schema
        try:
            return super()._backend_do_search(body, **kwargs)
        except NotFoundError:
            # The tenant has never been indexed, so it has no alias yet: nothing to find.
            return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": _NO_BUCKETS}

    def _do_count(self):
        alias, schema = self._alias()
        try:
            count = self.backend.es.count(
                index=alias, body=self._get_es_body(for_count=True), routing=schema
            )["count"]
        except NotFoundError:
            count = 0
        count -= self.start
        if self.stop is not None:
            count = min(count, self.stop - self.start)
        return max(count, 0)


class _NoBuckets(dict):
    """Aggregations answer for a tenant without an alias: every facet is empty."""

    def __missing__(self, key):
        return {"buckets": []}


_NO_BUCKETS = _NoBuckets()


class TenantOpenSearchBackend(OpenSearch3SearchBackend):
    mapping_class = TenantMapping
    index_class = TenantIndex
    query_compiler_class = TenantSearchQueryCompiler
    autocomplete_query_compiler_class = TenantAutocompleteQueryCompiler
    results_class = TenantSearchResults
    basic_rebuilder_class = TenantIndexRebuilder
    atomic_rebuilder_class = TenantIndexRebuilder  # the shared index is never swapped

    def __init__(self, params):
        super().__init__(params)
        self.cluster_key = repr(self.hosts)

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        require_schema()  # refuse at once in the public schema, before any request
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)

    def purge_tenant(self, schema: str) -> int:
        """Delete every document and alias of `schema` (a purged tenant) from the shared indexes."""
        if not _SCHEMA_RE.match(schema) or schema == get_public_schema_name():
            raise ValueError(f"Not a tenant schema: {schema!r}")
        deleted = 0
        for index in self.all_indexes():
            deleted += index.delete_tenant_documents(schema)
            index.delete_tenant_alias(schema)
        return deleted


SearchBackend = TenantOpenSearchBackend


def is_active() -> bool:
    return isinstance(get_search_backend(), TenantOpenSearchBackend)


def purge_tenant(schema: str) -> int:
    """Remove a purged tenant's documents and aliases; a no-op unless this backend is active."""
    backend = get_search_backend()
    if not isinstance(backend, TenantOpenSearchBackend):
        return 0
    deleted = backend.purge_tenant(schema)
    logger.info("Removed %d search documents of schema %s", deleted, schema)
    return deleted
