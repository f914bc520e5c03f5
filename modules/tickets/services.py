"""Writes of tickets. Each function does the write, its history (`Event`), the SLA targets and the
emails, so nothing else can forget them; permission checks live here too, and the pages, the
admin and the API only translate the errors.

Errors: `django.core.exceptions.PermissionDenied` (not allowed), `TicketError` (a ValidationError
with a message for the person: bad input, too many files, ...).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules import registry
from modules.accounts import selectors as accounts_selectors
from modules.accounts.models import NotificationKind
from modules.accounts.notifications import notify, notify_many, portal_url
from modules.accounts.services import ADMINISTRATORS, AGENTS, LIGHT_AGENTS
from modules.tickets import sla
from modules.tickets.files import attachment_check
from modules.tickets.models import (
    NUMBER_SEQUENCE,
    Attachment,
    CannedResponse,
    Channel,
    CustomField,
    Event,
    FieldKind,
    Link,
    Message,
    Participant,
    Priority,
    Queue,
    RequestType,
    SlaPolicy,
    Status,
    Suggestion,
    Ticket,
    TicketSettings,
)
from modules.tickets.permissions import (
    can_add_note,
    can_manage,
    can_reply_publicly,
    can_see_as_agent,
    customer_can_see,
)

User = get_user_model()

SUBJECT_MAX = 200
BODY_MAX = 50_000
RATING_COMMENT_MAX = 2_000
TAG_MAX = 40
TAGS_MAX = 20
CC_MAX = 10
GUEST_SALT = "tickets.guest"
GUEST_MAX_AGE = 60 * 60 * 24 * 365


class TicketError(ValidationError):
    """Something the person asked for cannot be done (the message says why)."""


def _clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise TicketError({field: _("This field is required.")})
    if len(value) > max_length:
        raise TicketError(
            {field: _("At most %(count)d characters, please.") % {"count": max_length}}
        )
    return value


def _clean_email(value: str, *, field: str) -> str:
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise TicketError({field: _("Enter a valid email address.")}) from None
    return value


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:16]


# --- numbers, addresses, links -----------------------------------------------------------------


def _schema() -> str:
    return getattr(connection, "schema_name", "public")


def number_next() -> int:
    """The tenant's next ticket number, from a database sequence (created by the migration in
    each tenant's schema): two submissions at once never get the same number."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [NUMBER_SEQUENCE])
        return int(cursor.fetchone()[0])


def guest_token(ticket: Ticket) -> str:
    """The signed part of a guest's link to their ticket (bound to this portal's schema, the
    ticket and the guest's address)."""
    return signing.dumps(
        {"t": ticket.number, "e": ticket.guest_email, "s": _schema()},
        salt=GUEST_SALT,
    )


def guest_link(ticket: Ticket) -> str:
    from django.urls import reverse

    return portal_url(reverse("tickets:guest", kwargs={"token": guest_token(ticket)}))


def guest_ticket(token: str) -> Ticket | None:
    """The ticket a guest's link opens, or None for a forged, foreign or stale link (a ticket
    that joined an account since is opened by signing in)."""
    try:
        data = signing.loads(token, salt=GUEST_SALT, max_age=GUEST_MAX_AGE)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("s") != _schema()
        or not isinstance(data.get("t"), int)
    ):
        return None
    ticket = Ticket.objects.filter(number=data["t"]).first()
    if ticket is None or not ticket.guest_email or ticket.guest_email != data.get("e"):
        return None
    return ticket


def inbound_domain() -> str:
    return settings.TICKETS_INBOUND_DOMAIN


def portal_mailbox() -> str:
    """The local part of this portal's support address: its slug when the platform gives one."""
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "slug", None) or _schema()


def support_address() -> str:
    """Email to this address becomes a new ticket."""
    return f"{portal_mailbox()}@{inbound_domain()}"


def reply_address(ticket: Ticket) -> str:
    """Email to this address becomes a reply on `ticket` (the token makes it unguessable)."""
    return f"{portal_mailbox()}+{ticket.number}-{ticket.reply_token}@{inbound_domain()}"


REPLY_TAG = re.compile(r"^(?P<number>\d+)-(?P<token>[0-9a-f]{16})$")


def ticket_for_reply_tag(tag: str) -> Ticket | None:
    """The ticket a reply address's "+<number>-<token>" names, or None."""
    match = REPLY_TAG.match(tag or "")
    if match is None:
        return None
    return Ticket.objects.filter(number=int(match["number"]), reply_token=match["token"]).first()


# --- custom fields -----------------------------------------------------------------------------


def custom_values_clean(
    request_type: RequestType | None, raw: dict[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Check answers to a request type's fields and turn them into JSON-ready values (numbers
    as numbers, dates as ISO strings, checkboxes as booleans). Unknown keys are dropped; a
    missing required answer is an error (unless `partial`: an agent changing some fields)."""
    if request_type is None:
        return {}
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field in request_type.fields.all():
        present = field.key in raw
        value = raw.get(field.key)
        if isinstance(value, str):
            value = value.strip()
        empty = value in (None, "", [])
        if field.kind == FieldKind.CHECKBOX:
            if present or not partial:
                checked = value in (True, "true", "on", "1", 1, "yes")
                if field.required and not checked:
                    errors[field.key] = _("This box must be ticked.")
                values[field.key] = checked
            continue
        if empty:
            if field.required and not (partial and not present):
                errors[field.key] = _("This field is required.")
            elif present:
                values[field.key] = None
            continue
        try:
            values[field.key] = _field_value(field, value)
        except ValueError as error:
            errors[field.key] = str(error)
    if errors:
        raise TicketError(errors)
    return values


def _field_value(field: CustomField, value: Any) -> Any:
    if field.kind == FieldKind.TEXT:
        text = str(value)
        if len(text) > 1000:
            raise ValueError(_("At most %(count)d characters, please.") % {"count": 1000})
        return text
    if field.kind == FieldKind.NUMBER:
        try:
            number = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if field.kind == FieldKind.CHOICE:
        if str(value) not in field.choices:
            raise ValueError(_("Choose one of the options."))
        return str(value)
    if field.kind == FieldKind.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    raise ValueError(_("Unknown field."))


# --- creating -----------------------------------------------------------------------------------


def _event(ticket: Ticket, kind: str, *, by=None, old="", new="", public=False) -> Event:
    return Event.objects.create(
        ticket=ticket,
        kind=kind,
        by=by,
        old_value=str(old)[:250],
        new_value=str(new)[:250],
        public=public,
    )


def _attach(
    *, ticket: Ticket, message: Message | None, uploader, files: Sequence, internal=False
) -> list[Attachment]:
    settings_row = TicketSettings.load()
    files = [f for f in files if f]
    if len(files) > settings_row.max_attachments:
        raise TicketError(
            {
                "attachments": _("At most %(count)d files per message, please.")
                % {"count": settings_row.max_attachments}
            }
        )
    stored = []
    for upload in files:
        try:
            checked = attachment_check(
                upload, max_bytes=settings_row.max_attachment_mb * 1024 * 1024
            )
        except ValidationError as error:
            raise TicketError(error.message_dict) from None
        attachment = Attachment(
            ticket=ticket,
            message=message,
            uploader=uploader,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            internal=internal,
        )
        attachment.file.save(checked.filename, checked.content, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _require_customer(user) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Sign in to submit a request."))
    if not accounts_selectors.can_participate(user):
        raise PermissionDenied(_("Verify your email address to submit a request."))


@transaction.atomic
def ticket_create(
    *,
    subject: str,
    description: str,
    requester=None,
    guest_email: str = "",
    guest_name: str = "",
    request_type: RequestType | None = None,
    custom_values: dict | None = None,
    files: Sequence = (),
    cc: Iterable[str] = (),
    channel: str = Channel.WEB,
    suggestion_key: str | None = None,
    by=None,
    priority: str | None = None,
) -> Ticket:
    """Open a ticket for `requester` (a signed-in, verified customer) or for a guest by address
    (when Settings → Tickets allows guests, or the ticket arrived by email). `by`: an agent
    opening it for them. Its number comes from the tenant's sequence; its queue, priority and
    SLA targets from the request type and the SLA policies. The requester (or guest) gets an
    email with the ticket's link; an "Ask once" search (`suggestion_key`) is marked as not
    having deflected this request."""
    if by is not None:
        if not can_manage(by):
            raise PermissionDenied(_("Only agents can open tickets for customers."))
    elif requester is not None:
        _require_customer(requester)
    elif channel == Channel.WEB and not TicketSettings.load().guests_can_submit:
        raise PermissionDenied(_("Sign in to submit a request."))
    if requester is None:
        guest_email = _clean_email(guest_email, field="email")
        guest_name = _clean_text(guest_name, field="name", max_length=120, required=False)
        existing = accounts_selectors.user_by_email(guest_email, is_active=True)
        if existing is not None and channel == Channel.EMAIL:
            requester, guest_email = existing, ""
    subject = _clean_text(subject, field="subject", max_length=SUBJECT_MAX)
    description = _clean_text(description, field="description", max_length=BODY_MAX)
    if request_type is not None and not request_type.active and by is None:
        raise TicketError({"request_type": _("Choose a request type from the list.")})
    values = custom_values_clean(request_type, custom_values or {})
    if priority is not None and priority not in Priority.values:
        raise TicketError({"priority": _("Choose a valid priority.")})
    now = timezone.now()
    ticket = Ticket(
        number=number_next(),
        subject=subject,
        description=description,
        request_type=request_type,
        custom_values=values,
        requester=requester,
        guest_email="" if requester is not None else guest_email,
        guest_name="" if requester is not None else guest_name,
        organization=accounts_selectors.organization_of(requester) if requester else None,
        priority=priority or (request_type.default_priority if request_type else Priority.NORMAL),
        queue=request_type.queue if request_type else None,
        channel=channel,
        language=_language(),
    )
    sla.apply_targets(ticket, start=now)
    ticket.save()
    _event(ticket, Event.Kind.CREATED, by=by or requester, new=Status.NEW)
    _attach(ticket=ticket, message=None, uploader=requester, files=files)
    for address in cc:
        _cc_add(ticket, address, by=by or requester)
    if suggestion_key:
        Suggestion.objects.filter(key=_uuid_or_none(suggestion_key), ticket__isnull=True).update(
            ticket=ticket, updated_at=now
        )
    _notify_created(ticket)
    return ticket


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- who hears about a ticket --------------------------------------------------------------------

CREATED_SUBJECT = gettext_lazy("[#%(number)s] We received your request: %(subject)s")
REPLY_SUBJECT = gettext_lazy("[#%(number)s] New reply: %(subject)s")
STATUS_SUBJECT = gettext_lazy("[#%(number)s] Your request is now %(status)s: %(subject)s")
AGENT_REPLY_SUBJECT = gettext_lazy("[#%(number)s] Customer replied: %(subject)s")


def _audience(ticket: Ticket, *, exclude=None, exclude_email: str = "") -> tuple[list, list[str]]:
    """The people a public update goes to: the requester and the CC'd (accounts), and the
    addresses of a guest requester and of CC'd people without an account."""
    users, emails = [], []
    requester = ticket.requester if ticket.requester_id else None
    if requester is not None and requester.is_active:
        users.append(requester)
    elif ticket.guest_email:
        emails.append(ticket.guest_email)
    for participant in ticket.participants.select_related("user__customer_profile"):
        if participant.user_id:
            person = participant.user
            if person is not None and person.is_active and person not in users:
                users.append(person)
        elif participant.email not in emails:
            emails.append(participant.email)
    if exclude is not None:
        users = [user for user in users if user.pk != getattr(exclude, "pk", None)]
        emails = [email for email in emails if email != getattr(exclude, "email", None)]
    if exclude_email:
        emails = [email for email in emails if email != exclude_email]
    return users, emails


def _context(ticket: Ticket, **extra) -> dict:
    return {
        "ticket": ticket,
        "url": portal_url(ticket.get_absolute_url()),
        "reply_address": reply_address(ticket),
        **extra,
    }


def _tell(
    ticket: Ticket,
    *,
    key: str,
    kind: str,
    subject,
    template: str,
    exclude=None,
    exclude_email: str = "",
    **extra,
) -> int:
    """Queue one email per person in the ticket's audience for the event `key`, each with the
    ticket's reply-by-email address. Guests get their signed link instead of the sign-in page."""
    users, emails = _audience(ticket, exclude=exclude, exclude_email=exclude_email)
    params = {"number": ticket.number, "subject": ticket.subject, **extra.pop("params", {})}
    rows = notify_many(
        recipients=users,
        kind=kind,
        subject=subject,
        subject_params=params,
        template=template,
        context=_context(ticket, **extra),
        dedupe_key=f"tickets:{key}:{{user}}",
        reply_to=reply_address(ticket),
    )
    count = len(rows)
    for email in emails:
        link = guest_link(ticket) if email == ticket.guest_email else ""
        row = notify(
            recipient=None,
            to_email=email,
            kind=kind,
            subject=subject,
            subject_params=params,
            template=template,
            context=_context(ticket, guest_link=link, **extra),
            dedupe_key=f"tickets:{key}:{email}",
            reply_to=reply_address(ticket),
        )
        count += row is not None
    return count


def _notify_created(ticket: Ticket) -> None:
    _tell(
        ticket,
        key=f"created:{ticket.pk}",
        kind=NotificationKind.STATUS_CHANGES,
        subject=CREATED_SUBJECT,
        template="tickets/email/created",
    )


def _notify_reply(ticket: Ticket, message: Message) -> None:
    if message.from_agent:
        _tell(
            ticket,
            key=f"reply:{message.pk}",
            kind=NotificationKind.REPLIES,
            subject=REPLY_SUBJECT,
            template="tickets/email/reply",
            message=message,
        )
        return
    # A customer wrote: the others on the ticket, and its agent.
    _tell(
        ticket,
        key=f"reply:{message.pk}",
        kind=NotificationKind.REPLIES,
        subject=REPLY_SUBJECT,
        template="tickets/email/reply",
        exclude=message.author,
        exclude_email=message.author_email,
        message=message,
    )
    assignee = ticket.assignee if ticket.assignee_id else None
    if assignee is not None and assignee.is_active and assignee != message.author:
        notify(
            recipient=assignee,
            kind=NotificationKind.REPLIES,
            subject=AGENT_REPLY_SUBJECT,
            subject_params={"number": ticket.number, "subject": ticket.subject},
            template="tickets/email/agent_reply",
            context={
                "ticket": ticket,
                "message": message,
                "url": portal_url(ticket.get_admin_url()),
            },
            dedupe_key=f"tickets:agent-reply:{message.pk}",
        )


def _notify_status(ticket: Ticket, event: Event) -> None:
    _tell(
        ticket,
        key=f"status:{event.pk}",
        kind=NotificationKind.STATUS_CHANGES,
        subject=STATUS_SUBJECT,
        template="tickets/email/status",
        params={"status": Status(ticket.status).label},
        status_label=Status(ticket.status).label,
    )


# --- the conversation ------------------------------------------------------------------------


def _customer_may_write(ticket: Ticket) -> None:
    if ticket.merged_into_id is not None:
        raise TicketError(_("This request was merged into another one: reply there."))
    if ticket.status == Status.CLOSED:
        raise TicketError(_("This request is closed. Submit a new one to follow up."))


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    author,
    body: str,
    internal: bool = False,
    files: Sequence = (),
    channel: str = Channel.WEB,
    author_email: str = "",
    status: str | None = None,
    guest: bool = False,
) -> Message:
    """Add to the conversation.

    - A customer (the requester, someone CC'd, an organization member who may see it; or the
      guest through their link with `guest=True`, or an email from an address on the ticket)
      replies publicly: a pending or solved ticket opens again.
    - An agent who may reply publicly answers the customer; the ticket becomes `status` (by
      default "awaiting your reply"), and the first answer stops the first-response clock.
    - An agent, light agents included, adds an `internal` note that customers never see.
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    body = _clean_text(body, field="body", max_length=BODY_MAX)
    now = timezone.now()
    is_agent = author is not None and can_see_as_agent(author, ticket)
    customer = (
        guest
        or (author is not None and customer_can_see(author, ticket))
        or (author is None and bool(author_email))
    )
    if internal:
        if not can_add_note(author, ticket):
            raise PermissionDenied(_("Only agents can add internal notes."))
    elif is_agent and not customer:
        if not can_reply_publicly(author, ticket):
            raise PermissionDenied(_("You can add internal notes but not reply to customers."))
        if status is not None and status not in Status.values:
            raise TicketError({"status": _("Choose a valid status.")})
    elif customer:
        _customer_may_write(ticket)
    else:
        raise PermissionDenied(_("You cannot reply to this request."))
    from_agent = bool(is_agent and not customer and not internal) or bool(internal)
    message = Message.objects.create(
        ticket=ticket,
        author=author,
        author_email="" if author is not None else author_email,
        body=body,
        internal=internal,
        from_agent=is_agent and not customer,
        channel=channel,
    )
    _attach(ticket=ticket, message=message, uploader=author, files=files, internal=internal)
    fields = ["updated_at"]
    if internal:
        pass
    elif from_agent:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        new_status = status or Status.PENDING
        if new_status != ticket.status:
            _set_status(ticket, new_status, by=author, fields=fields, notify_customer=False)
    else:
        if ticket.status in (Status.PENDING, Status.SOLVED):
            _set_status(ticket, Status.OPEN, by=author, fields=fields, notify_customer=False)
    ticket.save(update_fields=sorted(set(fields)))
    if not internal:
        _notify_reply(ticket, message)
    return message


def _set_status(ticket: Ticket, status: str, *, by, fields: list, notify_customer=True) -> Event:
    old = ticket.status
    ticket.status = status
    fields.append("status")
    now = timezone.now()
    if status == Status.SOLVED:
        ticket.solved_at = now
        fields.append("solved_at")
    elif status == Status.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
        fields += ["closed_at", "solved_at"]
    elif old in (Status.SOLVED, Status.CLOSED):
        ticket.solved_at = None
        ticket.closed_at = None
        fields += ["solved_at", "closed_at"]
    event = _event(ticket, Event.Kind.STATUS, by=by, old=old, new=status, public=True)
    if notify_customer:
        _notify_status(ticket, event)
    return event


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    by,
    status: str | None = None,
    priority: str | None = None,
    queue: Queue | bool | None = False,
    assignee: Any = False,
    tags: Sequence[str] | None = None,
    custom_values: dict | None = None,
) -> Ticket:
    """An agent changes the ticket's properties (each change is one Event). `queue` and
    `assignee`: False leaves them, None clears them. A status change is emailed to the
    customer; an assignee must be an agent who may see the ticket's queue."""
    if not can_manage(by) or not can_see_as_agent(by, ticket):
        raise PermissionDenied(_("You cannot change this ticket."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    fields: list[str] = ["updated_at"]
    if priority is not None and priority != ticket.priority:
        if priority not in Priority.values:
            raise TicketError({"priority": _("Choose a valid priority.")})
        _event(ticket, Event.Kind.PRIORITY, by=by, old=ticket.priority, new=priority)
        ticket.priority = priority
        sla.apply_targets(ticket, start=ticket.created_at)
        fields += ["priority", "first_response_due", "resolution_due"]
    if queue is not False and queue != ticket.queue:
        _event(
            ticket,
            Event.Kind.QUEUE,
            by=by,
            old=ticket.queue.name if ticket.queue else "",
            new=queue.name if isinstance(queue, Queue) else "",
        )
        ticket.queue = queue  # type: ignore[assignment]
        fields.append("queue")
    if assignee is not False and assignee != ticket.assignee:
        if assignee is not None and not _assignable(assignee, ticket):
            raise TicketError({"assignee": _("This person cannot work this ticket's queue.")})
        _event(
            ticket,
            Event.Kind.ASSIGNED,
            by=by,
            old=accounts_selectors.display_name(ticket.assignee) if ticket.assignee else "",
            new=accounts_selectors.display_name(assignee) if assignee else "",
        )
        ticket.assignee = assignee
        fields.append("assignee")
        if ticket.status == Status.NEW and status is None:
            status = Status.OPEN
    if tags is not None:
        cleaned = tags_clean(tags)
        if cleaned != ticket.tags:
            _event(ticket, Event.Kind.TAGS, by=by, old=" ".join(ticket.tags), new=" ".join(cleaned))
            ticket.tags = cleaned
            fields.append("tags")
    if custom_values is not None:
        values = {
            **ticket.custom_values,
            **custom_values_clean(ticket.request_type, custom_values, partial=True),
        }
        if values != ticket.custom_values:
            _event(ticket, Event.Kind.FIELDS, by=by, new=", ".join(sorted(custom_values)))
            ticket.custom_values = values
            fields.append("custom_values")
    if status is not None and status != ticket.status:
        if status not in Status.values:
            raise TicketError({"status": _("Choose a valid status.")})
        _set_status(ticket, status, by=by, fields=fields)
    ticket.save(update_fields=sorted(set(fields)))
    return ticket


def _assignable(user, ticket: Ticket) -> bool:
    from cms.support import support_username

    return bool(
        user.is_active
        and user.get_username() != support_username()
        and can_see_as_agent(user, ticket)
        and can_add_note(user, ticket)
    )


def tags_clean(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = re.sub(r"\s+", "-", str(tag).strip().lower())[:TAG_MAX]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise TicketError({"tags": _("At most %(count)d tags, please.") % {"count": TAGS_MAX}})
    return cleaned


# --- the customer's own actions -------------------------------------------------------------------


def _require_customer_of(ticket: Ticket, user, *, guest: bool) -> None:
    if guest:
        return
    if user is None or not customer_can_see(user, ticket):
        raise PermissionDenied(_("You cannot change this request."))


@transaction.atomic
def ticket_customer_close(*, ticket: Ticket, user=None, guest: bool = False) -> Ticket:
    """The customer says the request is done: it is solved (and can be rated)."""
    _require_customer_of(ticket, user, guest=guest)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status in (Status.SOLVED, Status.CLOSED):
        raise TicketError(_("This request is already solved."))
    fields = ["updated_at"]
    _set_status(ticket, Status.SOLVED, by=user, fields=fields, notify_customer=False)
    ticket.save(update_fields=sorted(set(fields)))
    return ticket


@transaction.atomic
def ticket_customer_reopen(*, ticket: Ticket, user=None, guest: bool = False) -> Ticket:
    """The customer needs more help on a solved request (a closed one takes a new request)."""
    _require_customer_of(ticket, user, guest=guest)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise TicketError(_("This request is closed. Submit a new one to follow up."))
    if ticket.status != Status.SOLVED:
        raise TicketError(_("This request is still open."))
    fields = ["updated_at"]
    _set_status(ticket, Status.OPEN, by=user, fields=fields, notify_customer=False)
    ticket.save(update_fields=sorted(set(fields)))
    return ticket


@transaction.atomic
def ticket_rate(
    *, ticket: Ticket, rating: str, comment: str = "", user=None, guest: bool = False
) -> Ticket:
    """The requester rates a solved request good or bad, with an optional comment (they may
    change their mind; the latest rating counts)."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not guest and (user is None or ticket.requester_id != user.pk):
        raise PermissionDenied(_("Only the person who asked can rate the answer."))
    if ticket.status not in (Status.SOLVED, Status.CLOSED):
        raise TicketError(_("You can rate a request once it is solved."))
    if rating not in ("good", "bad"):
        raise TicketError({"rating": _("Choose good or bad.")})
    comment = _clean_text(comment, field="comment", max_length=RATING_COMMENT_MAX, required=False)
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment, timezone.now()
    ticket.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _event(ticket, Event.Kind.RATED, by=user, new=rating)
    return ticket


def _cc_add(ticket: Ticket, address: str, *, by) -> Participant | None:
    email = _clean_email(address, field="cc")
    if email == ticket.contact_email:
        return None
    if ticket.participants.count() >= CC_MAX:
        raise TicketError({"cc": _("At most %(count)d people, please.") % {"count": CC_MAX}})
    user = accounts_selectors.user_by_email(email, is_active=True)
    participant, created = Participant.objects.get_or_create(
        ticket=ticket, email=email, defaults={"user": user, "added_by": by}
    )
    if created:
        _event(ticket, Event.Kind.CC, by=by, new=email)
    return participant


@transaction.atomic
def ticket_cc_add(
    *, ticket: Ticket, email: str, by=None, guest: bool = False
) -> Participant | None:
    """CC someone: they see the ticket (with an account at that address), may reply and get its
    emails."""
    if not (guest or (by is not None and (customer_can_see(by, ticket) or can_manage(by)))):
        raise PermissionDenied(_("You cannot change this request."))
    return _cc_add(ticket, email, by=by)


@transaction.atomic
def ticket_cc_remove(*, ticket: Ticket, email: str, by=None, guest: bool = False) -> bool:
    if not (guest or (by is not None and (customer_can_see(by, ticket) or can_manage(by)))):
        raise PermissionDenied(_("You cannot change this request."))
    deleted, _rows = Participant.objects.filter(
        ticket=ticket, email=(email or "").strip().lower()
    ).delete()
    if deleted:
        _event(ticket, Event.Kind.CC, by=by, old=email)
    return bool(deleted)


# --- agents' tools ------------------------------------------------------------------------------


@transaction.atomic
def ticket_merge(*, source: Ticket, into: Ticket, by) -> Ticket:
    """Fold a duplicate into another ticket: the duplicate's description and public messages
    are copied into `into` as one message, its requester and CC'd people are CC'd there, and it
    is closed with a pointer to `into` (its page says where the conversation went on)."""
    for ticket in (source, into):
        if not can_manage(by) or not can_see_as_agent(by, ticket):
            raise PermissionDenied(_("You cannot change this ticket."))
    if source.pk == into.pk:
        raise TicketError({"into": _("A ticket cannot be merged into itself.")})
    locked = {
        t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[source.pk, into.pk])
    }
    source, into = locked[source.pk], locked[into.pk]
    if source.merged_into_id is not None:
        raise TicketError(_("This ticket was merged already."))
    if into.merged_into_id is not None or into.status == Status.CLOSED:
        raise TicketError({"into": _("That ticket is closed or merged: choose another one.")})
    lines = [
        _("Merged from request #%(number)s (%(subject)s):")
        % {
            "number": source.number,
            "subject": source.subject,
        },
        "",
        source.description,
    ]
    for message in source.messages.filter(internal=False):
        lines += ["", "---", message.body]
    Message.objects.create(
        ticket=into, author=by, body="\n".join(lines), internal=True, from_agent=True
    )
    Attachment.objects.filter(ticket=source).update(ticket=into)
    if source.requester_id and source.requester_id != into.requester_id:
        _cc_add(into, getattr(source.requester, "email", ""), by=by)
    elif source.guest_email and source.guest_email != into.contact_email:
        _cc_add(into, source.guest_email, by=by)
    for participant in source.participants.all():
        if participant.email != into.contact_email:
            try:
                _cc_add(into, participant.email, by=by)
            except TicketError:
                break
    source.merged_into = into
    fields = ["merged_into", "updated_at"]
    _event(source, Event.Kind.MERGED, by=by, new=f"#{into.number}", public=True)
    _event(into, Event.Kind.MERGED, by=by, old=f"#{source.number}")
    if source.status != Status.CLOSED:
        _set_status(source, Status.CLOSED, by=by, fields=fields, notify_customer=False)
    source.save(update_fields=sorted(set(fields)))
    into.save(update_fields=["updated_at"])
    return into


def link_targets(module: str, query: str, request=None) -> list[dict]:
    """What a ticket can be linked to in `module` (its "ticket_link" hook's search: dicts with
    id, title and url), while that module is switched on."""
    spec = registry.get(module)
    if spec is None or not registry.is_enabled(module, request) or "ticket_link" not in spec.extra:
        return []
    hooks = spec.extra["ticket_link"]
    return import_string(hooks["search"])(query=query)


def linkable_modules(request=None) -> list[tuple[str, str]]:
    return [
        (spec.key, str(spec.label))
        for spec in registry.all_modules()
        if "ticket_link" in spec.extra and registry.is_enabled(spec.key, request)
    ]


@transaction.atomic
def ticket_link(*, ticket: Ticket, module: str, object_id: str, by) -> Link:
    """Link the ticket to another module's content (a KB article, an idea). The module's
    "ticket_link" hook resolves the id; its optional "follow" hook makes the requester follow it
    (for an idea: they hear when it ships)."""
    if not can_add_note(by, ticket):  # an agent who may work this ticket
        raise PermissionDenied(_("You cannot change this ticket."))
    spec = registry.get(module)
    if spec is None or not registry.is_enabled(module) or "ticket_link" not in spec.extra:
        raise TicketError({"module": _("Choose what to link to.")})
    hooks = spec.extra["ticket_link"]
    target = import_string(hooks["get"])(object_id=str(object_id))
    if target is None:
        raise TicketError({"object_id": _("There is no such item.")})
    link, created = Link.objects.get_or_create(
        ticket=ticket,
        module=module,
        object_id=str(target["id"]),
        defaults={"title": target["title"][:250], "url": target["url"][:500], "by": by},
    )
    if created:
        _event(ticket, Event.Kind.LINKED, by=by, new=f"{spec.label}: {target['title']}")
        if hooks.get("follow") and ticket.requester_id:
            import_string(hooks["follow"])(object_id=str(target["id"]), user=ticket.requester)
    return link


@transaction.atomic
def ticket_unlink(*, ticket: Ticket, link_id: int, by) -> bool:
    if not can_add_note(by, ticket):
        raise PermissionDenied(_("You cannot change this ticket."))
    deleted, _rows = Link.objects.filter(ticket=ticket, pk=link_id).delete()
    return bool(deleted)


def canned_render(*, canned: CannedResponse, ticket: Ticket, agent) -> str:
    """The canned response's text with its placeholders filled in (Django template syntax,
    auto-escaping off: the result is Markdown, which is sanitised when shown)."""
    requester = ticket.requester
    context = {
        "requester_name": accounts_selectors.display_name(requester)
        if requester
        else (ticket.guest_name or ticket.guest_email.split("@", 1)[0]),
        "ticket_number": ticket.number,
        "subject": ticket.subject,
        "agent_name": accounts_selectors.display_name(agent),
        "portal_url": portal_url("/"),
    }
    try:
        template = Template("{% autoescape off %}" + canned.body + "{% endautoescape %}")
        return template.render(Context(context))
    except Exception:  # a broken placeholder: give the text as written
        return canned.body


# --- guests who sign up -----------------------------------------------------------------------


@transaction.atomic
def guest_tickets_claim(*, user) -> int:
    """A guest's tickets (and CCs) at this address become the account's once it is verified
    (accounts' "account_verified" hook). Returns how many tickets joined."""
    email = (user.email or "").strip().lower()
    if not email:
        return 0
    Participant.objects.filter(email=email, user__isnull=True).update(user=user)
    return Ticket.objects.filter(guest_email=email, requester__isnull=True).update(
        requester=user,
        guest_email="",
        organization=accounts_selectors.organization_of(user),
    )


# --- "Ask once" -------------------------------------------------------------------------------


def suggestion_record(*, user, query: str, offered: int, key: str | None = None) -> Suggestion:
    """Remember one form's search for answers (updated as the subject is typed on)."""
    query = (query or "").strip()[:200]
    existing = Suggestion.objects.filter(key=_uuid_or_none(key)).first() if key else None
    if existing is not None and existing.ticket_id is None:
        existing.query, existing.offered = query, offered
        existing.save(update_fields=["query", "offered", "updated_at"])
        return existing
    return Suggestion.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        query=query,
        offered=offered,
    )


def suggestion_opened(*, key: str, url: str) -> bool:
    """The customer opened one of the offered answers."""
    return bool(
        Suggestion.objects.filter(key=_uuid_or_none(key), opened_at__isnull=True).update(
            opened_url=(url or "")[:500], opened_at=timezone.now()
        )
    )


# --- a new portal ---------------------------------------------------------------------------------

ROLE_PERMISSIONS = {
    ADMINISTRATORS: [
        "view_all_tickets",
        "manage_tickets",
        "reply_tickets",
        "view_ticket_reports",
        "add_queue",
        "change_queue",
        "delete_queue",
        "view_queue",
        "add_requesttype",
        "change_requesttype",
        "delete_requesttype",
        "view_requesttype",
        "add_cannedresponse",
        "change_cannedresponse",
        "delete_cannedresponse",
        "view_cannedresponse",
        "add_slapolicy",
        "change_slapolicy",
        "delete_slapolicy",
        "view_slapolicy",
        "change_ticketsettings",
    ],
    AGENTS: [
        "view_all_tickets",
        "manage_tickets",
        "reply_tickets",
        "view_ticket_reports",
        "view_cannedresponse",
        "add_cannedresponse",
        "change_cannedresponse",
    ],
    LIGHT_AGENTS: ["view_all_tickets"],
}

DEFAULT_SLA = {
    Priority.URGENT: (60, 8 * 60),
    Priority.HIGH: (4 * 60, 16 * 60),
    Priority.NORMAL: (8 * 60, 40 * 60),
    Priority.LOW: (16 * 60, 80 * 60),
}


def tickets_furnish(*, home=None) -> None:
    """A new portal's ticket rights for the staff roles (administrators set everything up,
    agents work and answer every queue, light agents see every queue and add internal notes),
    a "General question" request type and SLA policies per priority."""
    from django.contrib.auth.models import Permission

    from modules.accounts.services import staff_roles_ensure

    groups = staff_roles_ensure()
    for role, codenames in ROLE_PERMISSIONS.items():
        groups[role].permissions.add(
            *Permission.objects.filter(content_type__app_label="tickets", codename__in=codenames)
        )
    for priority, (first, resolution) in DEFAULT_SLA.items():
        SlaPolicy.objects.get_or_create(
            priority=priority,
            defaults={"first_response_minutes": first, "resolution_minutes": resolution},
        )
    if not RequestType.objects.exists():
        RequestType.objects.create(name=str(_("General question")), slug="general")


def agents_for(ticket: Ticket) -> list:
    """Active people who may work `ticket` (the assignee list): superusers, holders of
    `tickets.view_all_tickets` (directly or through a group) and those given the ticket's queue
    (django-guardian `work_queue`, directly or through a group). A fixed few queries, however
    many staff a portal has; the same people `_assignable` accepts. The platform's support
    account (cms.support) is nobody's agent and is left out."""
    from django.contrib.auth.models import Permission
    from guardian.shortcuts import get_users_with_perms

    from cms.support import support_username

    see_all = Permission.objects.filter(
        content_type__app_label="tickets", codename="view_all_tickets"
    )
    people = (
        Q(is_superuser=True) | Q(user_permissions__in=see_all) | Q(groups__permissions__in=see_all)
    )
    queue = ticket.queue if ticket.queue_id is not None else None
    if queue is not None:
        queue_people = get_users_with_perms(
            queue, only_with_perms_in=["work_queue"], with_group_users=True
        )
        people |= Q(pk__in=[getattr(user, "pk", None) for user in queue_people])
    return list(
        User.objects.filter(people, is_active=True)
        .exclude(username=support_username())
        .distinct()
        .order_by("username")
    )


ESCALATED_SUBJECT = gettext_lazy("[#%(number)s] SLA breached: %(subject)s")


@transaction.atomic
def escalate(*, ticket_id: int, now=None) -> bool:
    """Record one ticket's SLA breach (once: the row is locked and `breached_at` checked), raise
    a normal or low priority to high, and email the assignee. Returns whether it escalated."""
    now = now or timezone.now()
    ticket = (
        # of=self: the assignee is a nullable join, which PostgreSQL cannot lock
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(sla.breached_filter(now), pk=ticket_id, breached_at__isnull=True)
        .select_related("assignee")
        .first()
    )
    if ticket is None:
        return False
    ticket.breached_at = ticket.escalated_at = now
    fields = ["breached_at", "escalated_at"]
    what = "first_response" if ticket.first_response_at is None else "resolution"
    _event(ticket, Event.Kind.ESCALATED, new=what)
    if ticket.priority in (Priority.LOW, Priority.NORMAL):
        _event(ticket, Event.Kind.PRIORITY, old=ticket.priority, new=Priority.HIGH)
        ticket.priority = Priority.HIGH
        fields.append("priority")
    ticket.save(update_fields=fields)
    assignee = ticket.assignee if ticket.assignee_id else None
    if assignee is not None and assignee.is_active and assignee.email:
        notify(
            recipient=assignee,
            kind=NotificationKind.ACCOUNT,
            subject=ESCALATED_SUBJECT,
            subject_params={"number": ticket.number, "subject": ticket.subject},
            template="tickets/email/escalated",
            context={"ticket": ticket, "what": what, "url": portal_url(ticket.get_admin_url())},
            dedupe_key=f"tickets:escalated:{ticket.pk}",
        )
    return True
