"""In Chromium: an idea whose title, description, comments and status notes are XSS payloads
runs none of them, on its page, the board, the roadmap and the changelog, signed out and as
staff (who see the staff forms too)."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, run_committed
from tests.e2e.fixtures import assert_no_sideways_scroll
from tests.ideas import committed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


@pytest.fixture
def hostile_idea():
    made = run_committed(
        lambda: committed.make(
            customers=[
                "xss-ann@customer.example",
                "xss-bob@customer.example",
                "xss-cat@customer.example",
            ],
            managers=["xss-pm@alpha.example"],
            hostile=True,
        )
    )
    # make_hostile_idea addresses people by key: ann, bob, cat and manager
    yield made
    run_committed(lambda: committed.drop(made))


def test_no_payload_runs(browser, live_settings, screenshot_dir, hostile_idea):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = [hostile_idea["idea_url"], "/ideas/?sort=new", "/ideas/roadmap/", "/ideas/changelog/"]
    for url in urls:
        page.goto(base + url)
        page.wait_for_load_state("load")
        page.mouse.move(10, 300)
        assert page.evaluate("typeof window.__xss") == "undefined", url
        assert_no_sideways_scroll(page, url)
    page.goto(base + hostile_idea["idea_url"])
    page.screenshot(path=screenshot_dir / "ideas-xss-390.png", full_page=True)

    # as staff, with the status and merge forms on the page
    page.goto(f"{base}/account/login/?next={hostile_idea['idea_url']}")
    page.fill("#id_email", "xss-pm@alpha.example")
    page.fill("#id_password", TEST_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{hostile_idea['idea_url']}")
    assert page.get_by_role("button", name="Change status").count() == 1
    for url in urls:
        page.goto(base + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", url
    assert dialogs == []
    context.close()
