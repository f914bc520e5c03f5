"""Email into tickets: the platform routes a message to the portal its address names (Anymail's
webhook on the platform host, or a Maildir), and the portal turns it into a reply or a new ticket
once; strangers, automatic replies and other portals' addresses change nothing."""

from __future__ import annotations

import base64
import json
import mailbox
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import tenant_context

from modules.accounts.models import OutboxEmail
from modules.tickets import inbound, services
from modules.tickets.models import InboundEmail, Message, Status, Ticket
from tenants import inbound as routing
from tests.conftest import TenantClient, make_customer, switch_module

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
SECRET = "anymail-user:anymail-pass"


def mail(
    *,
    sender: str,
    to: str | list[str],
    subject: str = "Re: [#1] Printer",
    body: str = "Thanks, it works now.",
    headers: dict | None = None,
    files: tuple = (),
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to) if isinstance(to, list) else to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="mail.example")
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body)
    for name, content, maintype, subtype in files:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def deliver(raw: bytes, *recipients: str) -> list[routing.Delivery]:
    """What the platform does with a received message, then what the worker does with each
    stored row (run here, in the test's transaction)."""
    tenant = connection.tenant
    connection.set_schema_to_public()
    try:
        deliveries = routing.route(raw=raw, recipients=recipients)
    finally:
        connection.set_tenant(tenant)
    run_pending()
    return deliveries


def run_pending() -> None:
    from tenants.models import Tenant

    for tenant in Tenant.objects.filter(slug__in=["alpha", "beta"]):
        with tenant_context(tenant):
            for pk in InboundEmail.objects.filter(status="pending").values_list("pk", flat=True):
                inbound.process(pk)


@pytest.fixture
def ticket(people_a):
    return services.ticket_create(
        requester=people_a["ann"], subject="Printer", description="It says E42."
    )


def reply_of(ticket) -> str:
    return services.reply_address(ticket)


# --- replies by email --------------------------------------------------------------------------


def test_requester_reply_by_email_becomes_a_reply_without_the_quote(ticket, people_a):
    services.ticket_reply(ticket=ticket, author=people_a["agent"], body="Restart it, please.")
    body = (
        "Restarted, works now.\n\nOn Mon, Jun 3, 2026 at 10:15 AM Alpha <x@alpha.example> "
        "wrote:\n> Restart it, please.\n"
    )
    deliver(mail(sender="Ann <ANN@acme.example>", to=reply_of(ticket), body=body), reply_of(ticket))
    message = ticket.messages.get(channel="email")
    assert message.author == people_a["ann"]
    assert message.body == "Restarted, works now."
    assert not message.from_agent
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN  # the customer answered: back to the agents
    row = InboundEmail.objects.get()
    assert row.status == InboundEmail.Status.PROCESSED
    assert row.message == message and row.ticket == ticket


def test_cc_and_agent_replies_by_email(ticket, people_a):
    services.ticket_cc_add(ticket=ticket, email="boss@elsewhere.example", by=people_a["ann"])
    deliver(mail(sender="boss@elsewhere.example", to=reply_of(ticket)), reply_of(ticket))
    by_cc = ticket.messages.get(author_email="boss@elsewhere.example")
    assert by_cc.author is None and not by_cc.from_agent
    deliver(
        mail(sender="agent@alpha.example", to=reply_of(ticket), body="On it."), reply_of(ticket)
    )
    by_agent = ticket.messages.get(body="On it.")
    assert by_agent.author == people_a["agent"] and by_agent.from_agent
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def test_stranger_and_other_customer_are_rejected_and_nothing_is_written(ticket, people_a):
    for sender in ("mallory@evil.example", people_a["bob"].email, "light@alpha.example"):
        deliver(mail(sender=sender, to=reply_of(ticket), body="Let me in"), reply_of(ticket))
    assert not ticket.messages.exists()
    rows = InboundEmail.objects.all()
    assert len(rows) == 3
    assert {row.status for row in rows} == {InboundEmail.Status.REJECTED}
    assert all(row.message is None for row in rows)


def test_reply_address_with_a_wrong_token_is_rejected(ticket):
    forged = reply_of(ticket).replace(ticket.reply_token, "0" * 16)
    deliver(mail(sender="ann@acme.example", to=forged), forged)
    assert not ticket.messages.exists()
    assert InboundEmail.objects.get().note == "unknown reply address"


def test_attachments_are_kept_after_the_usual_checks(ticket):
    raw = mail(
        sender="ann@acme.example",
        to=reply_of(ticket),
        body="Screenshot attached.",
        files=(
            ("screen.png", PNG, "image", "png"),
            ("invoice.html", b"<html><script>alert(1)</script></html>", "text", "html"),
            ("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 64, "application", "octet-stream"),
        ),
    )
    deliver(raw, reply_of(ticket))
    message = ticket.messages.get()
    assert [(a.filename, a.content_type) for a in message.attachments.all()] == [
        ("screen.png", "image/png")
    ]
    assert InboundEmail.objects.get().note == "2 attachment(s) refused"


# --- new tickets -------------------------------------------------------------------------------


def test_email_to_the_support_address_opens_a_guest_ticket(people_a):
    support = services.support_address()
    deliver(
        mail(sender="Zoe <zoe@new.example>", to=support, subject="Cannot log in", body="Help"),
        support,
    )
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.description) == ("Cannot log in", "Help")
    assert ticket.requester is None and ticket.guest_email == "zoe@new.example"
    assert ticket.guest_name == "Zoe" and ticket.channel == "email"
    # the guest hears back, with the reply address
    assert OutboxEmail.objects.get(to_email="zoe@new.example").reply_to == reply_of(ticket)


def test_email_from_an_account_opens_its_ticket(people_a):
    support = services.support_address()
    deliver(mail(sender="bob@customer.example", to=support, subject="Refund"), support)
    assert Ticket.objects.get().requester == people_a["bob"]


def test_subject_number_threads_a_support_address_email_for_people_on_the_ticket(ticket, people_a):
    support = services.support_address()
    subject = f"Re: [#{ticket.number}] New reply: Printer"
    deliver(mail(sender="ann@acme.example", to=support, subject=subject, body="Still E42"), support)
    assert ticket.messages.get().body == "Still E42"
    assert Ticket.objects.count() == 1
    # a stranger naming the number opens a ticket of their own, never writes on Ann's
    deliver(mail(sender="eve@evil.example", to=support, subject=subject, body="Hi"), support)
    assert ticket.messages.count() == 1
    assert Ticket.objects.exclude(pk=ticket.pk).get().guest_email == "eve@evil.example"


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
        {"List-Id": "<news.lists.example>"},
    ],
)
def test_automatic_mail_is_rejected_so_no_loop_starts(ticket, headers):
    before = OutboxEmail.objects.count()
    support = services.support_address()
    deliver(mail(sender="ann@acme.example", to=reply_of(ticket), headers=headers), support)
    deliver(mail(sender="ann@acme.example", to=support, headers=headers), reply_of(ticket))
    assert not ticket.messages.exists() and Ticket.objects.count() == 1
    assert {row.status for row in InboundEmail.objects.all()} == {InboundEmail.Status.REJECTED}
    assert OutboxEmail.objects.count() == before


def test_bounces_are_rejected(ticket):
    deliver(mail(sender="MAILER-DAEMON@mx.example", to=reply_of(ticket)), reply_of(ticket))
    assert not ticket.messages.exists()


def test_same_message_id_is_processed_once(ticket):
    raw = mail(sender="ann@acme.example", to=reply_of(ticket), message_id="<once@mail.example>")
    first = deliver(raw, reply_of(ticket))
    second = deliver(raw, reply_of(ticket))
    assert [d.outcome for d in first + second] == [routing.RECEIVED, routing.DUPLICATE]
    assert ticket.messages.count() == 1


# --- routing between portals -------------------------------------------------------------------


def test_unknown_portal_other_domains_and_switched_off_tickets_are_ignored(tenant_a):
    with tenant_context(tenant_a):
        support = services.support_address()
    domain = support.split("@")[1]
    raw = mail(sender="zoe@new.example", to=f"nobody@{domain}")
    assert [d.outcome for d in routing.route(raw=raw, recipients=[f"nobody@{domain}"])] == [
        routing.UNKNOWN_PORTAL
    ]
    assert routing.route(raw=raw, recipients=["alpha@elsewhere.example"]) == []
    switch_module(tenant_a, "tickets", False)
    assert [d.outcome for d in routing.route(raw=raw, recipients=[support])] == [routing.MODULE_OFF]
    with tenant_context(tenant_a):
        assert not InboundEmail.objects.exists()


def test_suspended_portal_gets_no_mail(tenant_a):
    from tenants.models import TenantStatus

    with tenant_context(tenant_a):
        support = services.support_address()
    tenant_a.status = TenantStatus.SUSPENDED
    tenant_a.save(update_fields=["status"])
    outcome = routing.route(raw=mail(sender="z@new.example", to=support), recipients=[support])
    assert [d.outcome for d in outcome] == [routing.UNKNOWN_PORTAL]


def test_mail_to_two_portals_reaches_each_once(tenant_a, tenant_b):
    addresses = []
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            addresses.append(services.support_address())
    raw = mail(sender="zoe@new.example", to=addresses, subject="Both", body="Hello both")
    deliver(raw, *addresses, addresses[0])
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            assert list(Ticket.objects.values_list("subject", flat=True)) == ["Both"]


def test_mail_for_tenant_a_never_lands_in_tenant_b(ticket, tenant_b):
    support_a = services.support_address()
    reply_a = reply_of(ticket)
    deliver(mail(sender="zoe@new.example", to=support_a, subject="For A"), support_a)
    # tenant A's ticket reply address, with tenant B's slug
    as_b = reply_a.replace(f"{reply_a.split('+')[0]}+", f"{tenant_b.slug}+")
    deliver(mail(sender="ann@acme.example", to=as_b, body="Sneaky"), as_b)
    assert not ticket.messages.exists()
    with tenant_context(tenant_b):
        assert not Ticket.objects.exists() and not Message.objects.exists()
        row = InboundEmail.objects.get()
        assert (row.status, row.note) == (InboundEmail.Status.REJECTED, "unknown reply address")


# --- the doors: Anymail's webhook and the Maildir -----------------------------------------------


@override_settings(ANYMAIL={"WEBHOOK_SECRET": SECRET})
def test_provider_webhook_on_the_platform_host_stores_the_message(ticket, settings):
    raw = mail(sender="ann@acme.example", to="someone@else.example", body="Via Postmark")
    client = TenantClient(settings.PLATFORM_DOMAIN)
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    payload = {"RawEmail": raw.decode(), "OriginalRecipient": reply_of(ticket), "Headers": []}
    connection.set_schema_to_public()
    response = client.post(
        "/inbound/email/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    run_pending()
    with tenant_context(ticket_tenant()):
        assert ticket.messages.get().body == "Via Postmark"
    # unknown portal: still 200 (the provider must not retry), nothing stored
    payload["OriginalRecipient"] = "nobody@" + reply_of(ticket).split("@")[1]
    payload["RawEmail"] = mail(sender="x@y.example", to="nobody@x.example").decode()
    response = client.post(
        "/inbound/email/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    # without the secret: refused
    response = client.post(
        "/inbound/email/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code in (400, 401, 403)
    with tenant_context(ticket_tenant()):
        assert InboundEmail.objects.count() == 1


def ticket_tenant():
    from tenants.models import Tenant

    return Tenant.objects.get(slug="alpha")


def test_read_maildir_hands_new_mail_over_once_and_files_it(ticket, tmp_path):
    support = services.support_address()
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(mail(sender="zoe@new.example", to=support, subject="From the box", body="Hi"))
    box.add(mail(sender="ann@acme.example", to=reply_of(ticket), body="Boxed reply"))
    box.add(mail(sender="x@y.example", to="postmaster@elsewhere.example"))
    box.flush()
    connection.set_schema_to_public()
    call_command("read_maildir", str(tmp_path / "Maildir"))
    assert not list((tmp_path / "Maildir" / "new").iterdir())
    assert len(list((tmp_path / "Maildir" / "cur").iterdir())) == 3
    # a second run, and the same files delivered again: nothing new
    for file in (tmp_path / "Maildir" / "cur").iterdir():
        file.rename(tmp_path / "Maildir" / "new" / file.name.split(":")[0])
    call_command("read_maildir", str(tmp_path / "Maildir"))
    call_command("read_maildir", str(tmp_path / "Maildir"))
    run_pending()
    with tenant_context(ticket_tenant()):
        assert InboundEmail.objects.count() == 2
        assert ticket.messages.get().body == "Boxed reply"
        assert Ticket.objects.filter(subject="From the box").count() == 1


def test_read_maildir_refuses_a_folder_that_is_not_a_maildir(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("read_maildir", str(tmp_path))


def test_a_new_account_with_the_guest_address_replies_as_itself(people_a):
    support = services.support_address()
    deliver(mail(sender="zoe@new.example", to=support, subject="First"), support)
    ticket = Ticket.objects.get()
    zoe = make_customer("zoe@new.example")
    services.guest_tickets_claim(user=zoe)
    deliver(mail(sender="zoe@new.example", to=reply_of(ticket), body="Me again"), reply_of(ticket))
    assert ticket.messages.get().author == zoe
