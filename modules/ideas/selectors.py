"""Reads of the ideas board: what a visitor sees and in which order.

Every list is one query however many ideas there are (author, category, comment count and the
visitor's own vote come along with the row).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Extract, Greatest, Now, Power
from django.http import Http404
from django.utils import timezone

from cms.markdown import render_markdown
from modules.ideas.models import (
    ROADMAP_STATUSES,
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaFollow,
    IdeaVote,
    Status,
    StatusChange,
)

SORTS = ("trending", "top", "new")
TRENDING_DAYS = 14


def _count_of(model, **filters):
    rows = (
        model.objects.filter(idea=OuterRef("pk"), **filters)
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def ideas_visible() -> QuerySet[Idea]:
    """Ideas shown on the board: everything not merged into another idea."""
    return Idea.objects.filter(merged_into__isnull=True)


def with_listing(queryset: QuerySet[Idea], user=None) -> QuerySet[Idea]:
    """What a list row shows, in the same query: author, category, comments, and whether this
    visitor voted for / follows the idea."""
    queryset = queryset.select_related("author__customer_profile", "category").annotate(
        comment_total=_count_of(IdeaComment)
    )
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            has_voted=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), user=user)),
            is_following=Exists(IdeaFollow.objects.filter(idea=OuterRef("pk"), user=user)),
        )
    else:
        queryset = queryset.annotate(has_voted=Value(False), is_following=Value(False))
    return queryset


def sorted_ideas(queryset: QuerySet[Idea], sort: str) -> QuerySet[Idea]:
    """`top`: most votes; `new`: newest first; `trending` (the default): votes of the last two
    weeks count in full, older ones fade with the idea's age, so a new idea gathering votes
    rises above an old one that stopped (all computed by PostgreSQL)."""
    if sort == "top":
        return queryset.order_by("-vote_count", "-created_at", "-pk")
    if sort == "new":
        return queryset.order_by("-created_at", "-pk")
    since = timezone.now() - timedelta(days=TRENDING_DAYS)
    age_days = Extract(Now() - F("created_at"), "epoch") / Value(86400.0)
    score = _count_of(IdeaVote, created_at__gte=since) * Value(1.0) + F("vote_count") / Power(
        Greatest(age_days, Value(0.0)) + Value(2.0), Value(1.5)
    )
    return queryset.annotate(
        trending=Coalesce(score, Value(0.0), output_field=FloatField())
    ).order_by("-trending", "-vote_count", "-created_at", "-pk")


def board(*, user=None, sort: str = "trending", status: str = "", category: str = ""):
    """The board's ideas for this visitor with the chosen sort and filters (bad filter values
    are ignored, never an error)."""
    queryset = ideas_visible()
    if status in Status.values:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category__slug=category)
    if sort not in SORTS:
        sort = "trending"
    return sorted_ideas(with_listing(queryset, user), sort)


def idea_get(*, pk, user=None) -> Idea:
    """The idea (merged ones too: their page redirects) with what its page shows about it for
    this visitor (comment count, their vote and follow), or 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such idea.") from None
    idea = with_listing(Idea.objects.select_related("merged_into"), user).filter(pk=pk).first()
    if idea is None:
        raise Http404("No such idea.")
    return idea


def idea_comments(idea: Idea) -> QuerySet[IdeaComment]:
    return idea.comments.select_related("author__customer_profile").order_by("created_at", "pk")


def idea_history(idea: Idea) -> QuerySet[StatusChange]:
    return idea.status_changes.select_related("by").order_by("-created_at", "-pk")


def categories() -> list[IdeaCategory]:
    """The categories in their order."""
    return list(IdeaCategory.objects.order_by("sort_order", "name"))


def roadmap(user=None) -> dict[str, list[Idea]]:
    """Planned, in progress and done ideas (done: the 20 most recently shipped), most voted
    first, for the roadmap's three columns."""
    queryset = with_listing(ideas_visible().filter(status__in=ROADMAP_STATUSES), user)
    columns: dict[str, list[Idea]] = {status: [] for status in ROADMAP_STATUSES}
    active = queryset.exclude(status=Status.DONE).order_by("-vote_count", "-created_at")
    for idea in active[:200]:
        columns[idea.status].append(idea)
    columns[Status.DONE] = list(
        queryset.filter(status=Status.DONE).order_by("-shipped_at", "-pk")[:20]
    )
    return columns


def changelog(limit: int = 200) -> list[tuple]:
    """Shipped ideas, newest first, grouped by month: [(first day of month, [(idea, note)])]. The
    note is that of the change that marked the idea done."""
    ideas = list(
        ideas_visible()
        .filter(status=Status.DONE, shipped_at__isnull=False)
        .select_related("category")
        .annotate(
            ship_note=Subquery(
                StatusChange.objects.filter(idea=OuterRef("pk"), new_status=Status.DONE)
                .order_by("-created_at", "-pk")
                .values("note")[:1]
            )
        )
        .order_by("-shipped_at", "-pk")[:limit]
    )
    months: list[tuple] = []
    for idea in ideas:
        idea.ship_note_html = render_markdown(idea.ship_note or "")
        month = timezone.localtime(idea.shipped_at).date().replace(day=1)
        if not months or months[-1][0] != month:
            months.append((month, []))
        months[-1][1].append(idea)
    return months
