"""Search in five languages: each page indexed with its own language's stemmer, Croatian without
diacritics, Chinese segmented into words, typos corrected, and only the translation tree the
visitor reads searched."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django_tenants.utils import tenant_context
from wagtail.models import Locale

from cms import languages
from cms.models import ContentPage, HomePage
from cms.search import portal_search
from tests.conftest import host_of

pytestmark = pytest.mark.django_db


def _publish(parent, title: str, intro: str, slug: str) -> ContentPage:
    page = ContentPage(title=title, intro=intro, slug=slug)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _home_in(language: str) -> HomePage:
    """The portal's home page translated into `language` (created the first time)."""
    home = HomePage.objects.filter(locale__language_code="en").get()
    locale, _ = Locale.objects.get_or_create(language_code=language)
    translated = home.get_translation_or_none(locale)
    if translated is None:
        translated = home.copy_for_translation(locale)
        translated.save_revision().publish()
    return translated.specific


@pytest.fixture
def multilingual_a(tenant_a):
    with tenant_context(tenant_a):
        home = HomePage.objects.get(locale__language_code="en")
        _publish(home, "Resetting passwords", "How to reset a forgotten password.", "reset-pw")
        _publish(home, "Configuring notifications", "Email settings for replies.", "notify")
        _publish(
            _home_in("ru"), "Как сменить пароль", "Смена пароля в настройках профиля.", "ru-pw"
        )
        _publish(_home_in("lt"), "Slaptažodžio keitimas", "Kaip pakeisti slaptažodį.", "lt-pw")
        _publish(_home_in("hr"), "Plaćanje računa karticom", "Kartice i računi.", "hr-pay")
        _publish(_home_in("zh-hans"), "如何重置您的密码", "在个人资料设置中重置密码。", "zh-pw")


def _search(tenant, query: str, language: str, **kwargs):
    request = RequestFactory().get("/search/", HTTP_HOST=host_of(tenant))
    with translation.override(language):
        return portal_search(query, request, **kwargs)


def _titles(results) -> list[str]:
    return [hit.title for hit in results.hits]


def test_english_is_stemmed(multilingual_a, tenant_a):
    with tenant_context(tenant_a):
        assert "Resetting passwords" in _titles(_search(tenant_a, "reset password", "en"))
        assert "Configuring notifications" in _titles(_search(tenant_a, "configure", "en"))


def test_russian_page_is_found_by_another_form_of_the_word(multilingual_a, tenant_a):
    with tenant_context(tenant_a):
        titles = _titles(_search(tenant_a, "пароля", "ru"))  # genitive; the title has «пароль»
        assert titles == ["Как сменить пароль"]
        # the English tree is not the one a Russian reader reads
        assert "Resetting passwords" not in _titles(_search(tenant_a, "password", "ru"))


def test_lithuanian_is_stemmed(multilingual_a, tenant_a):
    with tenant_context(tenant_a):
        assert _titles(_search(tenant_a, "slaptažodis", "lt")) == ["Slaptažodžio keitimas"]


def test_croatian_matches_with_or_without_diacritics(multilingual_a, tenant_a):
    with tenant_context(tenant_a):
        assert _titles(_search(tenant_a, "placanja", "hr")) == ["Plaćanje računa karticom"]
        assert _titles(_search(tenant_a, "računi", "hr")) == ["Plaćanje računa karticom"]


def test_chinese_is_segmented_into_words(multilingual_a, tenant_a):
    with tenant_context(tenant_a):
        assert _titles(_search(tenant_a, "密码", "zh-hans")) == ["如何重置您的密码"]
        assert _titles(_search(tenant_a, "重置密码", "zh-hans")) == ["如何重置您的密码"]
        assert _titles(_search(tenant_a, "发票", "zh-hans")) == []


def test_a_typo_is_corrected_against_the_portals_own_words(multilingual_a, tenant_a):
    with tenant_context(tenant_a):
        results = _search(tenant_a, "pasword", "en")
        assert results.corrected == "password"
        assert "Resetting passwords" in _titles(results)
        # a word that is close to nothing stays uncorrected and finds nothing
        nothing = _search(tenant_a, "zyxwvut", "en")
        assert nothing.hits == [] and nothing.corrected is None


def test_results_page_says_what_it_searched_for_instead(multilingual_a, client_a):
    body = client_a.get("/search/", {"q": "notificatons"}).content.decode()
    assert "Configuring notifications" in body
    assert "<strong>notifications</strong>" in body


def test_visitors_language_picks_the_tree_by_accept_language(multilingual_a, client_a):
    russian = client_a.get("/search/", {"q": "пароль"}, HTTP_ACCEPT_LANGUAGE="ru").content
    assert "Как сменить пароль" in russian.decode()
    english = client_a.get("/search/", {"q": "пароль"}, HTTP_ACCEPT_LANGUAGE="en").content
    assert "Как сменить пароль" not in english.decode()


def test_a_language_without_a_translation_reads_the_portals_own(tenant_b):
    """Tenant B has no German tree (nor any other): a German reader searches its English one."""
    with tenant_context(tenant_b):
        home = HomePage.objects.get()
        _publish(home, "Exporting reports", "Download reports as CSV.", "export")
        assert _titles(_search(tenant_b, "reports", "de")) == ["Exporting reports"]


def test_translations_of_tenant_a_never_reach_tenant_b(multilingual_a, tenant_b, client_b):
    with tenant_context(tenant_b):
        assert _search(tenant_b, "пароль", "ru").hits == []
        assert _search(tenant_b, "pasword", "en").hits == []
    body = client_b.get("/search/", {"q": "密码"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert "如何重置您的密码" not in body.decode()


def test_language_helpers():
    assert languages.fold("Plaćanje đačkih računa") == "Placanje dackih racuna"
    assert languages.segment("重置密码", for_query=True) == "重置 密码"
    assert languages.segment("no han characters") == "no han characters"
    assert languages.base_language("zh-hans") == "zh"


def test_other_forms_of_the_word_are_highlighted(multilingual_a, tenant_a):
    from tests.conftest import TenantClient

    client = TenantClient(host_of(tenant_a), HTTP_ACCEPT_LANGUAGE="ru")
    body = client.get("/search/", {"q": "пароль"}).content.decode()
    # «пароль» was typed; the snippet says «Смена пароля» and is marked there
    assert "<mark>пароля</mark>" in body
    english = TenantClient(host_of(tenant_a)).get("/search/", {"q": "resets"})
    assert "<mark>reset</mark>" in english.content.decode()
