"""Who may see and do what in the forum, and the reads that respect it.

Views, the API and search all come through here: a private category's topics are a 404 by page,
API and direct id alike, and a moderator is someone who is staff, holds the global
"forum.moderate_category" permission, or holds it on that one category (django-guardian).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from modules.accounts.selectors import can_participate as accounts_can_participate
from modules.accounts.selectors import is_staff_member
from modules.forum.models import (
    ForumCategory,
    ModerationState,
    Reply,
    Report,
    Subscription,
    Topic,
    Visibility,
    Vote,
)

MODERATE = "forum.moderate_category"


def can_participate(user) -> bool:
    """Whether `user` may post, vote, report and subscribe: the accounts module's rule
    (signed in, active, verified email; staff need no verification)."""
    return bool(accounts_can_participate(user))


def _authenticated(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_global_moderator(user) -> bool:
    if not _authenticated(user):
        return False
    cached = getattr(user, "_forum_global_moderator", None)
    if cached is None:
        cached = is_staff_member(user) or user.has_perm(MODERATE)
        user._forum_global_moderator = cached
    return cached


def moderated_category_ids(user) -> set[int]:
    """Categories `user` moderates through a per-category permission (guardian)."""
    if not _authenticated(user):
        return set()
    cached = getattr(user, "_forum_moderated_ids", None)
    if cached is None:
        from guardian.shortcuts import get_objects_for_user

        cached = set(
            get_objects_for_user(
                user, MODERATE, klass=ForumCategory, accept_global_perms=False
            ).values_list("pk", flat=True)
        )
        user._forum_moderated_ids = cached
    return cached


def can_moderate(user, category: ForumCategory | None = None) -> bool:
    """Staff and global moderators moderate everything; others the categories given to them."""
    if is_global_moderator(user):
        return True
    if category is None:
        return bool(moderated_category_ids(user))
    return category.pk in moderated_category_ids(user)


def categories_visible(user) -> QuerySet[ForumCategory]:
    """Categories `user` may read: public ones, signed-in ones once signed in, group ones to
    members; staff and moderators see every category they moderate."""
    queryset = ForumCategory.objects.all()
    if is_global_moderator(user):
        return queryset
    rule = Q(visibility=Visibility.PUBLIC)
    if _authenticated(user):
        rule |= Q(visibility=Visibility.SIGNED_IN)
        rule |= Q(visibility=Visibility.GROUPS, groups__in=user.groups.values("pk"))
        moderated = moderated_category_ids(user)
        if moderated:
            rule |= Q(pk__in=moderated)
    return queryset.filter(pk__in=ForumCategory.objects.filter(rule).values("pk"))


def categories_with_topic_counts(user) -> QuerySet[ForumCategory]:
    """The categories `user` may read with `topic_count`, the number of topics their page lists
    to everyone (approved, merged ones left out): for the forum's index and the API alike."""
    listed = Q(topics__state=ModerationState.APPROVED, topics__merged_into__isnull=True)
    return (
        categories_visible(user)
        .annotate(topic_count=Count("topics", filter=listed))
        .order_by("position", "name")
    )


def category_readers(category: ForumCategory) -> QuerySet:
    """The active users who may read `category` (the rule of `categories_visible`, the other
    way round), as one query: to write to many people without asking about each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from guardian.shortcuts import get_users_with_perms

    user_model = get_user_model()
    users = user_model.objects.filter(is_active=True)
    if category.visibility in (Visibility.PUBLIC, Visibility.SIGNED_IN):
        return users
    app_label, codename = MODERATE.split(".")
    moderate = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    of_this_category: QuerySet = get_users_with_perms(  # type: ignore[assignment]
        category, only_with_perms_in=[codename], with_group_users=True
    )
    rule = (
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(groups__in=category.groups.values("pk"))
        | Q(user_permissions__in=moderate)
        | Q(groups__permissions__in=moderate)
        | Q(pk__in=of_this_category.values("pk"))
    )
    return users.filter(pk__in=user_model.objects.filter(rule).values("pk"))


def category_get_for_user(*, user, slug: str) -> ForumCategory:
    category = categories_visible(user).filter(slug=slug).first()
    if category is None:
        raise Http404
    return category


def topics_visible(*, user, category: ForumCategory | None = None) -> QuerySet[Topic]:
    """Approved topics of visible categories, plus the user's own pending ones, plus every
    pending one in categories they moderate. Merged topics are left out of lists."""
    categories = categories_visible(user)
    if category is not None:
        categories = categories.filter(pk=category.pk)
    rule = Q(state=ModerationState.APPROVED)
    if _authenticated(user):
        rule |= Q(author=user) & ~Q(state=ModerationState.REJECTED)
        if is_global_moderator(user):
            rule |= Q(state=ModerationState.PENDING)
        else:
            moderated = moderated_category_ids(user)
            if moderated:
                rule |= Q(state=ModerationState.PENDING, category_id__in=moderated)
    return Topic.objects.filter(rule, category__in=categories.values("pk"))


def topic_list(*, user, category: ForumCategory | None = None, solved: str = "") -> QuerySet[Topic]:
    """Topics of one category (or of every one `user` may read) for its page and the API:
    pinned first, then latest activity; merged topics left out."""
    queryset = topics_visible(user=user, category=category).filter(merged_into__isnull=True)
    if solved == "solved":
        queryset = queryset.filter(kind="question", accepted_reply__isnull=False)
    elif solved == "unsolved":
        queryset = queryset.filter(kind="question", accepted_reply__isnull=True)
    return queryset.select_related("author__customer_profile", "category").order_by(
        "-pinned", "-last_activity_at"
    )


def topic_get_for_user(*, user, topic_id: int) -> Topic:
    """The topic if `user` may read it, else 404 (a private category's topic does not exist for
    them, whatever its id)."""
    topic = (
        topics_visible(user=user)
        .select_related("category", "author__customer_profile")
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        raise Http404
    return topic


def replies_visible(*, user, topic: Topic) -> QuerySet[Reply]:
    rule = Q(state=ModerationState.APPROVED)
    if _authenticated(user):
        rule |= Q(author=user) & ~Q(state=ModerationState.REJECTED)
        if can_moderate(user, topic.category):
            rule |= Q(state=ModerationState.PENDING)
    queryset = topic.replies.filter(rule).select_related("author__customer_profile")
    if _authenticated(user):
        queryset = queryset.annotate(
            voted=Exists(Vote.objects.filter(user=user, reply=OuterRef("pk")))
        )
    return queryset.order_by("created_at", "pk")


def reply_get_for_user(*, user, reply_id: int) -> Reply:
    reply = (
        Reply.objects.select_related("topic", "topic__category", "author")
        .filter(pk=reply_id)
        .first()
    )
    if reply is None:
        raise Http404
    topic = topic_get_for_user(user=user, topic_id=reply.topic_id)
    if not replies_visible(user=user, topic=topic).filter(pk=reply.pk).exists():
        raise Http404
    return reply


def can_edit_reply(user, reply: Reply) -> bool:
    """Authors edit their own replies while the topic is open; moderators edit any."""
    if not _authenticated(user):
        return False
    if can_moderate(user, reply.topic.category):
        return True
    return reply.author_id == user.pk and reply.topic.is_open and can_participate(user)


def can_edit_topic(user, topic: Topic) -> bool:
    if not _authenticated(user):
        return False
    if can_moderate(user, topic.category):
        return True
    return topic.author_id == user.pk and topic.is_open and can_participate(user)


def can_accept(user, topic: Topic) -> bool:
    """The asker or a moderator marks an answer to a question as accepted."""
    if topic.kind != "question" or not _authenticated(user):
        return False
    return topic.author_id == user.pk or can_moderate(user, topic.category)


def has_voted_topic(user, topic: Topic) -> bool:
    return _authenticated(user) and Vote.objects.filter(user=user, topic=topic).exists()


def subscribed_to(user, *, topic: Topic | None = None, category=None) -> bool:
    if not _authenticated(user):
        return False
    return Subscription.objects.filter(user=user, topic=topic, category=category).exists()


def moderation_queue(*, user) -> dict:
    """Pending posts and open reports in the categories `user` moderates."""
    everything = is_global_moderator(user)
    ids = set() if everything else moderated_category_ids(user)
    topic_scope = Q() if everything else Q(category_id__in=ids)
    reply_scope = Q() if everything else Q(topic__category_id__in=ids)
    report_scope = (
        Q() if everything else Q(topic__category_id__in=ids) | Q(reply__topic__category_id__in=ids)
    )
    topics = (
        Topic.objects.filter(topic_scope, state=ModerationState.PENDING)
        .select_related("author__customer_profile", "category")
        .order_by("created_at")
    )
    replies = (
        Reply.objects.filter(reply_scope, state=ModerationState.PENDING)
        .select_related("author__customer_profile", "topic", "topic__category")
        .order_by("created_at")
    )
    reports = (
        Report.objects.filter(report_scope, resolved=False)
        .select_related("reporter", "topic", "reply", "reply__topic")
        .order_by("created_at")
    )
    return {"topics": topics[:100], "replies": replies[:100], "reports": reports[:100]}


def similar_topics(*, request, query: str, limit: int = 5) -> list[Topic]:
    """Topics like a title being typed, through the portal search (what `request` may read:
    approved, not merged): the last word as a prefix first, then any whole word."""
    from cms.search import portal_search

    query = (query or "").strip()[:200]
    if len(query) < 3:
        return []
    found = portal_search(query, request, module="forum", autocomplete=True, limit=limit)
    if not found.hits:
        found = portal_search(query, request, module="forum", limit=limit)
    return [hit.obj for hit in found.hits[:limit]]


def user_activity(*, user) -> dict:
    """The user's own topics, replies and subscriptions (for "My activity" and the export)."""
    topics = Topic.objects.filter(author=user).select_related("category").order_by("-created_at")
    replies = Reply.objects.filter(author=user).select_related("topic").order_by("-created_at")
    subscriptions = Subscription.objects.filter(user=user).select_related("topic", "category")
    return {"topics": topics, "replies": replies, "subscriptions": subscriptions}
