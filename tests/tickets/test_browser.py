"""In Chromium at phone width: a customer starts a request, is offered a help article while typing
the subject ("Ask once"), reads it, comes back, still submits, and finds the request in My
requests. The opened article and the sent ticket are both recorded on the search. Nothing
scrolls sideways; screenshots of each step are saved."""

from __future__ import annotations

import pytest

from tests.committed import alpha
from tests.conftest import TEST_PASSWORD, run_committed
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

EMAIL = "journey-tess@customer.example"


def _make() -> dict:
    from django_tenants.utils import tenant_context

    from cms.models import HomePage
    from modules.kb.pages import ArticlePage, KnowledgeBasePage
    from modules.tickets.models import RequestType
    from tests.conftest import make_customer
    from tests.kb.conftest import paragraph, publish

    with tenant_context(alpha()):
        user = make_customer(EMAIL, first_name="Tess")
        kb = KnowledgeBasePage.objects.child_of(HomePage.objects.get()).get()
        article = publish(
            kb,
            ArticlePage(
                title="Reset a forgotten hummingbird password",
                slug="journey-hummingbird-password",
                summary="Use the link on the sign-in page.",
                body=[paragraph("Choose <b>Forgot password</b> and follow the email.")],
            ),
        )
        RequestType.objects.get_or_create(slug="general", defaults={"name": "General question"})
        return {"user": user.pk, "article": article.pk, "url": article.url}


def _drop(made: dict) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context
    from wagtail.models import Page

    from modules.accounts.models import OutboxEmail
    from modules.tickets.models import Suggestion, Ticket

    with tenant_context(alpha()):
        users = get_user_model().objects.filter(pk=made["user"])
        Suggestion.objects.filter(user__in=users).delete()
        Ticket.objects.filter(requester__in=users).delete()
        OutboxEmail.objects.filter(recipient__in=users).delete()
        Page.objects.filter(pk=made["article"]).delete()
        users.delete()


def _check(made: dict) -> dict:
    from django_tenants.utils import tenant_context

    from modules.tickets.models import Suggestion, Ticket

    with tenant_context(alpha()):
        ticket = Ticket.objects.get(requester_id=made["user"])
        suggestion = Suggestion.objects.get(ticket=ticket)
        return {
            "number": ticket.number,
            "subject": ticket.subject,
            "opened_url": suggestion.opened_url,
            "opened": suggestion.opened_at is not None,
        }


@pytest.fixture
def journey():
    made = run_committed(_make)
    yield made
    run_committed(lambda: _drop(made))


def test_ask_once_then_submit_on_a_phone(browser, live_settings, screenshot_dir, journey):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, base, EMAIL, TEST_PASSWORD, "/tickets/")
    assert page.get_by_text("You have no requests yet").is_visible()
    assert_no_sideways_scroll(page, "my requests (empty)")

    page.goto(base + "/tickets/new/")
    page.fill("#id_description", "I cannot sign in since yesterday.")
    page.locator("#id_subject").press_sequentially("forgotten hummingbird", delay=30)
    suggestion = page.locator("#tickets-suggest a", has_text="hummingbird password")
    suggestion.wait_for(state="visible")
    assert_no_sideways_scroll(page, "the form with suggestions")
    page.screenshot(path=screenshot_dir / "tickets-suggest-390.png", full_page=True)

    suggestion.click()
    page.wait_for_url(f"**{journey['url']}")
    assert page.get_by_role("heading", name="Reset a forgotten hummingbird password").is_visible()
    page.go_back()
    page.wait_for_url("**/tickets/new/")
    if page.input_value("#id_subject") == "":  # the browser did not keep the typed form
        page.fill("#id_subject", "forgotten hummingbird")
        page.fill("#id_description", "I cannot sign in since yesterday.")
    page.locator("#id_subject").press("End")
    page.locator("#id_subject").press_sequentially(" link", delay=20)
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url("**/tickets/1*/")
    assert page.get_by_text("We received your request").is_visible()
    assert_no_sideways_scroll(page, "the new ticket")
    page.screenshot(path=screenshot_dir / "tickets-detail-390.png", full_page=True)

    page.get_by_role("link", name="My requests").first.click()
    page.wait_for_url("**/tickets/")
    recorded = run_committed(lambda: _check(journey))
    row = page.locator(".tickets-row", has_text=f"#{recorded['number']}")
    assert row.is_visible() and "hummingbird" in row.inner_text()
    assert_no_sideways_scroll(page, "my requests")
    page.screenshot(path=screenshot_dir / "tickets-list-390.png", full_page=True)
    assert recorded["opened"] and recorded["opened_url"] == journey["url"]
    assert recorded["subject"].startswith("forgotten hummingbird")
    context.close()


SOLVED_EMAIL = "journey-sol@customer.example"
AGENT_EMAIL = "journey-agent@alpha.example"
LONG_WORD = "Reference" + "X" * 120


def _make_solved() -> dict:
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import tenant_context

    from modules.accounts.services import AGENTS
    from modules.tickets import services
    from modules.tickets.models import Status, TicketSettings
    from tests.conftest import make_customer
    from tests.tickets.conftest import make_staff

    with tenant_context(alpha()):
        customer = make_customer(SOLVED_EMAIL, first_name="Sol")
        agent = make_staff(AGENT_EMAIL, Group.objects.get(name=AGENTS))
        ticket = services.ticket_create(
            requester=customer,
            subject="Parcel never arrived",
            description=f"Order {LONG_WORD} was due on **Monday**.",
            files=[SimpleUploadedFile("receipt.txt", b"order 42")],
            cc=["partner@customer.example"],
        )
        services.ticket_reply(
            ticket=ticket,
            author=agent,
            body="Sorry! We sent a new one:\n\n- tracking `ZX-9`\n- due *Friday*",
            status=Status.SOLVED,
        )
        row = TicketSettings.load()
        guests_before = row.guests_can_submit
        row.guests_can_submit = True
        row.save()
        guest = services.ticket_create(
            guest_email="journey-guest@example.org",
            guest_name="Gil",
            subject="Do you ship to islands?",
            description="Small island, big parcel.",
        )
        row.guests_can_submit = guests_before
        row.save()
        return {
            "users": [customer.pk, agent.pk],
            "tickets": [ticket.pk, guest.pk],
            "url": ticket.get_absolute_url(),
            "guest_url": services.guest_link(guest).split("://", 1)[1].split("/", 1)[1],
        }


def _drop_solved(made: dict) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.accounts.models import OutboxEmail
    from modules.tickets.models import Ticket

    with tenant_context(alpha()):
        tickets = Ticket.objects.filter(pk__in=made["tickets"])
        OutboxEmail.objects.filter(
            to_email__in=["journey-guest@example.org", "partner@customer.example"]
        ).delete()
        tickets.delete()
        users = get_user_model().objects.filter(pk__in=made["users"])
        OutboxEmail.objects.filter(recipient__in=users).delete()
        users.delete()


@pytest.fixture
def solved():
    made = run_committed(_make_solved)
    yield made
    run_committed(lambda: _drop_solved(made))


def _rating(made: dict) -> str:
    from django_tenants.utils import tenant_context

    from modules.tickets.models import Ticket

    with tenant_context(alpha()):
        return Ticket.objects.get(pk=made["tickets"][0]).rating


def test_a_solved_request_is_rated_and_a_guest_reads_theirs_on_a_phone(
    browser, live_settings, screenshot_dir, solved
):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, base, SOLVED_EMAIL, TEST_PASSWORD, solved["url"])
    message = page.locator(".ticket-message--staff")
    assert "Support team" in message.inner_text() and "ZX-9" in message.inner_text()
    assert page.get_by_text("Status changed to “Solved”").is_visible()
    assert page.get_by_role("link", name="receipt.txt").is_visible()
    assert_no_sideways_scroll(page, "a solved request with a long word")
    page.get_by_label("Good, I'm satisfied").check()
    page.get_by_label("Anything to add? (optional)").fill("Quick and kind.")
    page.get_by_role("button", name="Send rating").click()
    page.wait_for_url(f"**{solved['url']}")
    assert page.get_by_text("Thank you for your feedback!").is_visible()
    assert run_committed(lambda: _rating(solved)) == "good"
    page.screenshot(path=screenshot_dir / "tickets-solved-390.png", full_page=True)
    context.close()

    guest = browser.new_context(**PHONE)
    page = guest.new_page()
    response = page.goto(f"{base}/{solved['guest_url']}")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert page.get_by_role("heading", name="Do you ship to islands?").is_visible()
    page.get_by_label("Your reply").fill("It is called *Sark*.")
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Your reply was sent.").is_visible()
    assert page.locator(".ticket-message em", has_text="Sark").is_visible()
    assert_no_sideways_scroll(page, "a guest's request")
    page.screenshot(path=screenshot_dir / "tickets-guest-390.png", full_page=True)
    guest.close()
