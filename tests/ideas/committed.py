"""Committed ideas data in tenant alpha for browser tests (a live server reads it from another
connection), and its removal afterwards."""

from __future__ import annotations

from tests.committed import alpha
from tests.conftest import TEST_PASSWORD


def make(*, customers: list[str], managers: list[str] = (), hostile: bool = False) -> dict:
    """Verified customers and idea managers (password TEST_PASSWORD); with `hostile`, an idea
    whose every input is an XSS payload (tests.ideas.test_sanitisation)."""
    from django_tenants.utils import tenant_context

    from tests.ideas.conftest import make_customer, make_manager

    with tenant_context(alpha()):
        people = {}
        for email in customers:
            people[email.split("@")[0].split("-")[-1]] = make_customer(
                email, first_name=email.split("@")[0].title()
            )
        for email in managers:
            people["manager"] = make_manager(email)
        made = {"users": [user.pk for user in people.values()], "ideas": []}
        if hostile:
            from tests.ideas.test_sanitisation import make_hostile_idea

            idea = make_hostile_idea(people)
            made["idea_url"] = idea.get_absolute_url()
        return made


def drop(made: dict) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.accounts.models import OutboxEmail
    from modules.ideas.models import Idea

    with tenant_context(alpha()):
        users = get_user_model().objects.filter(pk__in=made["users"])
        Idea.objects.filter(author__in=users).delete()
        OutboxEmail.objects.filter(recipient__in=users).delete()
        users.delete()


__all__ = ["TEST_PASSWORD", "alpha", "drop", "make"]
