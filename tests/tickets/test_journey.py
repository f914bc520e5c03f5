"""One request from start to end, in Chromium, as its two people see it: a customer on a phone
(390 px) starts a request, is offered a help article while typing the subject, reads it, comes
back and still submits; finds it in My requests; an agent at a desk (a browser of their own)
answers it publicly from the admin inbox; the customer answers BY EMAIL (a real reply to the
notification, quoting it, read from a Maildir by `manage.py read_maildir`); both see the answer
without the quote; the agent marks it solved; the customer sees "Solved" and rates it. Nothing
scrolls sideways on the phone; a screenshot of every step is saved under
test-results/screenshots/journey/."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

import pytest

from tests.committed import alpha
from tests.conftest import TEST_PASSWORD, run_committed
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

CUSTOMER = "trip-tess@customer.example"
AGENT = "trip-agent@alpha.example"
ARTICLE = "Reset a forgotten kingfisher password"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
AGENT_TEXT = "Sorry about that! Please use the *Forgot password* link once more: we fixed it."
EMAIL_TEXT = "Thanks, the link worked and I am signed in again."


def _make() -> dict:
    from django.contrib.auth.models import Group
    from django_tenants.utils import tenant_context

    from cms.models import HomePage
    from modules.accounts.services import AGENTS
    from modules.kb.pages import ArticlePage, KnowledgeBasePage
    from tests.conftest import make_customer
    from tests.kb.conftest import paragraph, publish
    from tests.tickets.conftest import make_staff

    with tenant_context(alpha()):
        customer = make_customer(CUSTOMER, first_name="Tess", last_name="Trip")
        agent = make_staff(AGENT, Group.objects.get(name=AGENTS))
        agent.first_name, agent.last_name = "Dana", "Desk"
        agent.save()
        kb = KnowledgeBasePage.objects.child_of(HomePage.objects.get()).get()
        article = publish(
            kb,
            ArticlePage(
                title=ARTICLE,
                slug="trip-kingfisher-password",
                summary="Use the link on the sign-in page.",
                body=[paragraph("Choose <b>Forgot password</b> and follow the email.")],
            ),
        )
        return {"users": [customer.pk, agent.pk], "article": article.pk, "url": article.url}


def _drop() -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context
    from wagtail.models import Page

    from modules.accounts.models import OutboxEmail
    from modules.tickets.models import InboundEmail, Suggestion, Ticket

    with tenant_context(alpha()):
        users = get_user_model().objects.filter(email__in=[CUSTOMER, AGENT])
        InboundEmail.objects.filter(sender=CUSTOMER).delete()
        Suggestion.objects.filter(user__in=users).delete()
        Ticket.objects.filter(requester__in=users).delete()
        OutboxEmail.objects.filter(recipient__in=users).delete()
        Page.objects.filter(slug="trip-kingfisher-password").delete()
        users.delete()


@pytest.fixture
def trip():
    try:
        made = run_committed(_make)
    except BaseException:
        run_committed(_drop)
        raise
    yield made
    run_committed(_drop)


def _ticket(made: dict) -> dict:
    from django_tenants.utils import tenant_context

    from modules.tickets.models import Suggestion, Ticket

    with tenant_context(alpha()):
        ticket = Ticket.objects.get(requester_id=made["users"][0])
        suggestion = Suggestion.objects.filter(ticket=ticket).first()
        return {
            "number": ticket.number,
            "url": ticket.get_absolute_url(),
            "status": ticket.status,
            "rating": ticket.rating,
            "rating_comment": ticket.rating_comment,
            "opened_url": suggestion.opened_url if suggestion else None,
            "messages": list(ticket.messages.values_list("channel", "body")),
        }


def _agent_reply_email(made: dict) -> dict:
    """The notification of the agent's reply queued for the customer."""
    from django.conf import settings
    from django_tenants.utils import tenant_context

    from modules.accounts.models import OutboxEmail

    with tenant_context(alpha()):
        rows = OutboxEmail.objects.filter(
            recipient_id=made["users"][0], body_text__contains="Forgot password"
        )
        row = rows.get()
        return {
            "to_email": row.to_email,
            "reply_to": row.reply_to,
            "subject": row.subject,
            "body": row.body_text,
            "sent": row.created_at,
            "from": settings.DEFAULT_FROM_EMAIL,
        }


def _reply_by_email(notification: dict) -> bytes:
    """What a mail client sends when the customer answers the notification: their text on top,
    the notification quoted under an "On … wrote:" line, a plain and an HTML part."""
    quoted = "\n".join(f"> {line}".rstrip() for line in notification["body"].splitlines())
    when = notification["sent"].strftime("%a, %b %-d, %Y at %-I:%M %p")
    header = f"On {when} Alpha Corp <{notification['from']}> wrote:"
    message = EmailMessage()
    message["From"] = formataddr(("Tess Trip", CUSTOMER))
    message["To"] = notification["reply_to"]
    message["Subject"] = f"Re: {notification['subject']}"
    message["Date"] = format_datetime(notification["sent"])
    message["Message-ID"] = make_msgid(domain="customer.example")
    message.set_content(f"{EMAIL_TEXT}\n\n{header}\n{quoted}\n")
    html_quote = "<br>".join(notification["body"].splitlines())
    message.add_alternative(
        f"<div dir='ltr'>{EMAIL_TEXT}</div><br><div class='gmail_quote'>"
        f"<div class='gmail_attr'>{header}</div><blockquote>{html_quote}</blockquote></div>",
        subtype="html",
    )
    return message.as_bytes()


def _read_maildir(path: str) -> None:
    from django.core.management import call_command

    call_command("read_maildir", path)


def test_a_request_from_the_phone_answered_by_email_solved_and_rated(
    browser, live_settings, screenshot_dir, trip, celery_eager, tmp_path
):
    base = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}"
    shots = screenshot_dir / "journey"
    shots.mkdir(exist_ok=True)
    phone = browser.new_context(**PHONE)
    customer = phone.new_page()

    def snap(page, name: str, what: str | None = None) -> None:
        if what:
            assert_no_sideways_scroll(page, what)
        page.screenshot(path=shots / f"{name}.png", full_page=True)

    # 1. The customer starts a request; an article is suggested; they read it and come back.
    sign_in(customer, base, CUSTOMER, TEST_PASSWORD, "/tickets/new/")
    customer.fill("#id_description", "I cannot sign in since this morning.")
    customer.locator("#id_subject").press_sequentially("forgotten kingfisher", delay=30)
    suggestion = customer.locator("#tickets-suggest a", has_text="kingfisher password")
    suggestion.wait_for(state="visible")
    snap(customer, "01-new-request-suggestion", "the form with a suggestion")
    suggestion.click()
    customer.wait_for_url(f"**{trip['url']}")
    assert customer.get_by_role("heading", name=ARTICLE).is_visible()
    snap(customer, "02-suggested-article", "the suggested article")
    customer.go_back()
    customer.wait_for_url("**/tickets/new/")
    if customer.input_value("#id_subject") == "":  # the browser did not keep the typed form
        customer.fill("#id_subject", "forgotten kingfisher")
        customer.fill("#id_description", "I cannot sign in since this morning.")
    customer.locator("#id_subject").press("End")
    customer.locator("#id_subject").press_sequentially(" password link fails", delay=20)
    customer.wait_for_load_state("networkidle")
    snap(customer, "03-back-on-the-form", "the form after the article")
    customer.get_by_role("button", name="Submit request").click()
    customer.wait_for_url("**/tickets/*/")
    assert customer.get_by_text("We received your request").is_visible()
    ticket = run_committed(lambda: _ticket(trip))
    assert ticket["opened_url"] == trip["url"]  # the article they read is on the record
    assert customer.url.endswith(ticket["url"])
    snap(customer, "04-request-sent", "the new request")

    # 2. My requests lists it, with its status.
    customer.get_by_role("link", name="My requests").first.click()
    customer.wait_for_url("**/tickets/")
    row = customer.locator(".tickets-row", has_text=f"#{ticket['number']}")
    assert "forgotten kingfisher password link fails" in row.inner_text()
    assert row.locator(".tickets-status").inner_text() == "New"
    snap(customer, "05-my-requests", "my requests")

    # 3. The agent, at a desk, opens the inbox and the ticket and replies publicly.
    desk = browser.new_context(**DESKTOP)
    agent = desk.new_page()
    sign_in(agent, base, AGENT, TEST_PASSWORD, "/admin/tickets/")
    inbox_row = agent.locator(f'tr[data-ticket="{ticket["number"]}"]')
    assert "forgotten kingfisher" in inbox_row.inner_text()
    snap(agent, "06-admin-inbox", "the agents' inbox")
    inbox_row.locator("a").first.click()
    agent.wait_for_url(f"**/admin/tickets/{ticket['number']}/")
    assert "I cannot sign in since this morning." in agent.locator(".tk-entry").first.inner_text()
    agent.fill("#tk-body", AGENT_TEXT)
    agent.check('input[name="kind"][value="public"]')
    snap(agent, "07-admin-ticket-reply-typed")
    agent.locator("#tk-reply-form button[type=submit]").click()
    agent.wait_for_load_state("load")
    assert agent.get_by_text("Reply sent.").is_visible()
    assert "Forgot password" in agent.locator("article.tk-entry--agent").last.inner_text()
    # agents read "pending" in their own words; "Awaiting your reply" is the customer's
    assert "Status: Awaiting customer" in agent.locator(".tk-meta").inner_text()
    assert "New → Awaiting customer" in agent.locator(".tk-event").last.inner_text()
    assert "Awaiting your reply" not in agent.locator("main").inner_text()
    snap(agent, "08-admin-replied", "the ticket after the reply")
    agent.goto(base + "/admin/tickets/")
    status_cell = inbox_row.locator('td[data-label="Status"]')
    assert status_cell.inner_text() == "Awaiting customer"
    agent.go_back()

    customer.goto(base + ticket["url"])
    staff = customer.locator(".ticket-message--staff")
    assert "Support team" in staff.inner_text() and "Forgot password" in staff.inner_text()
    assert customer.locator(".ticket__meta .tickets-status").inner_text() == "Awaiting your reply"
    snap(customer, "09-customer-sees-the-answer", "the request with the agent's answer")

    # 4. The customer answers the notification by email; a Maildir brings it in.
    notification = run_committed(lambda: _agent_reply_email(trip))
    assert notification["to_email"] == CUSTOMER
    assert f"+{ticket['number']}-" in notification["reply_to"]
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(_reply_by_email(notification))
    box.flush()
    run_committed(_read_maildir, str(tmp_path / "Maildir"))
    assert not list((tmp_path / "Maildir" / "new").iterdir())
    ticket = run_committed(lambda: _ticket(trip))
    assert ("email", EMAIL_TEXT) in ticket["messages"]
    assert ticket["status"] == "open"  # back with the agents

    customer.reload()
    own = customer.locator(".ticket-message:not(.ticket-message--staff)").last
    assert own.inner_text().count("Thanks, the link worked") == 1
    assert "wrote:" not in own.inner_text() and "Reply to this email" not in own.inner_text()
    assert customer.get_by_text(EMAIL_TEXT).is_visible()
    assert customer.locator(".ticket__meta .tickets-status").inner_text() == "Open"
    snap(customer, "10-customer-sees-the-email-reply", "the request with the email reply")

    agent.reload()
    last = agent.locator("article.tk-entry").last
    assert EMAIL_TEXT in last.inner_text() and "wrote:" not in last.inner_text()
    assert "Tess Trip" in last.inner_text()
    snap(agent, "11-admin-sees-the-email-reply")

    # 5. The agent marks it solved.
    agent.select_option("#tk-status", "solved")
    agent.get_by_role("button", name="Save details").click()
    agent.wait_for_load_state("load")
    assert agent.get_by_text("Ticket updated.").is_visible()
    assert "Status: Solved" in agent.locator(".tk-meta").inner_text()
    agent.wait_for_timeout(400)  # the message slides in
    snap(agent, "12-admin-solved")

    # 6. The customer sees "Solved" and rates it.
    customer.reload()
    assert customer.locator(".ticket__meta .tickets-status").inner_text() == "Solved"
    assert customer.get_by_text("Status changed to “Solved”").is_visible()
    rate = customer.get_by_role("heading", name="Rate our answer")
    assert rate.is_visible()
    # on a phone, rating comes before another reply, not under the reply form
    reply = customer.get_by_role("heading", name="Reply", exact=True)
    assert rate.bounding_box()["y"] < reply.bounding_box()["y"]
    good = customer.locator(".ticket-rating__choice", has_text="Good")
    assert good.bounding_box()["height"] >= 44  # a comfortable touch target
    snap(customer, "13-customer-sees-solved", "the solved request")
    customer.get_by_label("Good, I'm satisfied").check()
    customer.get_by_label("Anything to add? (optional)").fill("Fast, and by email too.")
    customer.get_by_role("button", name="Send rating").click()
    customer.wait_for_url(f"**{ticket['url']}")
    assert customer.get_by_text("Thank you for your feedback!").is_visible()
    ticket = run_committed(lambda: _ticket(trip))
    assert (ticket["rating"], ticket["rating_comment"]) == ("good", "Fast, and by email too.")
    snap(customer, "14-customer-rated", "the rated request")
    desk.close()
    phone.close()
