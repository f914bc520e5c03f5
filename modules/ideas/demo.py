"""Sample ideas for the demo portal: a board with ideas in every status, votes, comments and a
roadmap (the demo's customers are made here when customer accounts has not made them)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from modules.ideas.models import (
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaFollow,
    IdeaVote,
    Status,
    StatusChange,
)
from modules.ideas.services import idea_recount

CUSTOMERS = [
    ("maria@customer.example", "Maria", "Lopez"),
    ("tom@customer.example", "Tom", "Becker"),
    ("aiko@customer.example", "Aiko", "Tanaka"),
    ("sam@customer.example", "Sam", "Okafor"),
    ("lena@customer.example", "Lena", "Novak"),
]

CATEGORIES = [("Invoices", "invoices"), ("Payments", "payments"), ("Mobile app", "mobile-app")]

# (title, body, category slug, status, voters (indexes into CUSTOMERS), public note, days ago)
IDEAS = [
    (
        "Recurring invoices",
        "Send the same invoice every month **automatically**, with the period in the title.",
        "invoices",
        Status.DONE,
        (0, 1, 2, 3, 4),
        "Shipped! Open an invoice and choose *Repeat monthly*.",
        120,
    ),
    (
        "Pay invoices by bank transfer (SEPA)",
        "Many of our clients in Europe pay by transfer; show our IBAN and match payments.",
        "payments",
        Status.IN_PROGRESS,
        (0, 2, 3, 4),
        "We are building SEPA matching now; expect a beta next month.",
        90,
    ),
    (
        "Dark mode in the mobile app",
        "Invoicing at night burns my eyes.",
        "mobile-app",
        Status.PLANNED,
        (1, 2, 4),
        "Planned for the next app release.",
        40,
    ),
    (
        "Export invoices to CSV",
        "For my accountant: one row per invoice with totals and tax.",
        "invoices",
        Status.UNDER_REVIEW,
        (0, 3),
        "Looking into which columns accountants need. Tell us in the comments!",
        25,
    ),
    (
        "Reminders before an invoice is due",
        "A friendly email to the client three days before the due date.",
        "invoices",
        Status.OPEN,
        (1, 4),
        "",
        6,
    ),
    (
        "Accept payments in crypto",
        "Bitcoin please.",
        "payments",
        Status.DECLINED,
        (3,),
        "Not for now: our payment partners do not support it, and few customers asked.",
        60,
    ),
]


def _customers() -> list:
    User = get_user_model()
    people = []
    for email, first, last in CUSTOMERS:
        user = User.objects.filter(username=email).first()
        if user is None:
            user = User(username=email, email=email, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
        people.append(user)
    return people


@transaction.atomic
def ideas_demo_content(*, home=None) -> None:
    if Idea.objects.exists():
        return
    people = _customers()
    categories = {
        slug: IdeaCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "sort_order": n}
        )[0]
        for n, (name, slug) in enumerate(CATEGORIES)
    }
    now = timezone.now()
    for n, (title, body, category, status, voters, note, days) in enumerate(IDEAS):
        created = now - timedelta(days=days)
        author = people[n % len(people)]
        idea = Idea.objects.create(
            title=title, body=body, author=author, category=categories[category]
        )
        IdeaFollow.objects.get_or_create(idea=idea, user=author)
        for index in voters:
            IdeaVote.objects.create(idea=idea, user=people[index])
            IdeaFollow.objects.get_or_create(idea=idea, user=people[index])
        IdeaVote.objects.filter(idea=idea).update(created_at=created + timedelta(days=1))
        if status != Status.OPEN:
            StatusChange.objects.create(
                idea=idea, old_status=Status.OPEN, new_status=status, note=note
            )
        idea_recount(idea=idea)
        Idea.objects.filter(pk=idea.pk).update(
            created_at=created,
            status=status,
            shipped_at=now - timedelta(days=days // 3) if status == Status.DONE else None,
        )
    first = Idea.objects.get(title="Export invoices to CSV")
    IdeaComment.objects.create(
        idea=first, author=people[1], body="Please include the client's VAT number."
    )
