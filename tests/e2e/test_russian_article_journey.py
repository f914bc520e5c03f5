"""The issue's journey, in Chromium: a tenant admin writes and publishes an article in Russian;
a customer on a phone, browsing in Russian, searches for it with another form of the word,
reads it and says it did not help, with a comment; the admin reads the comment in the inbox."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import TEST_PASSWORD, run_committed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

TITLE = "Как сменить пароль"
SUMMARY = "Откройте профиль, выберите «Безопасность» и задайте новый пароль."
COMMENT = "Не нашёл раздел «Безопасность» в мобильном приложении."


def _russian_tree(suffix: str) -> dict:
    """Alpha's portal with a Russian translation of its home page, knowledge base, one
    category and one section (what a translator would have published)."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context
    from wagtail.models import Locale

    from cms.models import HomePage
    from modules.kb.pages import CategoryPage, KnowledgeBasePage, SectionPage
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        kb = KnowledgeBasePage.objects.get(locale__language_code="en")
        category = CategoryPage(title="Account", slug=f"account-{suffix}", description="Sign-in.")
        kb.add_child(instance=category)
        category.save_revision().publish()
        section = SectionPage(title="Security", slug="security", description="Passwords.")
        category.add_child(instance=section)
        section.save_revision().publish()

        russian, created_locale = Locale.objects.get_or_create(language_code="ru")
        home = HomePage.objects.get(locale__language_code="en")
        made = []
        for page, title in (
            (home, "Центр поддержки"),
            (kb, "База знаний"),
            (category, "Учётная запись"),
            (section, "Безопасность"),
        ):
            translation = page.get_translation_or_none(russian)
            if translation is None:
                translation = page.copy_for_translation(russian)
                made.append(translation.pk)
            translation = translation.specific
            translation.title = title
            translation.save_revision().publish()
        admin = get_user_model().objects.get(email="admin@alpha.example")
        from cms.insights.models import SearchQuery

        last_search = SearchQuery.objects.order_by("-pk").values_list("pk", flat=True).first()
        return {
            "last_search": last_search or 0,
            "category": category.pk,
            "section_ru": section.get_translation(russian).pk,
            "made": made,
            "locale": russian.pk if created_locale else None,
            "username": admin.get_username(),
        }


def _clean_up(made: dict) -> None:
    from django_tenants.utils import tenant_context
    from wagtail.models import Locale, Page

    from cms.insights.models import SearchQuery
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        SearchQuery.objects.filter(pk__gt=made["last_search"]).delete()  # and their clicks
        for page in Page.objects.filter(pk=made["section_ru"]):
            for child in page.get_children():
                child.delete()
        for pk in reversed(made["made"]):
            Page.objects.filter(pk=pk).delete()
        Page.objects.filter(pk=made["category"]).delete()
        if made["locale"]:
            Locale.objects.filter(pk=made["locale"]).delete()


def test_russian_article_written_found_on_a_phone_and_commented(
    browser, live_settings, screenshot_dir
):
    port = live_settings.PLATFORM_PORT
    base = f"http://alpha.localhost:{port}"
    made = run_committed(_russian_tree, uuid.uuid4().hex[:6])
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="ru-RU",
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36",
    )
    try:
        # the admin writes the article in the Russian section and publishes it
        admin = desk.new_page()
        admin.goto(f"{base}/admin/login/")
        admin.locator("input[name='username']").fill(made["username"])
        admin.locator("input[name='password']").fill(TEST_PASSWORD)
        admin.locator("button[type='submit'], input[type='submit']").first.click()
        admin.wait_for_url(re.compile(r"/admin/$"))
        admin.goto(f"{base}/admin/pages/add/kb/articlepage/{made['section_ru']}/")
        admin.locator("#id_title").fill(TITLE)
        admin.locator("textarea[name='summary']").fill(SUMMARY)
        admin.screenshot(path=screenshot_dir / "journey-ru-1-editor.png")
        admin.locator("button.dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
        admin.locator("button[name='action-publish']").click()
        admin.wait_for_url(re.compile(r"/admin/pages/\d+/$"))

        # a customer on a phone, browsing in Russian, searches with another form of the word
        page = phone.new_page()
        page.goto(f"{base}/")
        assert page.locator("html").get_attribute("lang") == "ru"
        search = page.locator("input[type='search'][name='q']").first
        search.fill("пароля")
        search.press("Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        result = page.get_by_role("link", name=TITLE)
        result.wait_for()
        page.screenshot(path=screenshot_dir / "journey-ru-2-search-phone.png", full_page=True)
        result.click()
        page.wait_for_url(re.compile(r"/kb/"))
        assert page.get_by_role("heading", level=1).inner_text().strip() == TITLE
        assert SUMMARY in page.content()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the article scrolls sideways on a phone ({width}px)"

        # "not helpful", with a comment
        widget = page.locator("[data-helpful]")
        widget.scroll_into_view_if_needed()
        widget.locator(".helpful__choices button[value='no']").click()
        comment = widget.locator("textarea[name='comment']")
        comment.wait_for(state="visible")
        comment.fill(COMMENT)
        with page.expect_response(lambda response: "/feedback/" in response.url) as sent:
            widget.locator(".helpful__send").click()
        assert sent.value.ok
        page.screenshot(path=screenshot_dir / "journey-ru-3-feedback-phone.png", full_page=False)

        # the admin reads it in the feedback inbox
        admin.goto(f"{base}/admin/feedback/")
        assert admin.get_by_text(COMMENT).is_visible()
        assert admin.get_by_role("link", name=TITLE).first.is_visible()
        admin.screenshot(path=screenshot_dir / "journey-ru-4-inbox.png", full_page=True)
    finally:
        desk.close()
        phone.close()
        run_committed(_clean_up, made)
