"""Typo tolerance: "pasword" finds "password".

When a query finds nothing, each of its words that the portal's content does not contain is
replaced by the closest word it does contain (difflib's ratio, at least CUTOFF, the more frequent
word winning a tie), and the search runs again with the corrected query, which the results page
shows ("Showing results for password").

The vocabulary is the tenant's own: every word of its search index (the plain text the index
keeps beside its vectors), counted with PostgreSQL's ts_stat, kept in the tenant's cache and
rebuilt when the index changes. Nothing here needs a PostgreSQL extension, so it works the same
on the embedded server.
"""

from __future__ import annotations

import difflib
import re

from django.core.cache import cache
from django.db import connection
from modelsearch.backends.database.postgres.postgres import IndexEntry

from cms import languages

CUTOFF = 0.75
MIN_WORD = 4
MAX_WORDS = 200_000
CACHE_SECONDS = 600
_WORD = re.compile(r"\w+", re.UNICODE)


def _index_version() -> str:
    table = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {table}")  # noqa: S608
        count, last = cursor.fetchone()
    return f"{count}.{last}"


def vocabulary() -> dict[str, int]:
    """word → number of indexed objects containing it, for this tenant's index."""
    key = f"search-vocabulary:{_index_version()}"
    words = cache.get(key)
    if words is None:
        table = IndexEntry._meta.db_table
        inner = f"SELECT to_tsvector('simple', title_text || ' ' || body_text) FROM {table}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word, ndoc FROM ts_stat(%s) WHERE length(word) >= %s "
                "ORDER BY ndoc DESC LIMIT %s",
                [inner, MIN_WORD - 1, MAX_WORDS],
            )
            words = dict(cursor.fetchall())
        cache.set(key, words, CACHE_SECONDS)
    return words


def _closest(word: str, words: dict[str, int], by_length: dict[int, list[str]]) -> str | None:
    candidates = [w for n in range(len(word) - 2, len(word) + 3) for w in by_length.get(n, ())]
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
    words = vocabulary()
    if not words:
        return None
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
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
