"""Who may do what with a ticket. One place, used by the services (which enforce it), the
selectors (which list what someone may see) and the pages (which hide what they may not do).

Agents:
- `tickets.view_all_tickets` (model permission): sees every queue's tickets.
- `tickets.work_queue` on a `Queue` (django-guardian object permission, given to a group): sees
  that queue's tickets and adds internal notes to them. Anyone sees what is assigned to them.
- Answering customers takes `tickets.reply_tickets`, or `tickets.reply_queue` on the ticket's
  queue. A light agent has neither: internal notes only.
- Changing status, priority, assignment, tags and fields, and merging, takes
  `tickets.manage_tickets`.

Customers see their own tickets, those they are CC'd on, and their organization's when their
profile allows it (accounts' `can_see_organization`).
"""

from __future__ import annotations

from guardian.shortcuts import get_objects_for_user

from modules.accounts import selectors as accounts_selectors


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def sees_all(user) -> bool:
    return _active(user) and user.has_perm("tickets.view_all_tickets")


def queue_ids(user, perm: str = "tickets.work_queue") -> set[int]:
    """Ids of the queues `user` holds `perm` on through django-guardian (their groups' or
    their own object permissions), remembered on the user object for the request."""
    if not _active(user):
        return set()
    cache = user.__dict__.setdefault("_ticket_queue_ids", {})
    if perm not in cache:
        from modules.tickets.models import Queue

        cache[perm] = set(
            get_objects_for_user(
                user, perm, klass=Queue, accept_global_perms=False, with_superuser=False
            ).values_list("pk", flat=True)
        )
    return cache[perm]


def is_agent(user) -> bool:
    """Someone who works tickets at all (menus, the API's agent endpoints): any ticket right,
    model-wide or on a queue. Roles give the rights; queues narrow what their holders see."""
    if not _active(user):
        return False
    if user.is_superuser or sees_all(user) or bool(queue_ids(user)):
        return True
    return user.has_perm("tickets.manage_tickets") or user.has_perm("tickets.reply_tickets")


def can_see_as_agent(user, ticket) -> bool:
    if not is_agent(user):
        return False
    if sees_all(user) or ticket.assignee_id == user.pk:
        return True
    return ticket.queue_id is not None and ticket.queue_id in queue_ids(user)


def can_add_note(user, ticket) -> bool:
    return can_see_as_agent(user, ticket)


def can_reply_publicly(user, ticket) -> bool:
    if not can_see_as_agent(user, ticket):
        return False
    if user.has_perm("tickets.reply_tickets"):
        return True
    return ticket.queue_id is not None and ticket.queue_id in queue_ids(user, "tickets.reply_queue")


def can_manage(user) -> bool:
    return _active(user) and user.has_perm("tickets.manage_tickets")


def can_see_reports(user) -> bool:
    return _active(user) and user.has_perm("tickets.view_ticket_reports")


def customer_can_see(user, ticket) -> bool:
    """The requester, someone CC'd, or a member of the ticket's organization allowed to see it."""
    if not _active(user):
        return False
    if ticket.requester_id == user.pk:
        return True
    if ticket.participants.filter(user=user).exists():
        return True
    if ticket.organization_id is None:
        return False
    profile = accounts_selectors.profile_of(user)
    return bool(
        profile is not None
        and profile.can_see_organization
        and profile.organization_id == ticket.organization_id
    )
