"""What the ideas board gives tickets through the registry (ModuleSpec.extra["ticket_link"]):
agents link a ticket to an idea, and the ticket's requester then follows the idea, so they hear
when it ships."""

from __future__ import annotations

from modules.ideas.models import Idea, IdeaFollow

LIMIT = 10


def _row(idea: Idea) -> dict:
    return {"id": str(idea.pk), "title": idea.title, "url": idea.get_absolute_url()}


def search(*, query: str) -> list[dict]:
    query = (query or "").strip()[:200]
    ideas = Idea.objects.filter(merged_into__isnull=True).order_by("-vote_count", "-pk")
    if query.isdigit():
        ideas = ideas.filter(pk=int(query))
    elif query:
        ideas = ideas.filter(title__icontains=query)
    return [_row(idea) for idea in ideas[:LIMIT]]


def get(*, object_id: str) -> dict | None:
    if not str(object_id).isdigit():
        return None
    idea = Idea.objects.filter(pk=int(object_id), merged_into__isnull=True).first()
    return _row(idea) if idea is not None else None


def follow(*, object_id: str, user) -> None:
    """The requester follows the idea (status-change emails, including "done")."""
    if user is not None and user.is_active and str(object_id).isdigit():
        IdeaFollow.objects.get_or_create(idea_id=int(object_id), user=user)
