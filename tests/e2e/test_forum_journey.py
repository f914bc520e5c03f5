"""A forum journey on a phone (390 px): a customer signs up, confirms their address, asks a
question; another customer answers; the first accepts the answer and the topic shows "Solved".
Screenshots: test-results/screenshots/forum-*.png."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.conftest import run_committed
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in
from tests.forum import committed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

SLUG = "journey-e2e"
ASKER = "journey-asker@customer.example"
HELPER = "journey-helper@customer.example"
PASSWORD = "a-long-journey-password-7"
TITLE = "How do I add a second billing contact?"


@pytest.fixture
def journey_forum(celery_eager):
    run_committed(lambda: committed.make(slug=SLUG, emails=[HELPER]))
    yield
    run_committed(lambda: committed.drop(slug=SLUG, emails=[ASKER, HELPER]))


def test_question_answered_and_accepted(browser, live_settings, screenshot_dir, journey_forum):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"

    # customer 1 signs up and confirms the address from the email
    asker = browser.new_context(**PHONE)
    page = asker.new_page()
    page.goto(f"{base}/account/signup/")
    page.fill("#id_email", ASKER)
    if page.locator("#id_display_name").count():
        page.fill("#id_display_name", "Asha")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/account/signup/done/")
    message = next(m for m in mail.outbox if m.to == [ASKER])
    # (the link names the portal's public address; the live server listens on another port)
    verify_path = re.search(r"/account/verify/[^\s/]+/", message.body)[0]
    page.goto(base + verify_path)
    assert page.locator("h1").inner_text() == "Address confirmed"

    # … signs in and asks a question
    sign_in(page, base, ASKER, PASSWORD, f"/forum/new/?category={SLUG}")
    page.fill("#id_title", TITLE)
    page.fill(
        "#id_body",
        "Our accountant needs the invoices too. Can I add her as a **second** contact?",
    )
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "forum-1-ask.png", full_page=True)
    page.get_by_role("button", name="Post topic").click()
    page.wait_for_url(re.compile(r".*/forum/t/\d+-[\w-]+/$"))
    topic_url = page.url
    assert page.locator("h1").inner_text() == TITLE
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "forum-2-question.png", full_page=True)

    # customer 2 answers
    helper = browser.new_context(**PHONE)
    page2 = helper.new_page()
    path = topic_url.removeprefix(base)
    sign_in(page2, base, HELPER, committed.TEST_PASSWORD, path)
    page2.fill("#id_body", "Yes: open **Settings → Billing** and choose *Add contact*.")
    page2.get_by_role("button", name="Post reply").click()
    page2.wait_for_url(re.compile(r".*#reply-\d+$"))
    assert "Add contact" in page2.locator(".forum-reply-list").inner_text()
    page2.screenshot(path=screenshot_dir / "forum-3-answer.png", full_page=True)
    helper.close()

    # customer 1 was told by email, and accepts the answer
    assert any(m.to == [ASKER] and "New reply" in m.subject for m in mail.outbox)
    page.goto(topic_url)
    page.get_by_role("button", name="Accept answer").click()
    page.wait_for_load_state("load")
    assert page.locator(".badge--solved").first.inner_text() == "Solved"
    assert page.locator(".forum-accepted").is_visible()
    assert "QAPage" in page.content()
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "forum-4-solved.png", full_page=True)
    page.goto(f"{base}/forum/c/{SLUG}/?filter=solved")
    assert TITLE in page.locator("main").inner_text()
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "forum-5-category.png", full_page=True)
    asker.close()
