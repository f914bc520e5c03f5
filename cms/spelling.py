"""Typo tolerance: "pasword" finds "password".

When a query finds nothing, each of its words that the portal's content does not contain is
replaced by the closest word it does contain (difflib's ratio, at least CUTOFF, the more frequent
word winning a tie), and the search runs again with the corrected query, which the results page
shows ("Showing results for password").

The vocabulary is the tenant's own: every word of its search index (the plain text the index
keeps beside its vectors), counted with PostgreSQL's ts_stat, kept in the tenant's cache and
rebuilt at most every ten minutes. Nothing here needs a PostgreSQL extension, so it works the same
on the embedded server.
"""

from __future__ import annotations

import difflib
import re
import time

from django.core.cache import cache
from django.db import connection
from modelsearch.backends.database.postgres.postgres import IndexEntry

from cms import languages

CUTOFF = 0.75
MIN_WORD = 4
MAX_WORDS = 200_000
CACHE_SECONDS = 600
_WORD = re.compile(r"\w+", re.UNICODE)


_MEMO: dict[tuple[str, float], tuple[dict[str, int], dict[int, list[str]]]] = {}


def _build() -> tuple[float, dict[str, int]]:
    table = IndexEntry._meta.db_table
    inner = f"SELECT to_tsvector('simple', title_text || ' ' || body_text) FROM {table}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat(%s) WHERE length(word) >= %s "
            "ORDER BY ndoc DESC LIMIT %s",
            [inner, MIN_WORD - 1, MAX_WORDS],
        )
        words = dict(cursor.fetchall())
    built = time.time()
    # The cache's keys are per tenant schema (django-tenants' key function).
    cache.set_many({"search-vocabulary": words, "search-vocabulary-built": built}, CACHE_SECONDS)
    return built, words


def _vocabulary_by_length() -> tuple[dict[str, int], dict[int, list[str]]]:
    """word → number of indexed objects containing it, for this tenant's index, and the words
    grouped by length. Rebuilt at most every CACHE_SECONDS (a word published a minute ago may
    not be offered as a correction yet, but a portal that publishes often does not pay for a
    rebuild on every typo); kept in this process per tenant and build, so a query neither
    reloads nor regroups twenty thousand words."""
    built = cache.get("search-vocabulary-built")
    memo = _MEMO.get((connection.schema_name, built)) if built is not None else None
    if memo is not None:
        return memo
    words = cache.get("search-vocabulary") if built is not None else None
    if words is None:
        built, words = _build()
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    if len(_MEMO) > 64:
        _MEMO.clear()
    _MEMO[(connection.schema_name, built)] = (words, by_length)
    return words, by_length


def vocabulary() -> dict[str, int]:
    return _vocabulary_by_length()[0]


def _closest(word: str, words: dict[str, int], by_length: dict[int, list[str]]) -> str | None:
    # Typos keep a word's length within two letters and almost always its first or second
    # letter: only those words are compared.
    spread = 1 if len(word) < 7 else 2
    candidates = [
        w
        for n in range(len(word) - spread, len(word) + spread + 1)
        for w in by_length.get(n, ())
        if w[0] == word[0] or w[1:2] == word[1:2]
    ]
    best = difflib.get_close_matches(word, candidates, n=5, cutoff=CUTOFF)
    if not best:
        return None
    top = difflib.SequenceMatcher(None, word, best[0]).ratio()
    tied = [w for w in best if difflib.SequenceMatcher(None, word, w).ratio() >= top - 0.01]
    return max(tied, key=lambda w: words.get(w, 0))


def correct(query: str, language: str | None = None) -> str | None:
    """The query with its unknown words corrected, or None when nothing could be corrected."""
    prepared = languages.prepare_text(query, language, for_query=True).lower()
    terms = _WORD.findall(prepared)
    if not terms:
        return None
    words, by_length = _vocabulary_by_length()
    if not words:
        return None
    changed = False
    corrected = []
    for term in terms:
        if len(term) >= MIN_WORD and term not in words and not term.isdigit():
            replacement = _closest(term, words, by_length)
            if replacement:
                corrected.append(replacement)
                changed = True
                continue
        corrected.append(term)
    return " ".join(corrected) if changed else None
