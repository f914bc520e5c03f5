"""Languages of portal content: which PostgreSQL text search configuration a language uses, how
its text is prepared for indexing and querying, and which content tree a visitor is reading.

PostgreSQL ships Snowball stemmers for English, Russian, Lithuanian and two dozen others. It has
no Croatian stemmer: Croatian uses the Serbian one (the same language family, Latin script), and
both the indexed text and the query lose their diacritics first, so "placanje" finds "plaćanje".
It does not segment Chinese into words either: Chinese text is cut into words with jieba before
it is indexed ("search engine" mode, overlapping words) and before it is queried (precise mode).
"""

from __future__ import annotations

import logging
import unicodedata
from functools import cache

from django.conf import settings
from django.db import connection

# Language code (its first part) → PostgreSQL text search configuration.
CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hr": "serbian",
    "bs": "serbian",
    "sr": "serbian",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
    "zh": "simple",
}
# Languages whose text loses its diacritics before indexing and querying.
FOLDED = {"hr", "bs", "sr"}
# Languages written without spaces between words, segmented with jieba.
SEGMENTED = {"zh"}


def base_language(language_code: str | None) -> str:
    return (language_code or settings.LANGUAGE_CODE).lower().split("-")[0].split("_")[0]


@cache
def _available_configs() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_catalog.pg_ts_config")
        return frozenset(row[0] for row in cursor.fetchall())


def config_for(language_code: str | None) -> str:
    """The text search configuration for a language; 'simple' (no stemming) for a language
    PostgreSQL has no stemmer for, or one this server lacks."""
    config = CONFIGS.get(base_language(language_code), "simple")
    return config if config in _available_configs() else "simple"


def fold(text: str) -> str:
    """Text without diacritics: "Plaćanje računa" → "Placanje racuna" (đ → d as well)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def segment(text: str, *, for_query: bool = False) -> str:
    """Chinese text cut into words separated by spaces. Indexed text gets the overlapping
    "search engine" cut (中华人民共和国 → 中华 华人 人民 共和 共和国 中华人民共和国) so that a
    query for any of those words finds it; a query gets the precise cut."""
    if not text or not any("\u3400" <= ch <= "\u9fff" for ch in text):
        return text
    jieba = _jieba()
    words = jieba.cut(text) if for_query else jieba.cut_for_search(text)
    return " ".join(word for word in (w.strip() for w in words) if word)


def prepare_text(text: str, language_code: str | None, *, for_query: bool = False) -> str:
    """Text as it goes into the index (or into a query) for content in this language."""
    if not text:
        return text
    language = base_language(language_code)
    if language in FOLDED:
        text = fold(text)
    # Chinese words can appear in any language's text (product names, quotes): segment always;
    # it is a no-op for text without Han characters.
    return segment(text, for_query=for_query)


def content_locale(request):
    """The locale of the content tree this request reads: the active language's translation of
    the site's home page when there is a live one, else the home page's own locale (a portal
    written in one language shows that language to everyone)."""
    from wagtail.models import Locale, Site

    cached = getattr(request, "_portal_content_locale", None) if request is not None else None
    if cached is not None:
        return cached
    site = Site.find_for_request(request) if request is not None else None
    root = site.root_page if site is not None else None
    locale = None
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        try:
            active = Locale.get_active()
        except Locale.DoesNotExist:
            active = None
        if (
            active is not None
            and root is not None
            and (
                root.locale_id == active.pk
                or root.get_translations().filter(locale=active, live=True).exists()
            )
        ):
            locale = active
    if locale is None:
        locale = root.locale if root is not None else Locale.get_default()
    if request is not None:
        request._portal_content_locale = locale
    return locale
