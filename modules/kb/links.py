"""What the knowledge base gives tickets through the registry (ModuleSpec.extra["ticket_link"]):
agents find a live article to link a ticket to."""

from __future__ import annotations

from modules.kb.pages import ArticlePage

LIMIT = 10


def _row(page) -> dict:
    return {"id": str(page.pk), "title": page.title, "url": page.url or ""}


def search(*, query: str) -> list[dict]:
    query = (query or "").strip()[:200]
    articles = ArticlePage.objects.live().order_by("title")
    if query.isdigit():
        articles = articles.filter(pk=int(query))
    elif query:
        articles = articles.filter(title__icontains=query)
    return [_row(page) for page in articles[:LIMIT]]


def get(*, object_id: str) -> dict | None:
    if not str(object_id).isdigit():
        return None
    page = ArticlePage.objects.live().filter(pk=int(object_id)).first()
    return _row(page) if page is not None else None
