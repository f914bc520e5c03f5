"""Reads of tickets that decide who sees what (modules.tickets.permissions holds the rules).
Views and the API never look a ticket up by a number from the request themselves: they ask here
and get the ticket or a 404, never a hint that someone else's ticket exists."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from modules.accounts import selectors as accounts_selectors
from modules.tickets import permissions, sla
from modules.tickets.models import (
    ACTIVE_STATUSES,
    DONE_STATUSES,
    Attachment,
    Event,
    Message,
    Participant,
    Status,
    Ticket,
)

AGENT_VIEWS = ("unassigned", "mine", "open", "overdue", "solved", "all")


def _with_people(queryset: QuerySet) -> QuerySet:  # (any QuerySet of tickets)
    return queryset.select_related(
        "requester__customer_profile", "assignee__customer_profile", "queue", "request_type"
    )


def customer_scope(user) -> Q:
    """What a signed-in customer may see: their own, CC'd, and their organization's tickets
    when their profile allows."""
    if not permissions._active(user):
        return Q(pk__in=[])
    scope = Q(requester=user) | Q(pk__in=Participant.objects.filter(user=user).values("ticket_id"))
    profile = accounts_selectors.profile_of(user)
    if profile is not None and profile.can_see_organization and profile.organization_id:
        scope |= Q(organization_id=profile.organization_id)
    return scope


def tickets_for_customer(
    *, user, status: str = "", query: str = "", mine_only: bool = False
) -> QuerySet:
    """The customer's list: newest activity first; `status` "open" (still active), "solved"
    (solved or closed) or one status; `query` a number or words of the subject."""
    queryset: QuerySet = Ticket.objects.filter(customer_scope(user))
    if mine_only:
        queryset = queryset.filter(requester=user)
    queryset = _status_filter(queryset, status)
    queryset = _query_filter(queryset, query)
    return _with_people(queryset).order_by("-updated_at", "-pk")


def _status_filter(queryset: QuerySet, status: str) -> QuerySet:
    if status == "open":
        return queryset.filter(status__in=ACTIVE_STATUSES)
    if status == "solved":
        return queryset.filter(status__in=DONE_STATUSES)
    if status in Status.values:
        return queryset.filter(status=status)
    return queryset


WORD = re.compile(r"\w+", re.UNICODE)
# Scripts written without spaces between words: their text is one long token to the full-text
# index, so a word typed from the middle of it is found by substring instead.
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _query_filter(queryset: QuerySet, query: str) -> QuerySet:
    """A ticket number, or words: every word must begin a word of the subject or description
    (full-text, through the `search_vector` GIN index; "invoic" finds "invoices")."""
    query = (query or "").strip().lstrip("#")[:200]
    if not query:
        return queryset
    if query.isdigit():
        return queryset.filter(Q(number=int(query)) | Q(search_vector=_prefix_query(query)))
    words = WORD.findall(query)[:8]
    if not words:
        return queryset.none()
    if UNSPACED.search(query):
        condition = Q()
        for word in words:
            condition &= Q(subject__icontains=word) | Q(description__icontains=word)
        return queryset.filter(condition)
    return queryset.filter(search_vector=_prefix_query(" ".join(words)))


def _prefix_query(text: str) -> SearchQuery:
    terms = " & ".join(f"{word.lower()}:*" for word in WORD.findall(text)[:8])
    return SearchQuery(terms, search_type="raw", config="simple")


def ticket_get_for_customer(*, user, number) -> Ticket:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    ticket = _with_people(Ticket.objects.filter(customer_scope(user), number=number)).first()
    if ticket is None:
        raise Http404
    return ticket


def agent_scope(user) -> Q:
    if not permissions.is_agent(user):
        return Q(pk__in=[])
    if permissions.sees_all(user):
        return Q()
    return Q(queue_id__in=permissions.queue_ids(user)) | Q(assignee=user)


def tickets_for_agent(
    *,
    user,
    view: str = "open",
    query: str = "",
    status: str = "",
    priority: str = "",
    queue: str = "",
    assignee: str = "",
    tag: str = "",
    now=None,
) -> QuerySet:
    """An agent's inbox. Views: unassigned, mine, open (every active ticket), overdue (past an
    SLA target), solved, all; filters narrow further. The most urgent work first: overdue by
    due time, the rest by last update."""
    now = now or timezone.now()
    queryset: QuerySet = Ticket.objects.filter(agent_scope(user), merged_into__isnull=True)
    if view == "unassigned":
        queryset = queryset.filter(assignee__isnull=True, status__in=ACTIVE_STATUSES)
    elif view == "mine":
        queryset = queryset.filter(assignee=user, status__in=ACTIVE_STATUSES)
    elif view == "overdue":
        queryset = queryset.filter(sla.breached_filter(now))
    elif view == "solved":
        queryset = queryset.filter(status__in=DONE_STATUSES)
    elif view == "open":
        queryset = queryset.filter(status__in=ACTIVE_STATUSES)
    queryset = _status_filter(queryset, status)
    if priority:
        queryset = queryset.filter(priority=priority)
    if queue == "none":
        queryset = queryset.filter(queue__isnull=True)
    elif queue.isdigit():
        queryset = queryset.filter(queue_id=int(queue))
    if assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(assignee))
    if tag:
        queryset = queryset.filter(tags__contains=[tag])
    queryset = _query_filter(queryset, query)
    order = ("resolution_due", "-pk") if view == "overdue" else ("-updated_at", "-pk")
    return _with_people(queryset).order_by(*order)


def view_counts(*, user, now=None) -> dict[str, int]:
    """How many tickets each view has: one query over the active tickets (a partial index
    holds them) and one count of them all; solved is the difference."""
    now = now or timezone.now()
    scope = Ticket.objects.filter(agent_scope(user), merged_into__isnull=True)
    counts = scope.filter(status__in=ACTIVE_STATUSES).aggregate(
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        mine=Count("pk", filter=Q(assignee=user)),
        open=Count("pk"),
        overdue=Count("pk", filter=sla.breached_filter(now)),
    )
    counts["all"] = scope.count()
    counts["solved"] = counts["all"] - counts["open"]
    return counts


def ticket_get_for_agent(*, user, number) -> Ticket:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    ticket = _with_people(Ticket.objects.filter(agent_scope(user), number=number)).first()
    if ticket is None:
        raise Http404
    return ticket


def conversation(ticket: Ticket, *, internal: bool) -> list:
    """The ticket's messages (with their attachments and authors) and events, oldest first.
    Customers (`internal=False`) get public messages and public events only."""
    attachments = Attachment.objects.order_by("created_at", "pk")
    messages = Message.objects.filter(ticket=ticket).select_related("author__customer_profile")
    events = Event.objects.filter(ticket=ticket).select_related("by__customer_profile")
    if not internal:
        messages = messages.filter(internal=False)
        events = events.filter(public=True)
        attachments = attachments.filter(internal=False)
    messages = messages.prefetch_related(Prefetch("attachments", queryset=attachments))
    items: list[Message | Event] = [*messages, *events]
    items.sort(key=lambda item: (item.created_at, 0 if isinstance(item, Message) else 1, item.pk))
    return items


def description_attachments(ticket: Ticket) -> list[Attachment]:
    return list(ticket.attachments.filter(message__isnull=True, internal=False))


def attachment_for_customer(*, user, number, attachment_id, guest_ticket=None) -> Attachment:
    ticket = guest_ticket or ticket_get_for_customer(user=user, number=number)
    if guest_ticket is not None and str(guest_ticket.number) != str(number):
        raise Http404
    attachment = Attachment.objects.filter(ticket=ticket, pk=attachment_id, internal=False).first()
    if attachment is None:
        raise Http404
    return attachment


def attachment_for_agent(*, user, number, attachment_id) -> Attachment:
    ticket = ticket_get_for_agent(user=user, number=number)
    attachment = Attachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def open_tickets_matching(*, user, query: str, limit: int = 3) -> list[Ticket]:
    """The customer's own active tickets whose subject shares a word with `query` ("Ask once":
    maybe they asked already)."""
    if not permissions._active(user):
        return []
    words = [word for word in (query or "").split() if len(word) > 2][:6]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(subject__icontains=word)
    return list(
        Ticket.objects.filter(customer_scope(user), condition, status__in=ACTIVE_STATUSES).order_by(
            "-updated_at"
        )[:limit]
    )
