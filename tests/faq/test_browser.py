"""The FAQ in Chromium: the accordion works with and without JavaScript, a #q-… link opens its
question, and the pages hold together at 360 px and 1280 px (screenshots in test-results/)."""

from __future__ import annotations

import pytest

from tests.conftest import run_committed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

QUESTIONS = [
    (
        "How do I change the card I pay with?",
        "<p>Open <b>Settings → Billing</b> and choose <i>Change card</i>. The new card is "
        "charged from your next invoice.</p>",
    ),
    (
        "Can I get a refund?",
        "<p>Yes. Within 30 days of a payment you can ask for a full refund:</p>"
        "<ol><li>Open the invoice.</li><li>Choose <b>Request a refund</b>.</li>"
        "<li>Tell us why (optional).</li></ol><p>Refunds reach your card in 5–10 days.</p>",
    ),
    ("Do you send invoices?", "<p>Every month, by email, to the billing contact.</p>"),
    (
        "Which payment methods do you accept, and can I pay by bank transfer on a yearly plan?",
        "<p>Visa, Mastercard and American Express; yearly plans can also pay by transfer.</p>",
    ),
]


def _make_faq():
    from django_tenants.utils import tenant_context

    from cms.models import HomePage
    from modules.faq.services import faq_group_create, faq_index_create
    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        index = faq_index_create(
            parent=HomePage.objects.get(), title="FAQ", slug="faq-e2e", intro="Quick answers."
        )
        faq_group_create(
            index=index,
            title="Billing",
            intro="Cards, refunds and invoices.",
            questions=QUESTIONS,
        )
        return index.pk


def _drop_faq(index_pk: int) -> None:
    from django_tenants.utils import tenant_context
    from wagtail.models import Page

    from tenants.models import Tenant

    with tenant_context(Tenant.objects.get(slug="alpha")):
        Page.objects.get(pk=index_pk).delete()


@pytest.fixture
def committed_faq():
    index_pk = run_committed(_make_faq)
    yield
    run_committed(_drop_faq, index_pk)


def test_accordion_deep_links_and_layout(browser, live_settings, screenshot_dir, committed_faq):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}/faq-e2e/billing/"

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}#q-can-i-get-a-refund")
    assert page.locator("#q-can-i-get-a-refund").get_attribute("open") is not None
    assert page.locator("#q-do-you-send-invoices").get_attribute("open") is None
    # keyboard: a summary is focusable and Enter opens it
    page.locator("#q-do-you-send-invoices summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#q-do-you-send-invoices").get_attribute("open") is not None
    page.locator("#q-do-you-send-invoices summary").click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=screenshot_dir / "faq-group-1280.png", full_page=True)
    context.close()

    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{base}q/can-i-get-a-refund/")
    assert page.title().startswith("Can I get a refund?")
    assert page.locator("#q-can-i-get-a-refund").get_attribute("open") is not None
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"
    page.screenshot(path=screenshot_dir / "faq-question-360.png", full_page=True)
    page.goto(base.removesuffix("billing/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=screenshot_dir / "faq-index-360.png", full_page=True)
    context.close()

    # without JavaScript the questions still open and close
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base)
    page.locator("#q-do-you-send-invoices summary").click()
    assert page.locator("#q-do-you-send-invoices").get_attribute("open") is not None
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # let the chevron finish turning
    page.screenshot(path=screenshot_dir / "faq-group-360-nojs.png", full_page=True)
    context.close()
