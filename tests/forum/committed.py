"""Committed forum data in tenant alpha for browser tests (a live server reads it from another
connection), and its removal afterwards."""

from __future__ import annotations

from tests.committed import alpha
from tests.conftest import TEST_PASSWORD


def make(*, slug: str, emails: list[str], staff: list[str] = ()) -> dict:
    """A public category `slug` and verified customers (password TEST_PASSWORD)."""
    from django_tenants.utils import tenant_context

    from modules.forum import services
    from tests.forum.conftest import make_customer

    with tenant_context(alpha()):
        category = services.category_create(name=f"Forum {slug}", slug=slug)
        users = {
            email: make_customer(email, first_name=email.split("@")[0].title()).pk
            for email in emails
        }
        for email in staff:
            users[email] = make_customer(email, is_staff=True, first_name="Agent").pk
        return {"category": category.pk, "users": users}


def drop(*, slug: str, emails: list[str]) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    from modules.accounts.models import OutboxEmail
    from modules.forum.models import ForumCategory, Topic

    with tenant_context(alpha()):
        category = ForumCategory.objects.filter(slug=slug).first()
        if category is not None:
            for topic in Topic.objects.filter(category=category):
                topic.delete()
            category.delete()
        users = get_user_model().objects.filter(email__in=emails)
        OutboxEmail.objects.filter(recipient__in=users).delete()
        users.delete()


__all__ = ["TEST_PASSWORD", "alpha", "drop", "make"]
