"""Tickets' Celery tasks. The beat fan-out (cms) sends the scheduled ones once per tenant with
the module switched on, at the intervals modules.tickets.module declares."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from modules.tickets import inbound, sla
from modules.tickets.models import Event, Status, Ticket, TicketSettings

BATCH = 500


@shared_task(name="tickets.sla_escalate")
def sla_escalate() -> int:
    """Mark tickets that went past an SLA target (once each), record it, and tell the assignee.
    Returns how many were escalated now."""
    from modules.tickets.services import escalate

    now = timezone.now()
    ids = list(
        Ticket.objects.filter(sla.breached_filter(now), breached_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    return sum(1 for ticket_id in ids if escalate(ticket_id=ticket_id, now=now))


@shared_task(name="tickets.auto_close")
def auto_close() -> int:
    """Close tickets solved longer ago than Settings → Tickets says (a closed ticket takes no
    more replies; the customer opens a follow-up)."""
    days = TicketSettings.load().auto_close_days
    if not days:
        return 0
    cutoff = timezone.now() - timezone.timedelta(days=days)
    closed = 0
    for ticket in Ticket.objects.filter(status=Status.SOLVED, solved_at__lt=cutoff)[:BATCH]:
        with transaction.atomic():
            updated = Ticket.objects.filter(pk=ticket.pk, status=Status.SOLVED).update(
                status=Status.CLOSED, closed_at=timezone.now(), updated_at=timezone.now()
            )
            if updated:
                Event.objects.create(
                    ticket=ticket,
                    kind=Event.Kind.STATUS,
                    old_value=Status.SOLVED,
                    new_value=Status.CLOSED,
                    public=True,
                )
                closed += 1
    return closed


@shared_task(name="tickets.inbound_process")
def inbound_process(inbound_id: int) -> bool:
    return inbound.process(inbound_id)


@shared_task(name="tickets.inbound_sweep")
def inbound_sweep() -> int:
    return inbound.sweep()
