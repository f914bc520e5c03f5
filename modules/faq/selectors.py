"""Reads of FAQ content that decide what a visitor may see."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Page

from cms.visibility import visible_pages
from modules.faq.pages import FaqGroupPage, FaqItem


def faq_items_visible(request=None) -> QuerySet[FaqItem]:
    """Questions whose group page is published and open to `request` (cms.visibility: groups
    restricted to signed-in customers or to named groups stay out of the API and search for
    anyone else, though their rows exist), with the group loaded so listing them costs one
    query. No request: what an anonymous visitor may see."""
    groups = visible_pages(FaqGroupPage.objects.all(), request).values("pk")
    return (
        FaqItem.objects.filter(page__in=groups)
        .select_related("page")
        .order_by("page__path", "sort_order", "pk")
    )


def faq_groups_of(index: Page, request=None) -> QuerySet[FaqGroupPage]:
    """The published groups under an FAQ index page that `request` may open, with their
    questions."""
    return visible_pages(FaqGroupPage.objects.child_of(index), request).prefetch_related("items")
