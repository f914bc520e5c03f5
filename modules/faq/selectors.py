"""Reads of FAQ content that decide what a visitor may see."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Page

from modules.faq.pages import FaqGroupPage, FaqItem


def faq_items_visible() -> QuerySet[FaqItem]:
    """Questions whose group page is published and not behind a view restriction (private
    groups stay out of the API and search even though their rows exist), with the group loaded
    so listing them costs one query."""
    groups = FaqGroupPage.objects.live().public().values("pk")
    return (
        FaqItem.objects.filter(page__in=groups)
        .select_related("page")
        .order_by("page__path", "sort_order", "pk")
    )


def faq_groups_of(index: Page) -> QuerySet[FaqGroupPage]:
    """The published, public groups under an FAQ index page, with their questions."""
    return FaqGroupPage.objects.child_of(index).live().public().prefetch_related("items")
