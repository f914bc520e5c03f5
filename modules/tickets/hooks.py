"""What tickets give customer accounts through the registry (ModuleSpec.extra): "My activity",
the data export, anonymising before an account is deleted, and guest tickets joining a newly
verified account."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from modules.tickets.models import Message, Participant, Status, Ticket

LIMIT = 50


def account_activity(*, user) -> list[dict]:
    tickets = Ticket.objects.filter(requester=user).order_by("-updated_at")[:LIMIT]
    return [
        {
            "title": _("My requests"),
            "items": [
                {
                    "title": f"#{ticket.number} {ticket.subject}",
                    "url": ticket.get_absolute_url(),
                    "when": ticket.updated_at,
                    "meta": str(Status(ticket.status).label),
                }
                for ticket in tickets
            ],
        }
    ]


def export_user_data(*, user) -> dict:
    def when(value):
        return value.isoformat() if value else None

    from django.db.models import Prefetch

    from modules.tickets.models import Attachment

    tickets = (
        Ticket.objects.filter(requester=user)
        .order_by("number")
        .prefetch_related(
            Prefetch("messages", queryset=Message.objects.filter(internal=False)),
            Prefetch("attachments", queryset=Attachment.objects.filter(internal=False)),
        )
    )
    return {
        "tickets": [
            {
                "number": ticket.number,
                "subject": ticket.subject,
                "description": ticket.description,
                "status": ticket.status,
                "fields": ticket.custom_values,
                "created_at": when(ticket.created_at),
                "rating": ticket.rating,
                "rating_comment": ticket.rating_comment,
                "messages": [
                    {
                        "body": message.body,
                        "from_me": message.author_id == user.pk,
                        "created_at": when(message.created_at),
                    }
                    for message in ticket.messages.all()
                ],
                "attachments": [a.filename for a in ticket.attachments.all()],
            }
            for ticket in tickets
        ],
        "cc": [
            {"ticket": p.ticket.number, "since": when(p.created_at)}
            for p in Participant.objects.filter(user=user).select_related("ticket")
        ],
    }


@transaction.atomic
def anonymise_user(*, user) -> None:
    """Before the account goes: the company keeps the requests (they are its records), no
    longer tied to the person; CCs end."""
    Ticket.objects.filter(requester=user).update(requester=None, guest_email="")
    Message.objects.filter(author=user).update(author=None, author_email="")
    Participant.objects.filter(user=user).delete()


def account_verified(*, user) -> None:
    from modules.tickets.services import guest_tickets_claim

    guest_tickets_claim(user=user)
