"""Tenant admins translate their portal in the admin; visitors read their language's version."""

import pytest
from django_tenants.utils import tenant_context
from wagtail.models import Locale, Page

from cms.models import ContentPage, HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_a(tenant_a):
    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        page = ContentPage(title="Opening hours", slug="hours", intro="We answer 9 to 5.")
        home.add_child(instance=page)
        page.save_revision().publish()
        return page


def test_admin_adds_a_language_and_translates_the_portal(page_a, tenant_a, admin_client_a):
    response = admin_client_a.post("/admin/locales/new/", {"language_code": "ru"})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        russian = Locale.objects.get(language_code="ru")
        home = HomePage.objects.get(locale__language_code="en")
    response = admin_client_a.post(
        f"/admin/translation/submit/page/{home.pk}/",
        {"locales": [russian.pk], "include_subtree": "on"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        copy = ContentPage.objects.get(locale=russian, slug="hours")
        assert copy.translation_key == page_a.translation_key
        assert not copy.live  # a translation starts as a draft for the translator
        # the translator's work, published
        for page in Page.objects.filter(locale=russian):
            page.specific.save_revision().publish()
        copy.refresh_from_db()
        copy.title, copy.intro = "Часы работы", "Отвечаем с 9 до 17."
        copy.save_revision().publish()

    russian_reader = admin_client_a.__class__(admin_client_a.host)
    russian_page = russian_reader.get("/hours/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Часы работы" in russian_page.content.decode()
    english_page = russian_reader.get("/hours/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Opening hours" in english_page.content.decode()
    # the language switcher's cookie wins over the browser's header
    russian_reader.post("/i18n/setlang/", {"language": "ru", "next": "/hours/"})
    assert (
        "Часы работы" in russian_reader.get("/hours/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_a_draft_translation_is_not_served(page_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        russian = Locale.objects.create(language_code="ru")
        page_a.copy_for_translation(russian, copy_parents=True)  # drafts only
    body = client_a.get("/hours/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Opening hours" in body


def test_customers_cannot_translate(page_a, tenant_a, client_a):
    response = client_a.post("/admin/locales/new/", {"language_code": "ru"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    with tenant_context(tenant_a):
        assert not Locale.objects.filter(language_code="ru").exists()


def test_tenant_b_translations_are_its_own(page_a, tenant_a, tenant_b, admin_client_b):
    admin_client_b.post("/admin/locales/new/", {"language_code": "lt"})
    with tenant_context(tenant_a):
        assert not Locale.objects.filter(language_code="lt").exists()
    # tenant A's page id means nothing on tenant B's admin
    response = admin_client_b.post(
        f"/admin/translation/submit/page/{page_a.pk}/", {"locales": [], "include_subtree": ""}
    )
    assert response.status_code == 404
