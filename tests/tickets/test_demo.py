"""The demo portal's sample tickets: request types with their own questions, the queues, canned
responses, and a customer's requests in several states with their conversations; running the
demo again adds nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from modules.tickets import selectors, services
from modules.tickets.demo import tickets_demo_content
from modules.tickets.models import (
    CannedResponse,
    Message,
    Queue,
    RequestType,
    Status,
    Ticket,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "queues": Queue.objects.count(),
        "types": RequestType.objects.count(),
        "canned": CannedResponse.objects.count(),
    }


def test_demo_tickets_twice_add_nothing_the_second_time(in_a):
    tickets_demo_content(home=None)
    first = _counts()
    tickets_demo_content(home=None)
    assert _counts() == first
    assert first["tickets"] == 5
    assert set(Queue.objects.values_list("name", flat=True)) >= {"Billing", "Technical"}
    assert first["canned"] == 3
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 5


def test_demo_request_types_ask_their_own_questions(in_a):
    tickets_demo_content(home=None)
    billing = RequestType.objects.get(name="Billing question")
    assert billing.queue.name == "Billing"
    assert [(f.key, f.kind, f.required) for f in billing.fields.all()] == [
        ("invoice_number", "text", True)
    ]
    bug = RequestType.objects.get(name="Bug report")
    assert bug.queue.name == "Technical"
    version, started = bug.fields.all()
    assert version.kind == "choice" and "3.2" in version.choices
    assert started.kind == "date" and not started.required
    charged = Ticket.objects.get(subject="I was charged twice for March")
    assert charged.custom_values == {"invoice_number": "INV-2041"}
    assert charged.queue.name == "Billing"


def test_demo_customer_sees_requests_in_several_states(in_a):
    tickets_demo_content(home=None)
    maria = get_user_model().objects.get(username="maria@customer.example")
    mine = list(selectors.tickets_for_customer(user=maria))
    assert {t.subject: t.status for t in mine} == {
        "I was charged twice for March": Status.PENDING,
        "CSV export stops at 80 %": Status.ON_HOLD,
        "How do I add a colleague to my account?": Status.SOLVED,
        "The app logs me out every few minutes": Status.NEW,
    }
    # newest activity first, the just-sent one at the top, the solved one (12 days) last
    assert mine[0].subject == "The app logs me out every few minutes"
    assert mine[-1].subject == "How do I add a colleague to my account?"
    assert len(selectors.tickets_for_customer(user=maria, status="open")) == 3
    rated = Ticket.objects.get(subject="How do I add a colleague to my account?")
    assert (rated.rating, rated.rating_comment) == ("good", "Quick and clear, thank you!")
    assert rated.solved_at is not None and rated.first_response_at is not None


def test_demo_conversation_hides_the_internal_note_from_the_customer(in_a):
    tickets_demo_content(home=None)
    charged = Ticket.objects.get(subject="I was charged twice for March")
    seen = [m for m in selectors.conversation(charged, internal=False) if isinstance(m, Message)]
    everything = [
        m for m in selectors.conversation(charged, internal=True) if isinstance(m, Message)
    ]
    assert len(seen) == 2 and len(everything) == 3
    assert all(m.from_agent for m in seen)
    assert "Maria" in seen[0].body and "{{" not in seen[0].body  # the canned text, filled in
    assert not any("Stripe" in m.body for m in seen)
    assert any(m.internal and "Stripe" in m.body for m in everything)
    # the story reads in order and took days, not seconds
    times = [m.created_at for m in everything]
    assert times == sorted(times)
    assert charged.created_at < times[0] and (times[-1] - charged.created_at).days >= 3
    assert charged.updated_at >= times[-1]


def test_demo_guest_ticket_is_followed_by_address(in_a):
    tickets_demo_content(home=None)
    guest = Ticket.objects.get(guest_email="jordan@guest.example")
    assert guest.requester is None and guest.guest_name == "Jordan Kim"
    assert guest.channel == "email" and guest.queue.name == "Billing"
    assert services.guest_ticket(services.guest_token(guest)) == guest  # their emailed link
