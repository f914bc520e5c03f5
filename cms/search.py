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
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms import spelling
from cms.languages import content_locale
from cms.search_backend import searching_in
from modules import registry

SNIPPET_CHARS = 240
PER_SOURCE_LIMIT = 100


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
        return _result(self.obj, self._kind_label)

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


def _platform_page_models():
    from cms.models import ContentPage

    return [ContentPage]


def _sources(request):
    """(module key, label, model) for everything searchable on this tenant right now."""
    seen = set()
    for model in _platform_page_models():
        seen.add(model)
        yield "", _("Page"), model
    enabled = registry.enabled_keys(request)
    for spec in registry.all_modules():
        if spec.key not in enabled:
            continue
        for label in (*spec.page_types, *spec.search_models):
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                continue
            if model in seen:
                continue
            seen.add(model)
            yield spec.key, str(spec.label), model


def _queryset(model, request, locale=None):
    if hasattr(model, "search_queryset"):
        queryset = model.search_queryset(request)
    elif issubclass(model, Page):
        queryset = model.objects.live().public()
    else:
        return model.objects.none()
    lookup = getattr(model, "search_locale_field", "locale" if issubclass(model, Page) else None)
    if lookup and locale is not None:
        queryset = queryset.filter(**{lookup: locale})
    return queryset


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


def _find(queryset, query: str, autocomplete: bool):
    """Run the query through the search backend (any queryset of an indexed model works, with or
    without a searchable manager). Models without AutocompleteFields match whole words only."""
    backend = get_search_backend()
    if autocomplete and queryset.model.get_autocomplete_search_fields():
        found = backend.autocomplete(query, queryset)
    else:
        found = backend.search(query, queryset, operator="or")
    return list(found.annotate_score("_score")[:PER_SOURCE_LIMIT])


def portal_search(
    query: str, request=None, *, module: str | None = None, autocomplete: bool = False
) -> SearchResults:
    """Search everything visible to `request`. With `autocomplete`, the last word may be
    partial (as-you-type suggestions)."""
    query = (query or "").strip()[:200]
    if not query:
        return SearchResults(query, [], {}, module)
    locale = content_locale(request) if request is not None else None
    language = locale.language_code if locale is not None else None
    with searching_in(language):
        sources = [
            (key, label, _queryset(model, request, locale))
            for key, label, model in _sources(request)
        ]
        results = _run(sources, query, module, autocomplete)
        if not autocomplete and not any(results.counts.values()):
            corrected = spelling.correct(query, language)
            if corrected and corrected != query.lower():
                retry = _run(sources, corrected, module, autocomplete)
                if any(retry.counts.values()):
                    retry.corrected = corrected
                    return retry
    return results


def _run(sources, query: str, module: str | None, autocomplete: bool) -> SearchResults:
    hits: list[SearchHit] = []
    counts: dict[str, int] = {}
    for key, label, queryset in sources:
        found = _find(queryset, query, autocomplete)
        counts[key] = counts.get(key, 0) + len(found)
        if module is not None and key != module:
            continue
        hits.extend(
            SearchHit(
                obj,
                kind_label=label,
                module=key,
                score=float(getattr(obj, "_score", 0) or 0),
                query=query,
            )
            for obj in found
        )
    hits.sort(key=lambda hit: hit.score, reverse=True)
    return SearchResults(query, hits, counts, module)
