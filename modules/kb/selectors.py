"""Reads of knowledge base pages that respect who is asking (visibility itself is the
portal's: cms.visibility, Wagtail page privacy applied to every list)."""

from __future__ import annotations

from cms.visibility import can_view, visible_pages

__all__ = ["can_view", "parent_pages", "visible_pages"]


def parent_pages(pages) -> dict[str, object]:
    """The parents and grandparents (sections and categories) of `pages`, by tree path, in one
    query: what an article list needs to name where each article lives."""
    from wagtail.models import Page

    paths = set()
    for page in pages:
        paths.add(page.path[: -Page.steplen])
        paths.add(page.path[: -2 * Page.steplen])
    if not paths:
        return {}
    return {
        page.path: page
        for page in Page.objects.filter(path__in=paths).only(
            "id", "title", "slug", "path", "depth", "url_path", "locale_id"
        )
    }
