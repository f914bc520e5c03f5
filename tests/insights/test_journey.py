"""On a phone, a visitor says an article did not help and why; the tenant's admin reads the
comment in the feedback inbox and sees the search analytics chart."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import TEST_PASSWORD, run_committed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

COMMENT = "The screenshot shows an old menu."


def _make_article(suffix: str) -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.kb.pages import ArticlePage, CategoryPage, KnowledgeBasePage, SectionPage
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        kb = KnowledgeBasePage.objects.get()
        category = CategoryPage(title="Journey", slug=f"journey-{suffix}", description="E2E.")
        kb.add_child(instance=category)
        category.save_revision().publish()
        section = SectionPage(title="Steps", slug="steps", description="E2E.")
        category.add_child(instance=section)
        section.save_revision().publish()
        article = ArticlePage(
            title="Export your data",
            slug="export",
            summary="How to download everything as CSV.",
            body=[{"type": "paragraph", "value": "<p>Open Settings, then Export.</p>"}],
        )
        section.add_child(instance=article)
        article.save_revision().publish()
        admin = get_user_model().objects.get(email="admin@alpha.example")
        return {
            "category": category.pk,
            "url": article.url,
            "username": admin.get_username(),
        }


def _clean_up(category_id: int) -> None:
    from django_tenants.utils import tenant_context
    from wagtail.models import Page

    from cms.insights.models import MissingContentTask, SearchQuery
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        Page.objects.get(pk=category_id).delete()  # its votes and counts go with it
        SearchQuery.objects.filter(query__startswith="journey").delete()
        MissingContentTask.objects.filter(query__startswith="journey").delete()


def test_phone_visitor_leaves_a_comment_and_the_admin_reads_it(
    browser, live_settings, screenshot_dir
):
    port = live_settings.PLATFORM_PORT
    base = f"http://alpha.localhost:{port}"
    made = run_committed(_make_article, uuid.uuid4().hex[:6])
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36",
    )
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = phone.new_page()
        page.goto(base + made["url"])
        widget = page.get_by_role("group", name="Was this article helpful?")
        widget.scroll_into_view_if_needed()
        comment_box = page.get_by_label("What was missing or unclear? (optional)")
        assert not comment_box.is_visible()  # with JavaScript it waits for a "No"
        widget.get_by_role("button", name="No", exact=True).click()
        status = page.get_by_role("status").filter(has_text="What was missing or unclear?")
        status.wait_for()
        assert comment_box.is_visible()
        assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
        comment_box.fill(COMMENT)
        page.screenshot(path=screenshot_dir / "insights-phone-widget.png", full_page=False)
        page.get_by_role("button", name="Send feedback").click()
        page.get_by_text("Thank you! Your comment helps us improve this article.").wait_for()
        assert page.url == base + made["url"]  # no reload, no redirect
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the article scrolls sideways on a phone ({width}px)"
        page.screenshot(path=screenshot_dir / "insights-phone-thanks.png", full_page=False)

        for query in ("journey export", "journey export", "journey nothing-here"):
            page.goto(f"{base}/search/?q={query}")
        page.goto(f"{base}/search/?q=journey export")
        page.get_by_role("link", name="Export your data").click()
        page.wait_for_url(re.compile(re.escape(made["url"]) + "$"))

        admin = desk.new_page()
        admin.goto(f"{base}/admin/login/")
        admin.locator("input[name='username']").fill(made["username"])
        admin.locator("input[name='password']").fill(TEST_PASSWORD)
        admin.locator("button[type='submit'], input[type='submit']").first.click()
        admin.wait_for_url(re.compile(r"/admin/$"))
        admin.goto(f"{base}/admin/feedback/")
        assert admin.get_by_text(COMMENT).is_visible()
        assert admin.get_by_role("link", name="Export your data").first.is_visible()
        admin.screenshot(path=screenshot_dir / "insights-admin-inbox.png", full_page=True)
        admin.goto(f"{base}/admin/feedback/search/")
        assert admin.get_by_role("img", name="Searches per day, last 30 days").is_visible()
        assert admin.get_by_role("cell", name="journey export").first.is_visible()
        admin.screenshot(path=screenshot_dir / "insights-search-analytics.png", full_page=True)
    finally:
        phone.close()
        desk.close()
        run_committed(_clean_up, made["category"])
