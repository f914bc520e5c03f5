"""What the ideas board gives customer accounts through the registry (ModuleSpec.extra):
"My activity", the data export, and anonymising before an account is deleted."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from modules.ideas.models import Idea, IdeaComment, IdeaFollow, IdeaVote, Status

LIMIT = 50


def _status(idea: Idea) -> str:
    return str(Status(idea.status).label)


def account_activity(*, user) -> list[dict]:
    """My ideas, my votes and the ideas I follow (the latest 50 of each)."""
    ideas = Idea.objects.filter(author=user).order_by("-created_at")[:LIMIT]
    votes = (
        IdeaVote.objects.filter(user=user).select_related("idea").order_by("-created_at")[:LIMIT]
    )
    follows = (
        IdeaFollow.objects.filter(user=user).select_related("idea").order_by("-created_at")[:LIMIT]
    )
    comments = (
        IdeaComment.objects.filter(author=user)
        .select_related("idea")
        .order_by("-created_at")[:LIMIT]
    )
    return [
        {
            "title": _("My ideas"),
            "items": [
                {
                    "title": idea.title,
                    "url": idea.get_absolute_url(),
                    "when": idea.created_at,
                    "meta": f"{_status(idea)} · {idea.vote_count} ▲",
                }
                for idea in ideas
            ],
        },
        {
            "title": _("Ideas I voted for"),
            "items": [
                {
                    "title": vote.idea.title,
                    "url": vote.idea.get_absolute_url(),
                    "when": vote.created_at,
                    "meta": _status(vote.idea),
                }
                for vote in votes
            ],
        },
        {
            "title": _("My comments on ideas"),
            "items": [
                {
                    "title": comment.idea.title,
                    "url": f"{comment.idea.get_absolute_url()}#comment-{comment.pk}",
                    "when": comment.created_at,
                    "meta": comment.body[:80],
                }
                for comment in comments
            ],
        },
        {
            "title": _("Ideas I follow"),
            "items": [
                {
                    "title": follow.idea.title,
                    "url": follow.idea.get_absolute_url(),
                    "when": follow.created_at,
                    "meta": _status(follow.idea),
                }
                for follow in follows
            ],
        },
    ]


def export_user_data(*, user) -> dict:
    """Everything of the user's on the ideas board, as JSON-ready data."""

    def when(value):
        return value.isoformat() if value else None

    return {
        "ideas": [
            {
                "id": idea.pk,
                "title": idea.title,
                "body": idea.body,
                "status": idea.status,
                "category": idea.category.name if idea.category else None,
                "votes": idea.vote_count,
                "created_at": when(idea.created_at),
                "url": idea.get_absolute_url(),
            }
            for idea in Idea.objects.filter(author=user).select_related("category").order_by("pk")
        ],
        "comments": [
            {
                "id": comment.pk,
                "idea": comment.idea_id,
                "body": comment.body,
                "created_at": when(comment.created_at),
            }
            for comment in IdeaComment.objects.filter(author=user).order_by("pk")
        ],
        "votes": [
            {
                "idea": vote.idea_id,
                "idea_title": vote.idea.title,
                "created_at": when(vote.created_at),
                "added_by_staff": vote.added_by_id is not None,
                "note": vote.note,
            }
            for vote in IdeaVote.objects.filter(user=user).select_related("idea").order_by("pk")
        ],
        "follows": [
            {"idea": follow.idea_id, "since": when(follow.created_at)}
            for follow in IdeaFollow.objects.filter(user=user).order_by("pk")
        ],
    }


@transaction.atomic
def anonymise_user(*, user) -> None:
    """Before the account goes: ideas and comments stay, shown as "Deleted user"; votes stay
    counted but no longer say whose they were; follows (and so emails) end."""
    Idea.objects.filter(author=user).update(author=None)
    IdeaComment.objects.filter(author=user).update(author=None)
    IdeaVote.objects.filter(user=user).update(user=None, note="")
    IdeaVote.objects.filter(added_by=user).update(added_by=None)
    IdeaFollow.objects.filter(user=user).delete()
