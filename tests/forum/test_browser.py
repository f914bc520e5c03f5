"""In Chromium: a topic whose every input holds XSS payloads runs no script (no dialog, and
window.__xss stays undefined), for a visitor, for a signed-in customer, and for staff on the
moderation queue (held posts and report reasons hold the payloads too)."""

from __future__ import annotations

import pytest

from tests.conftest import run_committed
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in
from tests.forum import committed
from tests.payloads import PAYLOADS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

SLUG = "xss-e2e"
EMAILS = ["xss-asker@customer.example", "xss-reader@customer.example"]
NEWCOMER = "xss-newcomer@customer.example"  # a day-old account: posts with links are held
STAFF = "xss-agent@company.example"


def _make():
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.forum import services
    from modules.forum.models import ForumCategory
    from tests.conftest import make_customer

    made = committed.make(slug=SLUG, emails=EMAILS, staff=[STAFF])
    with tenant_context(committed.alpha()):
        newcomer = make_customer(NEWCOMER, days_old=0, first_name="Newcomer")
        users = get_user_model().objects.in_bulk(list(made["users"].values()))
        asker, reader = users[made["users"][EMAILS[0]]], users[made["users"][EMAILS[1]]]
        category = ForumCategory.objects.get(pk=made["category"])
        text = "\n\n".join(PAYLOADS)
        topic = services.topic_create(
            author=asker, category=category, title=PAYLOADS[0] + " " + PAYLOADS[1], body=text
        )
        for payload in PAYLOADS[2:6]:
            services.topic_create(author=asker, category=category, title=payload, body=payload)
        reply = services.reply_create(author=reader, topic=topic, body=text)
        services.reply_accept(user=asker, reply=reply)  # solved: the JSON-LD holds them too
        reason = text[: services.REPORT_REASON_MAX]  # as many payloads as a reason holds
        services.report_create(reporter=reader, topic=topic, reason=reason)
        services.report_create(reporter=asker, reply=reply, reason=reason)
        # held for a moderator: the moderation queue shows them with their payloads
        held = services.topic_create(
            author=newcomer, category=category, title=PAYLOADS[6], body=text
        )
        services.reply_create(author=newcomer, topic=topic, body=text)
        assert held.state == "pending"
        return topic.get_absolute_url()


def _drop():
    committed.drop(slug=SLUG, emails=[*EMAILS, NEWCOMER, STAFF])


@pytest.fixture
def xss_topic():
    try:
        url = run_committed(_make)
    except BaseException:
        run_committed(_drop)  # what was committed before the failure goes too
        raise
    yield url
    run_committed(_drop)


def _check(page, url: str) -> None:
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    # open every <details> and hover every link, in case something waits for a toggle or hover
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    for link in page.locator("main a").all()[:40]:
        link.hover()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_no_payload_runs_in_chromium(browser, live_settings, screenshot_dir, xss_topic):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _check(page, base + xss_topic)
    assert_no_sideways_scroll(page, "a topic full of long payloads")
    page.screenshot(path=screenshot_dir / "forum-xss-topic.png", full_page=True)
    _check(page, f"{base}/forum/c/{SLUG}/")
    # signed in, the page has more controls (vote, quote, report forms)
    page.goto(f"{base}/account/login/?next={xss_topic}")
    page.fill("#id_email", EMAILS[1])
    page.fill("#id_password", committed.TEST_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{xss_topic}")
    _check(page, base + xss_topic)
    _check(page, f"{base + xss_topic}?quote=topic")
    context.close()


def test_no_payload_runs_in_the_moderation_queue(browser, live_settings, screenshot_dir, xss_topic):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, base, STAFF, committed.TEST_PASSWORD, "/forum/moderation/")
    _check(page, f"{base}/forum/moderation/")
    text = page.locator("main").inner_text()
    # the queue shows what it should: the held topic and reply, the reported topic and reply
    assert text.count("Approve") == 2 and text.count("Dismiss report") == 2, text[:2000]
    assert "window.__xss=1" in text  # the payloads are there, as text
    assert_no_sideways_scroll(page, "the moderation queue")
    page.screenshot(path=screenshot_dir / "forum-xss-moderation.png", full_page=True)
    context.close()
