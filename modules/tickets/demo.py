"""Sample tickets for the demo portal: request types with their own fields, the queues Billing and
Technical, canned responses, and the demo customer's requests in several states (answered,
waiting for the customer, on hold, new, solved and rated) with agents' replies and an internal
note, plus a question from a guest who wrote by email.

Everything is written through the tickets' services (numbers, history, SLA targets), then dated
back so the conversations read as if they took days. Running it again adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from modules.accounts.services import AGENTS, profile_get_or_create
from modules.tickets import services, sla
from modules.tickets.models import (
    CannedResponse,
    Channel,
    CustomField,
    Event,
    FieldKind,
    Message,
    Priority,
    Queue,
    RequestType,
    Status,
    Ticket,
)

CUSTOMER = ("maria@customer.example", "Maria", "Lopez")
AGENT = ("alex@support.example", "Alex", "Rivera")
GUEST = ("jordan@guest.example", "Jordan Kim")

QUEUES = [
    ("Billing", "Invoices, payments and refunds."),
    ("Technical", "Errors, exports, integrations and the mobile app."),
]

# (name, slug, description, queue, priority, fields: (label, key, kind, choices, required, help))
REQUEST_TYPES = [
    (
        "Billing question",
        "billing-question",
        "A charge, an invoice, a refund or your plan.",
        "Billing",
        Priority.NORMAL,
        [
            (
                "Invoice number",
                "invoice_number",
                FieldKind.TEXT,
                [],
                True,
                "It starts with INV-, at the top of the invoice.",
            )
        ],
    ),
    (
        "Bug report",
        "bug-report",
        "Something does not work as it should.",
        "Technical",
        Priority.HIGH,
        [
            ("App version", "version", FieldKind.CHOICE, ["3.2", "3.1", "3.0", "Older"], True, ""),
            ("When did it start?", "started_on", FieldKind.DATE, [], False, ""),
        ],
    ),
]

CANNED = [
    (
        "Thanks, we are on it",
        "Hi {{ requester_name }},\n\nthank you for writing. We are looking into request "
        "#{{ ticket_number }} and will get back to you today.\n\n{{ agent_name }}",
    ),
    (
        "Refund issued",
        "Hi {{ requester_name }},\n\nwe have refunded the duplicate charge. Your bank shows it "
        "within 5 business days.\n\n{{ agent_name }}",
    ),
    (
        "Invite a colleague",
        "Hi {{ requester_name }},\n\nopen **Settings → Team**, choose *Invite* and enter your "
        "colleague's address. They get an email with a link to join.\n\n{{ agent_name }}",
    ),
]


def _person(email: str, first: str, last: str):
    """A demo person (no password: nobody signs in as them) with a confirmed address."""
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is None:
        user = User(username=email, email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
    profile = profile_get_or_create(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now() - timedelta(days=60)
        profile.save(update_fields=["email_verified_at"])
    return User.objects.select_related("customer_profile").get(pk=user.pk)


def _setup() -> tuple[dict, dict]:
    queues = {
        name: Queue.objects.get_or_create(name=name, defaults={"description": description})[0]
        for name, description in QUEUES
    }
    types = {"general": RequestType.objects.filter(slug="general").first()}
    for n, (name, slug, description, queue, priority, fields) in enumerate(REQUEST_TYPES):
        request_type, created = RequestType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "queue": queues[queue],
                "default_priority": priority,
                "sort_order": n + 1,
            },
        )
        if created:
            for order, (label, key, kind, choices, required, help_text) in enumerate(fields):
                CustomField.objects.create(
                    request_type=request_type,
                    label=label,
                    key=key,
                    kind=kind,
                    choices=choices,
                    required=required,
                    help_text=help_text,
                    sort_order=order,
                )
        types[slug] = request_type
    for title, body in CANNED:
        CannedResponse.objects.get_or_create(title=title, defaults={"body": body})
    return queues, types


def _canned(title: str, ticket: Ticket, agent) -> str:
    canned = CannedResponse.objects.get(title=title)
    return services.canned_render(canned=canned, ticket=ticket, agent=agent)


def _date_back(ticket: Ticket, days: float) -> None:
    """Spread the ticket's story over the past `days`: it opened then, and each later step
    (message or event, in order) came some hours after the one before."""
    start = timezone.now() - timedelta(days=days)
    steps = [
        *Message.objects.filter(ticket=ticket).values_list("created_at", "pk"),
        *Event.objects.filter(ticket=ticket).values_list("created_at", "pk"),
    ]
    step = timedelta(days=days) / (len(steps) + 1)
    # the first step (the "created" event) is the opening itself
    moments = {when: start + step * n for n, when in enumerate(sorted({at for at, _pk in steps}))}
    for model in (Message, Event):
        for row in model.objects.filter(ticket=ticket):
            model.objects.filter(pk=row.pk).update(created_at=moments[row.created_at])
    ticket.refresh_from_db()
    fields = {"created_at": start, "updated_at": max(moments.values(), default=start)}
    for name in ("first_response_at", "solved_at", "rated_at"):
        value = getattr(ticket, name)
        if value is not None:
            # the step the service stamped this at: the first one written at or after it
            fields[name] = min((moments[at] for at in moments if at >= value), default=start)
    ticket.created_at = start
    sla.apply_targets(ticket, start=start)
    fields["first_response_due"] = ticket.first_response_due
    fields["resolution_due"] = ticket.resolution_due
    Ticket.objects.filter(pk=ticket.pk).update(**fields)


def _tickets(types: dict, customer, agent) -> None:
    # Answered by Billing, then waiting for the customer; the agent left a note for the team.
    charged = services.ticket_create(
        requester=customer,
        request_type=types["billing-question"],
        subject="I was charged twice for March",
        description="My card shows two payments of €49 on 3 March for the same invoice.",
        custom_values={"invoice_number": "INV-2041"},
    )
    services.ticket_reply(
        ticket=charged, author=agent, body=_canned("Thanks, we are on it", charged, agent)
    )
    services.ticket_reply(
        ticket=charged,
        author=agent,
        internal=True,
        body="Stripe shows a retry after a timeout: both charges went through. Refund the second.",
    )
    services.ticket_reply(
        ticket=charged,
        author=agent,
        body=_canned("Refund issued", charged, agent)
        + "\n\nCould you confirm it shows on your statement?",
    )
    _date_back(charged, 6)

    # A bug under investigation: the customer answered, the agent put it on hold.
    export = services.ticket_create(
        requester=customer,
        request_type=types["bug-report"],
        subject="CSV export stops at 80 %",
        description="Exporting last year's invoices to CSV stops at 80 % and never finishes.",
        custom_values={"version": "3.2", "started_on": "2025-03-10"},
    )
    services.ticket_reply(
        ticket=export,
        author=agent,
        body="Thank you! Does it happen with a shorter period too, say one month?",
    )
    services.ticket_reply(
        ticket=export, author=customer, body="One month works. A whole year never does."
    )
    services.ticket_reply(
        ticket=export,
        author=agent,
        status=Status.ON_HOLD,
        body="Thanks, that helps. Our engineers are fixing large exports; we will write again "
        "when the fix is out. Until then, export a quarter at a time.",
    )
    _date_back(export, 4)

    # Solved with a canned answer and rated good.
    colleague = services.ticket_create(
        requester=customer,
        request_type=types["general"],
        subject="How do I add a colleague to my account?",
        description="My accountant needs to see our invoices. How can I give her access?",
    )
    services.ticket_reply(
        ticket=colleague,
        author=agent,
        status=Status.SOLVED,
        body=_canned("Invite a colleague", colleague, agent),
    )
    services.ticket_rate(
        ticket=colleague,
        user=customer,
        rating="good",
        comment="Quick and clear, thank you!",
    )
    _date_back(colleague, 12)

    # Just sent: nobody has answered yet.
    new = services.ticket_create(
        requester=customer,
        request_type=types["bug-report"],
        subject="The app logs me out every few minutes",
        description="Since this week the mobile app asks me to sign in again all the time.",
        custom_values={"version": "3.1"},
    )
    _date_back(new, 0.1)

    # A guest (no account) wrote to the support address.
    guest = services.ticket_create(
        guest_email=GUEST[0],
        guest_name=GUEST[1],
        channel=Channel.EMAIL,
        subject="Can I pay by bank transfer?",
        description="We would like to pay yearly by bank transfer instead of by card. Possible?",
    )
    services.ticket_update(ticket=guest, by=agent, queue=Queue.objects.get(name="Billing"))
    _date_back(guest, 1)


@transaction.atomic
def tickets_demo_content(*, home=None) -> None:
    services.tickets_furnish()  # the staff roles' rights, "General question", SLA policies
    _queues, types = _setup()
    customer = _person(*CUSTOMER)
    agent = _person(*AGENT)
    agent.groups.add(Group.objects.get(name=AGENTS))
    agent = get_user_model().objects.select_related("customer_profile").get(pk=agent.pk)
    if Ticket.objects.filter(requester=customer).exists():
        return
    _tickets(types, customer, agent)
