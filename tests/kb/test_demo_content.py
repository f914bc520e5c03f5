"""The demo portal's content: a help centre in English and Russian.

Seeding the whole demo takes a while (some 140 pages, each published with a revision and
indexed), so one test seeds once and checks what a visitor and an editor would: both trees are
complete, each Russian page is a translation of an English one, Russian search understands
Russian, a second run adds nothing, and another tenant sees none of it.
"""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.test import RequestFactory
from django.utils import translation
from django_tenants.utils import tenant_context
from taggit.models import TaggedItem
from wagtail.models import Page, Revision

from cms.search import portal_search
from tests.conftest import host_of

pytestmark = pytest.mark.django_db

ARTICLE_URL = "/kb/getting-started/account/reset-password/"


def _titles(tenant, query: str, language: str) -> list[str]:
    request = RequestFactory().get("/search/", HTTP_HOST=host_of(tenant))
    with translation.override(language):
        return [hit.title for hit in portal_search(query, request).hits]


def _footprint() -> dict[str, int]:
    from modules.faq.pages import FaqItem
    from modules.kb.pages import ArticleRelatedLink

    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "faq items": FaqItem.objects.count(),
        "related links": ArticleRelatedLink.objects.count(),
        "tags": TaggedItem.objects.count(),
    }


def test_demo_seed_gives_a_help_centre_in_english_and_russian(
    tenant_a, tenant_b, client_a, client_b
):
    from cms.demo import seed_sample_content
    from modules.faq.pages import FaqItem
    from modules.kb.pages import ArticlePage, CategoryPage, SectionPage

    with tenant_context(tenant_a):
        seed_sample_content()

        # both trees are complete: the same articles, all live, in each language
        live = ArticlePage.objects.live()
        en = {page.translation_key: page for page in live.filter(locale__language_code="en")}
        ru = {page.translation_key: page for page in live.filter(locale__language_code="ru")}
        assert len(en) >= 30
        assert ru.keys() == en.keys()
        for key, page in ru.items():
            assert page.slug == en[key].slug
            assert page.title != en[key].title  # translated, not copied
            assert page.url_path.endswith(en[key].url_path.split("/", 2)[2])
        for model in (CategoryPage, SectionPage):
            per_locale = dict(
                model.objects.live()
                .order_by()
                .values_list("locale__language_code")
                .annotate(total=Count("id"))
            )
            assert per_locale["ru"] == per_locale["en"] >= 5

        # related links of a Russian article lead to Russian articles
        two_factor = ArticlePage.objects.get(slug="two-factor", locale__language_code="ru")
        assert [link.article.title for link in two_factor.related_links.all()] == [
            "Как сбросить пароль"
        ]
        assert "безопасность" in two_factor.tags.names()

        # the FAQ in both languages
        questions = dict(
            FaqItem.objects.order_by()
            .values_list("page__locale__language_code")
            .annotate(total=Count("id"))
        )
        assert questions["ru"] == questions["en"] >= 5
        assert FaqItem.objects.filter(question="Как сбросить пароль?").exists()

        # three videos with chapters and transcripts, in both languages
        from modules.video.pages import VideoPage

        for language in ("en", "ru"):
            videos = VideoPage.objects.live().filter(locale__language_code=language)
            assert videos.count() == 3
            for video in videos:
                assert video.chapters.count() >= 3 and video.transcript.startswith("[0:00]")
        russian_video = VideoPage.objects.get(slug="find-an-answer", locale__language_code="ru")
        assert russian_video.chapters.first().title == "Добро пожаловать"
        assert "Видеоуроки" in [p.title for p in russian_video.get_ancestors()]
        assert "Найдите ответ меньше чем за минуту" in _titles(tenant_a, "закладки", "ru")

        # search reads each language with its own grammar: «напоминаний» finds «напоминания»
        found = _titles(tenant_a, "напоминаний", "ru")
        assert "Автоматические напоминания об оплате" in found
        assert "Automatic payment reminders" not in found
        assert "Automatic payment reminders" in _titles(tenant_a, "reminder", "en")

        # a second run adds nothing
        before = _footprint()
        seed_sample_content()
        assert _footprint() == before

    # a visitor reads the tree of their language at the same address
    english = client_a.get(ARTICLE_URL, HTTP_ACCEPT_LANGUAGE="en")
    russian = client_a.get(ARTICLE_URL, HTTP_ACCEPT_LANGUAGE="ru")
    assert english.status_code == russian.status_code == 200
    assert "Reset your password" in english.content.decode()
    assert "Как сбросить пароль" in russian.content.decode()
    assert client_a.get("/faq/", HTTP_ACCEPT_LANGUAGE="ru").status_code == 200

    # another tenant sees none of it: not by address, not by search
    assert client_b.get(ARTICLE_URL, HTTP_ACCEPT_LANGUAGE="ru").status_code == 404
    with tenant_context(tenant_b):
        assert _titles(tenant_b, "напоминаний", "ru") == []
        assert _titles(tenant_b, "reminder", "en") == []
