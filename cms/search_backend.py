"""Wagtail's PostgreSQL search backend with a text search configuration per content language.

Wagtail's backend indexes and queries everything with one configuration (`SEARCH_CONFIG`). Here
each object is indexed with the configuration of its own language (a page's locale; an object
that is not a page says its language through `search_language()`), its text prepared for that
language first (Croatian folded, Chinese segmented: see cms.languages), and a query is analysed
with the configuration of the language being searched, set with `searching_in(language)`.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search_backend"}}

Everything else (the index table in each tenant's schema, ranking, title boost, autocomplete)
is Wagtail's.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.db.models.sql.subqueries import InsertQuery
from modelsearch import abstract_models as _modelsearch_models
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresAutocompleteQueryCompiler,
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.index import RelatedFields
from modelsearch.query import PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from cms import languages

_search_language: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "portal_search_language", default=None
)


@contextlib.contextmanager
def searching_in(language_code: str | None) -> Iterator[None]:
    """Analyse queries run inside this block as `language_code` text."""
    token = _search_language.set(language_code)
    try:
        yield
    finally:
        _search_language.reset(token)


def query_language() -> str:
    return _search_language.get() or settings.LANGUAGE_CODE


def object_language(obj, locales: dict[int, str] | None = None) -> str:
    """The language an object's text is written in."""
    if hasattr(obj, "search_language"):
        return obj.search_language() or settings.LANGUAGE_CODE
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is not None:
        if locales is not None and locale_id in locales:
            return locales[locale_id]
        return obj.locale.language_code
    return settings.LANGUAGE_CODE


# Content type ids, remembered per schema. Django's ContentType cache would do, but django-tenants
# empties it at every schema switch (ids may differ between schemas), so each request of each
# tenant would ask again. A content type's id never changes once its row exists, and schema names
# are never reused, so (schema, what) is a safe key.
_TYPE_IDS: dict[tuple, object] = {}


def _remembered(key: tuple, compute):
    key = (connection.schema_name, *key)
    if key not in _TYPE_IDS:
        _TYPE_IDS[key] = compute()
    return _TYPE_IDS[key]


def content_type_ids(models) -> dict:
    """model → its content type id in the active schema."""
    from django.contrib.contenttypes.models import ContentType

    schema, models = connection.schema_name, list(models)
    missing = [model for model in models if (schema, "type", model) not in _TYPE_IDS]
    if missing:
        for model, content_type in ContentType.objects.get_for_models(*missing).items():
            _TYPE_IDS[(schema, "type", model)] = content_type.pk
    return {model: _TYPE_IDS[(schema, "type", model)] for model in models}


def _descendant_type_ids(model) -> list[int]:
    """modelsearch's lookup of a model's content type ids (itself and its subclasses), which it
    runs for every search query, remembered per schema (see above)."""
    return _remembered(("descendants", model), lambda: get_descendants_content_types_pks(model))


_modelsearch_models.get_descendants_content_types_pks = _descendant_type_ids


class LanguageObjectIndexer(ObjectIndexer):
    def __init__(self, obj, backend, language: str):
        super().__init__(obj, backend)
        self.language = language
        self.config = languages.config_for(language)

    def prepare_field(self, obj, field):
        if isinstance(field, RelatedFields):
            # The related objects' fields come back through this method, prepared once.
            yield from super().prepare_field(obj, field)
            return
        for current_field, weight, value in super().prepare_field(obj, field):
            yield current_field, weight, languages.prepare_text(value, self.language)


class LanguageIndex(PostgresIndex):
    def add_items(self, model, objs):
        """Wagtail's add_items, with each object indexed in its own language."""
        if not model.get_search_fields():
            return
        from wagtail.models import Locale

        locales = dict(Locale.objects.values_list("pk", "language_code"))
        indexers = [
            LanguageObjectIndexer(obj, self.backend, object_language(obj, locales)) for obj in objs
        ]
        if not indexers:
            return

        content_type_pk = get_content_type_pk(model)
        compiler = InsertQuery(IndexEntry).get_compiler(connection=self.write_connection)
        rows = []
        params: list = []
        for indexer in indexers:
            params.extend((content_type_pk, indexer.id))
            vectors = []
            for name, value in (
                ("title", indexer.title),
                ("autocomplete", indexer.autocomplete),
                ("body", indexer.body),
            ):
                prepared = compiler.prepare_value(IndexEntry._meta.get_field(name), value)
                sql, value_params = prepared.as_sql(compiler, self.write_connection)
                vectors.append(sql)
                params.extend(value_params)
            params.extend((indexer.title_text, indexer.body_text))
            rows.append(f"(%s, %s, {vectors[0]}, {vectors[1]}, {vectors[2]}, 1.0, %s, %s)")

        table = IndexEntry._meta.db_table
        with self.write_connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,
                                     title_norm, title_text, body_text)
                (VALUES {", ".join(rows)})
                ON CONFLICT (content_type_id, object_id)
                DO UPDATE SET title = EXCLUDED.title,
                              title_norm = 1.0,
                              autocomplete = EXCLUDED.autocomplete,
                              body = EXCLUDED.body,
                              title_text = EXCLUDED.title_text,
                              body_text = EXCLUDED.body_text
                """,
                params,
            )
        self._refresh_title_norms()


class _LanguageQueryMixin:
    def get_config(self, backend):
        return languages.config_for(query_language())

    def build_tsquery_content(self, query, config=None, invert=False):
        if isinstance(query, PlainText):
            prepared = languages.prepare_text(query.query_string, query_language(), for_query=True)
            if prepared != query.query_string:
                query = PlainText(prepared, operator=query.operator, boost=query.boost)
        return super().build_tsquery_content(query, config=config, invert=invert)


class LanguageSearchQueryCompiler(_LanguageQueryMixin, PostgresSearchQueryCompiler):
    def search(self, config, start, stop, score_field=None, backend=None):
        """Wagtail's search, except that a plain "any of these words" query matches each vector
        on its own (title @@ q OR body @@ q) rather than their concatenation: the same rows,
        without building a combined vector for every row of the table."""
        if not (isinstance(self.query, PlainText) and self.query.operator == "or"):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        search_query = self.build_tsquery(self.query, config=config)
        vectors = self.get_search_vectors(search_query)
        rank_expression = self._build_rank_expression(vectors, config)
        annotations = {f"_vector_{n}_": vector for n, (vector, _boost) in enumerate(vectors)}
        matches = Q()
        for name in annotations:
            matches |= Q(**{name: search_query})
        queryset = self.queryset.annotate(**annotations).filter(matches)
        return self._apply_ordering_and_scoring(queryset, rank_expression, start, stop, score_field)


class LanguageAutocompleteQueryCompiler(_LanguageQueryMixin, PostgresAutocompleteQueryCompiler):
    def get_config(self, backend):
        # Autocomplete matches word beginnings, unstemmed (as Wagtail's backend does).
        return backend.autocomplete_config


class LanguageSearchBackend(PostgresSearchBackend):
    query_compiler_class = LanguageSearchQueryCompiler
    autocomplete_query_compiler_class = LanguageAutocompleteQueryCompiler
    index_class = LanguageIndex


SearchBackend = LanguageSearchBackend
