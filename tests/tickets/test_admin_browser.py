"""In Chromium: an agent opens the tickets inbox, opens a ticket, inserts a canned response into
the reply box and sends the reply; at desktop and phone width, nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, run_committed
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

AGENT = "desk-agent@company.example"
CUSTOMER = "desk-customer@customer.example"
CANNED = "Browser journey greeting"
SUBJECT = "Cannot download my invoice for March"


def _make() -> int:
    from django.contrib.auth.models import Group
    from django_tenants.utils import tenant_context

    from modules.accounts.services import AGENTS
    from modules.tickets import services
    from modules.tickets.models import CannedResponse
    from tests.committed import alpha
    from tests.conftest import make_customer

    with tenant_context(alpha()):
        agent = make_customer(AGENT, first_name="Dana", last_name="Desk")
        agent.groups.add(Group.objects.get(name=AGENTS))
        customer = make_customer(CUSTOMER, first_name="Chris")
        CannedResponse.objects.create(
            title=CANNED, body="Hello {{ requester_name }}, thanks for ticket #{{ ticket_number }}."
        )
        ticket = services.ticket_create(
            requester=customer,
            subject=SUBJECT,
            description="The button does nothing. " + "averyveryverylongwordwithoutspaces" * 4,
        )
        services.ticket_reply(
            ticket=ticket, author=agent, body="Checking billing logs.", internal=True
        )
        return ticket.number


def _drop() -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.accounts.models import OutboxEmail
    from modules.tickets.models import CannedResponse, Ticket
    from tests.committed import alpha

    with tenant_context(alpha()):
        users = get_user_model().objects.filter(email__in=[AGENT, CUSTOMER])
        Ticket.objects.filter(requester__in=users).delete()
        CannedResponse.objects.filter(title=CANNED).delete()
        OutboxEmail.objects.filter(recipient__in=users).delete()
        users.delete()


@pytest.fixture
def desk_ticket():
    try:
        number = run_committed(_make)
    except BaseException:
        run_committed(_drop)
        raise
    yield number
    run_committed(_drop)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_agent_answers_with_a_canned_response(
    browser, live_settings, screenshot_dir, desk_ticket, width
):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    options = PHONE if width == "phone" else {"viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(**options)
    page = context.new_page()
    sign_in(page, base, AGENT, TEST_PASSWORD, "/admin/tickets/")
    assert page.locator(f'tr[data-ticket="{desk_ticket}"]').count() == 1
    assert_no_sideways_scroll(page, f"the tickets inbox ({width})")
    page.screenshot(path=screenshot_dir / f"tickets-admin-inbox-{width}.png", full_page=True)

    page.locator(f'tr[data-ticket="{desk_ticket}"] a').first.click()
    page.wait_for_url(f"**/admin/tickets/{desk_ticket}/")
    assert page.locator("[data-internal]").count() == 1  # the note, marked as such
    page.fill("#tk-body", "First line. ")
    page.select_option("#tk-canned", label=CANNED)
    page.click("#tk-canned-insert")
    text = page.input_value("#tk-body")
    # inserted where the cursor was, without reloading the page
    assert text == f"First line. Hello Chris, thanks for ticket #{desk_ticket}.", text
    assert page.url.endswith(f"/admin/tickets/{desk_ticket}/")
    assert_no_sideways_scroll(page, f"a ticket ({width})")
    page.screenshot(path=screenshot_dir / f"tickets-admin-ticket-{width}.png", full_page=True)

    page.check('input[name="kind"][value="public"]')
    page.locator("#tk-reply-form button[type=submit]").click()
    page.wait_for_load_state("load")
    reply = page.locator("article.tk-entry--agent").last
    assert f"thanks for ticket #{desk_ticket}" in reply.inner_text()
    assert "Reply sent." in page.content()
    assert_no_sideways_scroll(page, f"a ticket after the reply ({width})")
    page.screenshot(path=screenshot_dir / f"tickets-admin-replied-{width}.png", full_page=True)
    context.close()
