"""Sample forum content for the demo portal: two categories, a solved question, a discussion."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from modules.accounts.services import profile_get_or_create
from modules.forum.models import ForumCategory


def forum_demo_content(*, home=None) -> None:
    from modules.forum import services

    if ForumCategory.objects.exists():
        return
    user_model = get_user_model()

    def customer(email: str, first: str, last: str):
        user, _created = user_model.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first, "last_name": last}
        )
        if _created:
            user.set_unusable_password()
            user.save()
            # sample customers have confirmed their address, so they may post
            profile = profile_get_or_create(user=user)
            profile.email_verified_at = timezone.now()
            profile.save()
        return user

    ada = customer("ada@example.com", "Ada", "Park")
    ben = customer("ben@example.com", "Ben", "Osei")
    questions = services.category_create(
        name="Questions", description="Ask how to do something; others answer.", position=1
    )
    ideas = services.category_create(
        name="Tips and tricks", description="Share how you use the product.", position=2
    )
    topic = services.topic_create(
        author=ada,
        category=questions,
        title="How do I export my invoices?",
        body="I need all invoices of last year as one file for my accountant. Is there a way?",
    )
    answer = services.reply_create(
        author=ben,
        topic=topic,
        body="Yes: open **Billing → Invoices**, pick the year and choose *Download all* (a zip).",
    )
    services.reply_accept(user=ada, reply=answer)
    services.topic_create(
        author=ben,
        category=ideas,
        kind="discussion",
        title="Keyboard shortcuts I use every day",
        body="`g` then `i` opens the inbox, `?` shows every shortcut. What are yours?",
    )
