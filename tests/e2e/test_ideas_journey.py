"""The ideas journey on a phone (390 px): a customer submits an idea (similar ideas shown while
typing the title), two other customers vote for it, a staff member marks it planned with a
public note, both voters get the email, and the roadmap shows it under Planned.
Screenshots: test-results/screenshots/ideas-*.png."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.conftest import TEST_PASSWORD, run_committed
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in
from tests.ideas import committed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

AUTHOR = "journey-ann@customer.example"
VOTERS = ["journey-bob@customer.example", "journey-cat@customer.example"]
MANAGER = "journey-pm@alpha.example"
TITLE = "Export invoices as PDF in one click"
EXISTING = "Export invoices to CSV for my accountant"


def _make():
    made = committed.make(customers=[AUTHOR, *VOTERS], managers=[MANAGER])
    from django_tenants.utils import tenant_context

    from modules.ideas import services
    from tests.ideas.conftest import make_customer

    with tenant_context(committed.alpha()):
        other = make_customer("journey-dan@customer.example")
        made["users"].append(other.pk)
        services.idea_create(author=other, title=EXISTING, body="One row per invoice.")
    return made


@pytest.fixture
def journey_people(celery_eager):
    made = run_committed(_make)
    yield made
    run_committed(lambda: committed.drop(made))


def test_idea_submitted_voted_planned(browser, live_settings, screenshot_dir, journey_people):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"

    # the author signs in and submits an idea; a similar one shows up while typing
    author = browser.new_context(**PHONE)
    page = author.new_page()
    sign_in(page, base, AUTHOR, TEST_PASSWORD, "/ideas/new/")
    page.locator("#id_title").press_sequentially("Export invoices", delay=20)
    similar = page.locator("#ideas-similar")
    similar.wait_for(state="visible")
    assert EXISTING in similar.inner_text()
    page.fill("#id_title", TITLE)
    page.fill("#id_body", "My clients want a **PDF**, not a link.")
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "ideas-1-new.png", full_page=True)
    page.get_by_role("button", name="Submit idea").click()
    page.wait_for_url(re.compile(r".*/ideas/\d+-[\w-]+/$"))
    idea_path = page.url.removeprefix(base)
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".idea__body strong").inner_text() == "PDF"
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "ideas-2-idea.png", full_page=True)
    author.close()

    # two other customers vote for it from the board
    for number, voter in enumerate(VOTERS, start=1):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        sign_in(page, base, voter, TEST_PASSWORD, "/ideas/?sort=new")
        row = page.locator(".idea-row", has_text=TITLE)
        row.get_by_role("button", name=re.compile("Vote")).click()
        page.wait_for_load_state("load")
        row = page.locator(".idea-row", has_text=TITLE)
        assert row.locator(".idea-vote__count").inner_text() == str(number)
        assert row.locator(".idea-vote__button").get_attribute("aria-pressed") == "true"
        if number == 2:
            assert_no_sideways_scroll(page)
            page.screenshot(path=screenshot_dir / "ideas-3-board.png", full_page=True)
        context.close()

    # staff marks it planned with a public note
    staff = browser.new_context(**PHONE)
    page = staff.new_page()
    mail.outbox.clear()
    sign_in(page, base, MANAGER, TEST_PASSWORD, idea_path)
    page.select_option("#id_status", "planned")
    page.fill("#id_note", "Planned for **May**: PDFs will be attached to the invoice email.")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_load_state("load")
    assert "Planned" in page.locator(".idea__meta").inner_text()
    assert "PDFs will be attached" in page.locator(".idea-history").inner_text()
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "ideas-4-planned.png", full_page=True)

    # both voters (and the author, who follows their idea) got the email, once each
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([AUTHOR, *VOTERS])
    for voter in VOTERS:
        message = next(m for m in mail.outbox if m.to == [voter])
        assert TITLE in message.subject and "Planned" in message.subject
        assert "PDFs will be attached" in message.body
        assert "You get this email because you voted for this idea." in message.body

    # the roadmap shows it under Planned
    page.goto(f"{base}/ideas/roadmap/")
    planned = page.locator(".roadmap__column--planned")
    assert TITLE in planned.inner_text()
    assert_no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / "ideas-5-roadmap.png", full_page=True)
    staff.close()

    # on a desktop the roadmap has its three columns side by side
    desktop = browser.new_context(viewport={"width": 1280, "height": 800})
    page = desktop.new_page()
    page.goto(f"{base}/ideas/roadmap/")
    boxes = [
        page.locator(f".roadmap__column--{status}").bounding_box()
        for status in ("planned", "in_progress", "done")
    ]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    page.screenshot(path=screenshot_dir / "ideas-6-roadmap-1280.png", full_page=True)
    page.goto(f"{base}/ideas/")
    page.screenshot(path=screenshot_dir / "ideas-7-board-1280.png", full_page=True)
    desktop.close()
