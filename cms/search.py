"""Portal search: one query across the platform's own pages and every switched-on module.

Each module says what is searchable through the registry (`ModuleSpec.page_types` and
`search_models`). A searchable model may implement the search contract:

- `search_queryset(cls, request)`: the objects this request may see (live, public, visibility
  respected), and
- `search_result(self)`: `dict(title=, url=, snippet=, kind=)`.

Page types without it are searched as live, public pages. Content of switched-off modules is
never searched. Everything runs in the tenant's own schema (Wagtail's PostgreSQL backend).

Only the content tree the visitor reads is searched (cms.languages.content_locale: the
translation in their language, when the portal has one), and the query is analysed in that
language (cms.search_backend). A model that is not a page names its locale lookup in
`search_locale_field` (e.g. "page__locale"). A query that finds nothing is corrected word by
word against the tenant's own vocabulary (cms.spelling) and run again.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms import languages, spelling
from cms.languages import content_locale
from cms.search_backend import content_type_ids, searching_in
from cms.visibility import visible_pages
from modules import registry

SNIPPET_CHARS = 240
PER_SOURCE_LIMIT = 100  # the best this many of each query; counts say "at least" beyond


class SearchHit:
    """One result. Title, address and snippet are worked out only when shown, so a query that
    matches hundreds of objects resolves just the page of results on screen."""

    def __init__(self, obj, *, kind_label: str, module: str, score: float, query: str):
        self.obj = obj
        self.module = module  # registry key, or "" for the platform's own pages
        self.score = score
        self._kind_label = kind_label
        self._query = query

    @cached_property
    def _data(self) -> dict:
        obj = self.obj
        if type(obj) is Page:  # found by the all-pages query and not resolved in bulk
            obj = self.obj = obj.specific
        return _result(obj, self._kind_label)

    @property
    def path(self) -> str:
        """Where the result sits in the page tree (for the category filter): a page's own path,
        or what a model that is not a page says through `search_path()`."""
        if isinstance(self.obj, Page):
            return self.obj.path
        return self.obj.search_path() if hasattr(self.obj, "search_path") else ""

    @property
    def title(self) -> str:
        return self._data["title"]

    @property
    def url(self) -> str:
        return self._data["url"]

    @property
    def kind(self) -> str:
        return str(self._data.get("kind") or self._kind_label)

    @cached_property
    def snippet(self) -> str:
        return Truncator(strip_tags(self._data.get("snippet") or "")).chars(2000)

    @cached_property
    def highlighted(self) -> SafeString:
        return highlight(self.snippet, self._query)


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    counts: dict[str, int]  # module key ("" for pages) → number of hits
    module: str | None
    corrected: str | None = None  # the query actually run, when the typed one found nothing
    capped: bool = False  # some query had more matches than it returned (counts are minimums)
    language: str | None = None  # the language the query was analysed in

    @property
    def query_run(self) -> str:
        return self.corrected or self.query


def resolve(hits) -> list:
    """Turn the pages among `hits` into their specific types with one query per page type,
    before their titles and addresses are shown (call it on the page of results on screen)."""
    hits = list(hits)
    generic = [hit for hit in hits if type(hit.obj) is Page]
    if generic:
        specific = {
            page.pk: page
            for page in Page.objects.filter(pk__in=[hit.obj.pk for hit in generic]).specific()
        }
        for hit in generic:
            hit.obj = specific.get(hit.obj.pk, hit.obj)
    return hits


def _platform_page_models():
    from cms.models import ContentPage

    return [ContentPage]


def _sources(request, deflection: bool = False):
    """(module key, label, model) for everything searchable on this tenant right now. Answers
    offered before a ticket (`deflection`) come from the modules' `search_models` only (an
    article, an FAQ answer, a video, a topic, an idea), not from index or platform pages."""
    seen = set()
    if not deflection:
        for model in _platform_page_models():
            seen.add(model)
            yield "", _("Page"), model
    enabled = registry.enabled_keys(request)
    for spec in registry.all_modules():
        if spec.key not in enabled:
            continue
        labels = spec.search_models if deflection else (*spec.page_types, *spec.search_models)
        for label in labels:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                continue
            if model in seen:
                continue
            seen.add(model)
            yield spec.key, str(spec.label), model


def _searched_with_pages(model) -> bool:
    """Page types searched together, in one query over all pages: those with no search_queryset
    of their own, and those whose search_queryset is the standard "live pages this visitor may
    open" (they say so with `search_pages_visible = True`)."""
    return issubclass(model, Page) and (
        not hasattr(model, "search_queryset") or getattr(model, "search_pages_visible", False)
    )


def _queryset(model, request, locale=None, deflection: bool = False):
    if deflection and hasattr(model, "deflection_queryset"):
        queryset = model.deflection_queryset(request)
    elif hasattr(model, "search_queryset"):
        queryset = model.search_queryset(request)
    elif issubclass(model, Page):
        queryset = visible_pages(model.objects.all(), request)
    else:
        return model.objects.none()
    lookup = getattr(model, "search_locale_field", "locale" if issubclass(model, Page) else None)
    if lookup and locale is not None:
        queryset = queryset.filter(**{lookup: locale})
    return queryset


@dataclass
class _Query:
    queryset: object
    key: str = ""
    label: str = ""
    by_content_type: dict | None = None  # content type id → (module key, label), for pages

    def source_of(self, obj) -> tuple[str, str]:
        if self.by_content_type is not None:
            return self.by_content_type.get(obj.content_type_id, ("", ""))
        return self.key, self.label


def _queries(request, locale, module: str | None = None, deflection: bool = False) -> list[_Query]:
    """The queries one search runs: one over every searchable page type (ranked together, so a
    portal with a dozen page types still runs one query), then one per other model."""
    sources = list(_sources(request, deflection))
    if module is not None:  # one module's content only: the others are not even queried
        sources = [source for source in sources if source[0] == module]
    pages = [(key, label, model) for key, label, model in sources if _searched_with_pages(model)]
    queries = []
    if pages:
        types = content_type_ids([model for _k, _l, model in pages])
        by_content_type = {types[model]: (key, label) for key, label, model in pages}
        queryset = visible_pages(
            Page.objects.filter(content_type_id__in=list(by_content_type)), request
        )
        if locale is not None:
            queryset = queryset.filter(locale=locale)
        # Ranked rows carry only what ranking and counting need; the page of results on screen
        # is loaded in full by resolve().
        queryset = queryset.only("id", "content_type_id", "path")
        queries.append(_Query(queryset, by_content_type=by_content_type))
    for key, label, model in sources:
        if not _searched_with_pages(model):
            queries.append(_Query(_queryset(model, request, locale, deflection), key, label))
    return queries


def _result(obj, kind_label: str) -> dict:
    if hasattr(obj, "search_result"):
        return obj.search_result()
    summary = getattr(obj, "search_description", "") or getattr(obj, "intro", "") or ""
    return {
        "title": obj.title,
        "url": obj.url if isinstance(obj, Page) else "",
        "snippet": strip_tags(summary),
        "kind": kind_label,
    }


def _terms(query: str) -> list[str]:
    return [term for term in re.split(r"\s+", query.strip()) if len(term) >= 2][:8]


def highlight(text: str, query: str) -> SafeString:
    """Escape `text`, cut it around the first matching term, and wrap the terms in <mark>."""
    text = re.sub(r"\s+", " ", text or "").strip()
    terms = _terms(query)
    lower = text.lower()
    first = min((i for i in (lower.find(t.lower()) for t in terms) if i >= 0), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    window = text[start : start + SNIPPET_CHARS]
    if start > 0:
        window = "…" + window.lstrip()
    if start + SNIPPET_CHARS < len(text):
        window = window.rstrip() + "…"
    escaped = html.escape(window)
    if terms:
        pattern = re.compile(
            "|".join(re.escape(html.escape(t)) for t in sorted(terms, key=len, reverse=True)),
            re.IGNORECASE,
        )
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return mark_safe(escaped)  # noqa: S308 (built from escaped text and our own <mark> tags)


# Markers ts_headline puts around a match: private-use characters, removed from the text first.
_START, _STOP = "\ue000", "\ue001"
_HEADLINE_OPTIONS = (
    f"StartSel={_START}, StopSel={_STOP}, MinWords=25, MaxWords=45, ShortWord=2, HighlightAll=false"
)


def highlight_hits(hits, query: str, language: str | None = None) -> None:
    """Mark the query's words in the snippets of `hits` in every form the search matched them
    («пароля» marks «пароль», "configure" marks "configuring"): PostgreSQL's ts_headline with
    the language's text search configuration, one query for the results on screen. Languages
    whose text is folded or segmented before it is indexed (Croatian, Chinese) keep the plain
    highlighter, which marks the typed word, and so does a snippet ts_headline finds nothing in."""
    words = re.findall(r"\w{2,}", query or "")[:8]
    base = languages.base_language(language)
    hits = [hit for hit in hits if hit.snippet]
    if not hits or not words or base in languages.FOLDED or base in languages.SEGMENTED:
        return
    config = languages.config_for(language)
    texts = [
        re.sub(r"\s+", " ", hit.snippet.replace(_START, "").replace(_STOP, "")).strip()
        for hit in hits
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline(%s::regconfig, t, websearch_to_tsquery(%s::regconfig, %s), %s) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n",
            [config, config, " or ".join(words), _HEADLINE_OPTIONS, texts],
        )
        headlines = [row[0] for row in cursor.fetchall()]
    for hit, headline, text in zip(hits, headlines, texts, strict=True):
        if _START in headline:
            hit.__dict__["highlighted"] = _marked(headline, text)


def _marked(headline: str, text: str) -> SafeString:
    plain = headline.replace(_START, "").replace(_STOP, "").strip()
    escaped = html.escape(headline.strip())
    escaped = escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")
    if not text.startswith(plain):
        escaped = "…" + escaped
    if not text.endswith(plain):
        escaped += "…"
    return mark_safe(escaped)  # noqa: S308 (escaped text and our own <mark> tags)


def _find(queryset, query: str, autocomplete: bool, limit: int = PER_SOURCE_LIMIT):
    """Run the query through the search backend (any queryset of an indexed model works, with or
    without a searchable manager). Models without AutocompleteFields match whole words only."""
    backend = get_search_backend()
    if autocomplete and queryset.model.get_autocomplete_search_fields():
        found = backend.autocomplete(query, queryset)
    else:
        found = backend.search(query, queryset, operator="or")
    return list(found.annotate_score("_score")[:limit])


def portal_search(
    query: str,
    request=None,
    *,
    module: str | None = None,
    autocomplete: bool = False,
    limit: int = PER_SOURCE_LIMIT,
    deflection: bool = False,
) -> SearchResults:
    """Search everything visible to `request`. With `autocomplete`, the last word may be
    partial (as-you-type suggestions). `limit`: at most this many hits from each query (the
    counts per module count no further). `module`: search that module's content only (e.g. a
    module's own "similar" suggestions); the results page filters by module after searching
    everything, so that each filter can show its count. `deflection`: answers offered to
    someone about to open a ticket: a model may narrow what it offers then with a
    `deflection_queryset(request)` classmethod (the forum offers solved questions only), and
    only the modules' `search_models` are offered (no index or platform pages)."""
    query = (query or "").strip()[:200]
    if not query:
        return SearchResults(query, [], {}, module)
    locale = content_locale(request) if request is not None else None
    language = locale.language_code if locale is not None else None
    with searching_in(language):
        queries = _queries(request, locale, module, deflection)
        results = _run(queries, query, module, autocomplete, limit)
        results.language = language
        if not autocomplete and not any(results.counts.values()):
            corrected = spelling.correct(query, language)
            if corrected and corrected != query.lower():
                retry = _run(queries, corrected, module, autocomplete, limit)
                if any(retry.counts.values()):
                    retry.corrected = corrected
                    retry.language = language
                    return retry
    return results


def _run(queries: list[_Query], query: str, module: str | None, autocomplete: bool, limit: int):
    hits: list[SearchHit] = []
    counts: dict[str, int] = {}
    capped = False
    for source in queries:
        found = _find(source.queryset, query, autocomplete, limit)
        capped = capped or len(found) >= limit
        for obj in found:
            key, label = source.source_of(obj)
            counts[key] = counts.get(key, 0) + 1
            if module is not None and key != module:
                continue
            hits.append(
                SearchHit(
                    obj,
                    kind_label=label,
                    module=key,
                    score=float(getattr(obj, "_score", 0) or 0),
                    query=query,
                )
            )
    hits.sort(key=lambda hit: hit.score, reverse=True)
    return SearchResults(query, hits, counts, module, capped=capped)


@dataclass
class Category:
    page: Page
    module: str
    count: int = 0


def categories(request, hits) -> list[Category]:
    """The categories the hits fall in, with how many each: pages of the types switched-on
    modules name as their categories (`ModuleSpec.extra["category_types"]`: knowledge base
    categories, FAQ groups, video series) that this visitor may open, in the content tree
    being searched, in tree order."""
    types = []
    enabled = registry.enabled_keys(request)
    for spec in registry.all_modules():
        if spec.key in enabled:
            for label in spec.extra.get("category_types", ()):
                try:
                    types.append((spec.key, apps.get_model(label)))
                except (LookupError, ValueError):
                    continue
    if not types or not hits:
        return []
    content_types = content_type_ids([model for _key, model in types])
    module_of = {content_types[model]: key for key, model in types}
    pages = visible_pages(Page.objects.filter(content_type_id__in=list(module_of)), request)
    locale = content_locale(request) if request is not None else None
    if locale is not None:
        pages = pages.filter(locale=locale)
    found = [
        Category(page, module_of[page.content_type_id])
        for page in pages.only("id", "title", "path", "content_type_id").order_by("path")
    ]
    paths = [hit.path for hit in hits]
    for category in found:
        category.count = sum(1 for path in paths if path.startswith(category.page.path))
    return [category for category in found if category.count]
