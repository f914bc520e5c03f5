"""Email into tickets, processed exactly once.

The platform (tenants.inbound) receives a message, from the email provider's webhook or from a
maildir, works out which portal it is for from the address, and calls `receive` in that portal's
schema (the module registry's "inbound_email" hook). Addresses:

- `<portal>@<inbound domain>`: a new ticket from the sender;
- `<portal>+<number>-<token>@<inbound domain>`: a reply on ticket <number> (the token, random per
  ticket, is what makes the address unguessable; it is the Reply-To of every ticket email).

`receive` stores the raw message once per Message-ID (a provider's retry or a second delivery is
the same row) and queues `process` after commit. `process` locks the row, writes the ticket or
the reply and marks the row processed in one transaction: a worker killed half-way leaves the row
pending and nothing written, and `sweep` (every ten minutes) hands it to a worker again.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
from email.message import EmailMessage
from email.utils import parseaddr

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from modules.accounts import selectors as accounts_selectors
from modules.tickets.models import Channel, InboundEmail, Status, Ticket

log = logging.getLogger(__name__)
SUBJECT_NUMBER = re.compile(r"\[#(\d+)\]")


def receive(*, recipient: str, raw: bytes) -> InboundEmail | None:
    """Store one message for this portal and queue its processing; None when this Message-ID
    was received before (nothing is queued twice)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = (message.get("Message-ID") or "").strip()[:250]
    if not message_id:  # no id: the content is the identity (a resend is the same message)
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    name, sender = parseaddr(str(message.get("From") or ""))
    row, created = InboundEmail.objects.get_or_create(
        message_id_header=message_id,
        defaults={
            "recipient": recipient[:250],
            "sender": sender.strip().lower()[:254],
            "sender_name": name[:120],
            "subject": str(message.get("Subject") or "")[:250],
            "raw": raw,
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(inbound_id: int) -> None:
    from modules.tickets.tasks import inbound_process

    try:
        inbound_process.delay(inbound_id)
    except Exception:  # the broker is down: the sweep processes it when it is back
        log.warning("inbound email %s not queued; the sweep will process it", inbound_id)


def sweep() -> int:
    """Queue again what is still pending a minute after it arrived."""
    cutoff = timezone.now() - timezone.timedelta(minutes=1)
    ids = list(
        InboundEmail.objects.filter(
            status=InboundEmail.Status.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    for inbound_id in ids:
        _enqueue(inbound_id)
    return len(ids)


def _tag(recipient: str) -> str:
    local = recipient.split("@", 1)[0]
    return local.split("+", 1)[1] if "+" in local else ""


def is_automatic(message: EmailMessage) -> bool:
    """Out-of-office replies, bounces and lists: answering them would start a mail loop."""
    auto = str(message.get("Auto-Submitted") or "no").strip().lower()
    precedence = str(message.get("Precedence") or "").strip().lower()
    _name, sender = parseaddr(str(message.get("From") or ""))
    local, _at, domain = sender.strip().lower().rpartition("@")
    return (
        auto.split(";", 1)[0].strip() != "no"
        or precedence in {"bulk", "junk", "list", "auto_reply"}
        or bool(message.get("X-Autoreply"))
        or bool(message.get("X-Autorespond"))
        or bool(message.get("List-Id"))
        or str(message.get("Content-Type") or "").lower().startswith("multipart/report")
        # bounces, and our own addresses (a reply address CC'd on a ticket email)
        or local in {"mailer-daemon", "postmaster"}
        or (bool(domain) and domain == _inbound_domain())
    )


def _inbound_domain() -> str:
    from django.conf import settings

    return (getattr(settings, "TICKETS_INBOUND_DOMAIN", "") or "").strip().lower()


def body_text(message: EmailMessage) -> str:
    """The message's text (the plain part, else the HTML part made plain)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError):
        # an unknown or lying charset: read it as UTF-8, keeping what decodes
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        from cms.markdown import plain_text_from_html

        content = plain_text_from_html(content)
    return content


def attachments(message: EmailMessage) -> tuple[list[SimpleUploadedFile], int]:
    """The message's attached files that pass the usual checks (`files.attachment_check`, the
    per-message count), and how many were left out. A refused file does not refuse the email:
    its text still reaches the ticket (a mail client cannot show our form error)."""
    from modules.tickets.files import attachment_check
    from modules.tickets.models import TicketSettings

    limits = TicketSettings.load()
    files, dropped = [], 0
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if not payload:
            continue
        upload = SimpleUploadedFile(
            part.get_filename() or "attachment", payload, part.get_content_type()
        )
        try:
            attachment_check(upload, max_bytes=limits.max_attachment_mb * 1024 * 1024)
        except ValidationError:
            dropped += 1
            continue
        if len(files) >= limits.max_attachments:
            dropped += 1
            continue
        upload.seek(0)
        files.append(upload)
    return files, dropped


def process(inbound_id: int) -> bool:
    """Turn one stored message into a ticket or a reply, once. Returns whether this call did."""
    from modules.tickets.quoting import strip_quoted
    from modules.tickets.services import TicketError, ticket_create, ticket_for_reply_tag

    with transaction.atomic():
        row = (
            InboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=inbound_id, status=InboundEmail.Status.PENDING)
            .first()
        )
        if row is None:
            return False
        message = email.message_from_bytes(bytes(row.raw), policy=email.policy.default)
        row.body_text = strip_quoted(body_text(message))
        row.processed_at = timezone.now()
        reject, dropped = None, 0
        tag = _tag(row.recipient)
        try:
            if is_automatic(message):
                reject = "automatic reply"
            elif not row.sender or not row.body_text.strip():
                reject = "no sender or no text"
            elif tag:
                ticket = ticket_for_reply_tag(tag)
                if ticket is None:
                    reject = "unknown reply address"
                else:
                    author = _author(ticket, row.sender)
                    if author is False:
                        reject = "sender is not on the ticket"
                    else:
                        dropped = _reply(row, ticket, author, message)
            else:
                ticket, author = _threaded(row)
                if ticket is not None:
                    dropped = _reply(row, ticket, author, message)
                else:
                    files, dropped = attachments(message)
                    with transaction.atomic():
                        row.ticket = ticket_create(
                            subject=row.subject or row.body_text[:80],
                            description=row.body_text,
                            guest_email=row.sender,
                            guest_name=row.sender_name,
                            files=files,
                            channel=Channel.EMAIL,
                        )
        except (TicketError, ValidationError, PermissionDenied) as error:
            reject = "; ".join(getattr(error, "messages", [str(error)]))[:250]
            row.ticket = row.message = None
        row.status = InboundEmail.Status.REJECTED if reject else InboundEmail.Status.PROCESSED
        row.note = reject or (f"{dropped} attachment(s) refused" if dropped else "")
        row.save(update_fields=["status", "note", "body_text", "processed_at", "ticket", "message"])
    return True


def _reply(row: InboundEmail, ticket: Ticket, author, message: EmailMessage) -> int:
    """Write the email as a reply on `ticket`; how many attachments were refused."""
    from modules.tickets.services import ticket_reply

    files, dropped = attachments(message)
    with transaction.atomic():
        row.message = ticket_reply(
            ticket=ticket,
            author=author,
            author_email=row.sender if author is None else "",
            body=row.body_text,
            files=files,
            channel=Channel.EMAIL,
        )
    row.ticket = ticket
    return dropped


def _threaded(row: InboundEmail) -> tuple[Ticket | None, object]:
    """An email to the support address whose subject names "[#<number>]" of an open ticket the
    sender is on (our own emails' subjects do) continues that ticket: (ticket, author). Else
    (None, None): a new ticket. A closed or merged ticket gets a new one (a follow-up)."""
    match = SUBJECT_NUMBER.search(row.subject or "")
    if match is None:
        return None, None
    ticket = (
        Ticket.objects.filter(number=int(match[1]), merged_into__isnull=True)
        .exclude(status=Status.CLOSED)
        .first()
    )
    if ticket is None:
        return None, None
    author = _author(ticket, row.sender)
    if author is False:
        return None, None
    return ticket, author


def _author(ticket: Ticket, sender: str):
    """The account a reply by email is written as: the requester, a CC'd person or an agent
    with that address; None for the guest requester or a CC'd address without an account;
    False for anyone else (the reply is refused: a forwarded reply address is not a key)."""
    from modules.tickets.permissions import can_see_as_agent, customer_can_see

    user = accounts_selectors.user_by_email(sender, is_active=True)
    if user is not None and (customer_can_see(user, ticket) or can_see_as_agent(user, ticket)):
        return user
    if sender == ticket.guest_email or ticket.participants.filter(email=sender).exists():
        return None
    return False
