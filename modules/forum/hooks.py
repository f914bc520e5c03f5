"""What the forum gives the accounts module through the registry (ModuleSpec.extra): a
customer's forum activity, their data export, and the anonymising before an account goes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from modules.forum.models import ModerationState, Vote
from modules.forum.selectors import user_activity
from modules.forum.services import anonymise_user

__all__ = ["account_activity", "anonymise_user", "export_user_data"]

_STATE = {
    ModerationState.APPROVED: "",
    ModerationState.PENDING: ModerationState.PENDING.label,
    ModerationState.REJECTED: ModerationState.REJECTED.label,
}


def account_activity(*, user) -> list[dict]:
    """Sections of the "My activity" page: my topics, my replies, what I follow."""
    activity = user_activity(user=user)
    topics = [
        {
            "title": topic.title,
            "url": topic.get_absolute_url(),
            "when": topic.created_at,
            "meta": str(_STATE[topic.state] or topic.category.name),
        }
        for topic in activity["topics"][:50]
    ]
    replies = [
        {
            "title": reply.topic.title,
            "url": reply.get_absolute_url(),
            "when": reply.created_at,
            "meta": str(_STATE[reply.state]),
        }
        for reply in activity["replies"][:50]
    ]
    follows = []
    for sub in activity["subscriptions"][:100]:
        target = sub.topic or sub.category
        follows.append(
            {
                "title": str(target),
                "url": target.get_absolute_url(),
                "when": sub.created_at,
                "meta": _("Topic") if sub.topic_id else _("Category"),
            }
        )
    return [
        {"title": _("Forum topics"), "items": topics},
        {"title": _("Forum replies"), "items": replies},
        {"title": _("Followed in the forum"), "items": follows},
    ]


def export_user_data(*, user) -> dict:
    """Everything of the user's in the forum, as JSON-ready data."""
    activity = user_activity(user=user)
    votes = Vote.objects.filter(user=user).order_by("created_at")
    return {
        "topics": [
            {
                "id": t.pk,
                "category": t.category.name,
                "kind": t.kind,
                "title": t.title,
                "body": t.body,
                "state": t.state,
                "created_at": t.created_at.isoformat(),
                "url": t.get_absolute_url(),
            }
            for t in activity["topics"]
        ],
        "replies": [
            {
                "id": r.pk,
                "topic_id": r.topic_id,
                "topic": r.topic.title,
                "body": r.body,
                "state": r.state,
                "created_at": r.created_at.isoformat(),
            }
            for r in activity["replies"]
        ],
        "votes": [
            {"topic_id": v.topic_id, "reply_id": v.reply_id, "created_at": v.created_at.isoformat()}
            for v in votes
        ],
        "subscriptions": [
            {"topic_id": s.topic_id, "category": s.category.name if s.category_id else None}
            for s in activity["subscriptions"]
        ],
    }
