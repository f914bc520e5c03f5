"""Reads for the feedback widget, the API and the admin reports.

`page_for_feedback` is the one door to a page a visitor wants to vote on: the page must be live,
the visitor must be allowed to open it (Wagtail page privacy) and its module switched on. The
reports aggregate in the database: one query per table, whatever the number of pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from wagtail.models import Page

from cms.insights.models import (
    FeedbackStatus,
    PageFeedback,
    PageViewDay,
    ReviewFlag,
    SearchClick,
    SearchQuery,
)
from cms.visibility import can_view
from modules import registry


def page_is_open_to(page, request) -> bool:
    """Whether `request` may open `page` (live, privacy passed: cms.visibility's rule, module
    switched on)."""
    if not can_view(page, request):
        return False
    spec = registry.module_for_page_type(page.specific_class)
    return spec is None or registry.is_enabled(spec.key, request)


def page_for_feedback(*, page_id, request) -> Page:
    """The live page `page_id` if this visitor may open it, else Http404 (the same answer for a
    page that does not exist, so a private page's id reveals nothing)."""
    try:
        page_id = int(page_id)
    except (TypeError, ValueError):
        raise Http404 from None
    page = Page.objects.live().filter(pk=page_id).first()
    if page is None or not page_is_open_to(page, request):
        raise Http404("No such page.")
    return page


# --- feedback inbox ------------------------------------------------------------------------

INBOX_FILTERS = {
    "new": Q(status=FeedbackStatus.NEW),
    "open": Q(status__in=[FeedbackStatus.NEW, FeedbackStatus.READ]),
    "resolved": Q(status=FeedbackStatus.RESOLVED),
    "archived": Q(status=FeedbackStatus.ARCHIVED),
    "all": Q(),
}


def feedback_inbox(*, status: str = "new", page_id=None, helpful: str | None = None):
    """Votes that carry a comment, newest first, filtered like the inbox's tabs."""
    queryset = (
        PageFeedback.objects.exclude(comment="")
        .filter(INBOX_FILTERS.get(status, INBOX_FILTERS["new"]))
        .select_related("page", "user")
        .order_by("-updated", "-pk")
    )
    if page_id:
        queryset = queryset.filter(page_id=page_id)
    if helpful in ("yes", "no"):
        queryset = queryset.filter(helpful=helpful == "yes")
    return queryset


# --- article stats -------------------------------------------------------------------------


@dataclass
class PageStatsRow:
    page: Page
    views: int
    yes: int
    no: int
    flag: ReviewFlag | None

    @property
    def votes(self) -> int:
        return self.yes + self.no

    @property
    def helpful_share(self) -> float | None:
        return round(self.yes * 100 / self.votes) if self.votes else None


STATS_ORDERS = {
    "views": lambda row: (row.views, row.votes),
    "votes": lambda row: (row.votes, row.views),
    "helpful": lambda row: (row.helpful_share if row.helpful_share is not None else -1, row.votes),
    "title": lambda row: row.page.title.lower(),
}


def page_stats(*, days: int = 30, order: str = "-views", page_ids=None) -> list[PageStatsRow]:
    """Views in the last `days` days, votes and open flags per page, for pages that have any."""
    since = timezone.localdate() - timedelta(days=days - 1)
    views_qs = PageViewDay.objects.filter(day__gte=since)
    votes_qs = PageFeedback.objects.all()
    flags_qs = ReviewFlag.objects.filter(resolved_at__isnull=True)
    if page_ids is not None:
        views_qs = views_qs.filter(page_id__in=page_ids)
        votes_qs = votes_qs.filter(page_id__in=page_ids)
        flags_qs = flags_qs.filter(page_id__in=page_ids)
    views = dict(views_qs.values("page_id").annotate(n=Sum("views")).values_list("page_id", "n"))
    votes = {
        row["page_id"]: (row["yes"], row["no"])
        for row in votes_qs.values("page_id").annotate(
            yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
        )
    }
    flags = {flag.page_id: flag for flag in flags_qs}
    ids = set(views) | set(votes) | set(flags)
    pages = Page.objects.filter(pk__in=ids).only("id", "title", "url_path", "path", "depth")
    rows = [
        PageStatsRow(
            page=page,
            views=views.get(page.pk, 0),
            yes=votes.get(page.pk, (0, 0))[0],
            no=votes.get(page.pk, (0, 0))[1],
            flag=flags.get(page.pk),
        )
        for page in pages
    ]
    key = order.lstrip("-")
    rows.sort(key=STATS_ORDERS.get(key, STATS_ORDERS["views"]), reverse=order.startswith("-"))
    return rows


def open_flags_for(user):
    return (
        ReviewFlag.objects.filter(resolved_at__isnull=True, owner=user)
        .select_related("page")
        .order_by("-created")
    )


# --- search analytics ----------------------------------------------------------------------


@dataclass
class SearchReport:
    days: int
    searches: int
    with_click: int
    zero_results: int
    top: list[dict]
    zero: list[dict]
    daily: list[tuple[date, int]]

    @property
    def click_through(self) -> float | None:
        return round(self.with_click * 100 / self.searches, 1) if self.searches else None


def search_report(*, days: int = 30, limit: int = 20) -> SearchReport:
    since_day = timezone.localdate() - timedelta(days=days - 1)
    recent = SearchQuery.objects.filter(created__date__gte=since_day)
    clicked = SearchClick.objects.filter(search=OuterRef("pk"))
    totals = recent.aggregate(
        searches=Count("pk"),
        zero=Count("pk", filter=Q(results=0)),
    )
    with_click = recent.filter(Exists(clicked)).count()
    top: list[dict] = [
        dict(row)
        for row in recent.values("query")
        .annotate(
            n=Count("pk"),
            with_click=Count("pk", filter=Q(Exists(clicked))),
            zero=Count("pk", filter=Q(results=0)),
        )
        .order_by("-n", "query")[:limit]
    ]
    for row in top:
        row["ctr"] = round(row["with_click"] * 100 / row["n"]) if row["n"] else 0
    zero: list[dict] = [
        dict(row)
        for row in recent.filter(results=0)
        .values("query")
        .annotate(n=Count("pk"))
        .order_by("-n", "query")[:limit]
    ]
    per_day = dict(
        recent.annotate(day=TruncDate("created"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    daily = [
        (since_day + timedelta(days=i), per_day.get(since_day + timedelta(days=i), 0))
        for i in range(days)
    ]
    return SearchReport(
        days=days,
        searches=totals["searches"],
        with_click=with_click,
        zero_results=totals["zero"],
        top=top,
        zero=zero,
        daily=daily,
    )


# --- missing articles ----------------------------------------------------------------------


def article_page_type():
    """The page type to write when an article is missing, found through the registry: the
    `extra["article_type"]` of the first switched-on module that names one (a module of articles,
    such as the knowledge base), with the first page in the tree it can be created under.
    Returns (model, parent page) or None."""
    from django.apps import apps

    enabled = registry.enabled_keys()
    for spec in registry.all_modules():
        label = spec.extra.get("article_type")
        if spec.key not in enabled or not label:
            continue
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        for parent_model in model.allowed_parent_page_models():
            if parent_model is Page:
                continue
            parent = parent_model.objects.order_by("path").first()
            if parent is not None:
                return model, parent
    return None
