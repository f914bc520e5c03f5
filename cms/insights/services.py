"""Writes of feedback, view counts and search analytics.

Every write a request makes here is one or two statements: a vote is an upsert, a page view an
`INSERT … ON CONFLICT DO UPDATE`, a search one INSERT (plus one count when nothing was found).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from cms.insights.models import (
    FeedbackStatus,
    InsightsSettings,
    MissingContentTask,
    PageFeedback,
    PageViewDay,
    ReviewFlag,
    SearchClick,
    SearchQuery,
    TaskStatus,
)

BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|preview|curl|wget|python-requests|httpx|"
    r"headless|lighthouse|monitor|scrapy|feedfetcher",
    re.IGNORECASE,
)


def _client_ip(request) -> str:
    from cms.ratelimit import client_ip

    return client_ip(request)


def visitor_key(request) -> str:
    """Who is voting or searching, as an opaque digest: the signed-in user, otherwise the client
    address and browser. Keyed with the secret and the schema, so it says nothing outside."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        ident = f"user:{user.pk}"
    else:
        agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        ident = f"anon:{_client_ip(request)}:{agent}"
    return salted_hmac(
        "insights.visitor", f"{getattr(connection, 'schema_name', '')}:{ident}", algorithm="sha256"
    ).hexdigest()


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or bool(BOT_RE.search(agent))


def normalise_query(raw: str) -> str:
    """Lower case, accents kept, punctuation at the ends and repeated spaces dropped: "  Reset
    Password?" and "reset password" are the same question."""
    text = unicodedata.normalize("NFKC", raw or "").casefold()
    text = re.sub(r"\s+", " ", text).strip(" \t\n?!.,;:\"'«»“”")
    return text[:200]


# --- feedback ----------------------------------------------------------------------------


def feedback_submit(
    *, page, request, helpful: bool, comment: str = ""
) -> tuple[PageFeedback, ReviewFlag | None]:
    """Record this visitor's vote on `page` (already checked visible by the caller); a second
    vote replaces the first. A comment left earlier stays unless a new one is given, and so does
    its inbox status: only a new comment puts the feedback back among the new ones. After the
    vote, the page may be flagged for review (see `review_flag_check`)."""
    comment = (comment or "").strip()
    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    defaults = {
        "helpful": helpful,
        "language": (get_language() or "")[:16],
        "user": user,
    }
    if comment:
        defaults["comment"] = comment
        defaults["status"] = FeedbackStatus.NEW
    with transaction.atomic():
        feedback, _created = PageFeedback.objects.update_or_create(
            page_id=page.pk,
            visitor_key=visitor_key(request),
            defaults=defaults,
            create_defaults={**defaults, "status": FeedbackStatus.NEW},
        )
        flag = review_flag_check(page=page, request=request)
    return feedback, flag


def feedback_counts(page_ids) -> dict[int, tuple[int, int]]:
    """page id → (helpful votes, not helpful votes)."""
    rows = (
        PageFeedback.objects.filter(page_id__in=page_ids)
        .values("page_id")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
    )
    return {row["page_id"]: (row["yes"], row["no"]) for row in rows}


def review_flag_check(*, page, request=None) -> ReviewFlag | None:
    """Flag `page` for review by its owner when enough votes are in and the share of "No"
    reached the tenant's threshold, unless a flag is already open. The owner is emailed once,
    after commit."""
    config = InsightsSettings.load(request_or_site=request)
    if ReviewFlag.objects.filter(page_id=page.pk, resolved_at__isnull=True).exists():
        return None
    # After a review, only the votes cast or changed since count: the page was looked at.
    reviewed = (
        ReviewFlag.objects.filter(page_id=page.pk, resolved_at__isnull=False)
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )
    votes_since = PageFeedback.objects.filter(page_id=page.pk)
    if reviewed is not None:
        votes_since = votes_since.filter(updated__gt=reviewed)
    counts = votes_since.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    yes, no = counts["yes"], counts["no"]
    votes = yes + no
    if votes < config.minimum_votes or not votes:
        return None
    share = Decimal(no * 100) / Decimal(votes)
    if share < config.not_helpful_threshold:
        return None
    try:
        with transaction.atomic():  # two "No" votes at once: the constraint keeps one flag
            flag = ReviewFlag.objects.create(
                page_id=page.pk,
                reason=(
                    f"{no} of {votes} votes say not helpful "
                    f"(threshold {config.not_helpful_threshold}%)"
                ),
                not_helpful_share=share.quantize(Decimal("0.1")),
                votes=votes,
                owner_id=page.owner_id,
            )
    except IntegrityError:
        return None
    from cms.insights.tasks import notify_review_flag

    schema = getattr(connection, "schema_name", "")  # the task runs in the schema it was sent from
    transaction.on_commit(
        lambda: notify_review_flag.apply_async(args=[flag.pk], headers={"_schema_name": schema})
    )
    return flag


def review_flag_resolve(*, flag: ReviewFlag) -> ReviewFlag:
    if flag.resolved_at is None:
        flag.resolved_at = timezone.now()
        flag.save(update_fields=["resolved_at"])
    return flag


def feedback_set_status(*, feedback: PageFeedback, status: str) -> PageFeedback:
    if status not in FeedbackStatus.values:
        raise ValueError(status)
    PageFeedback.objects.filter(pk=feedback.pk).update(status=status)
    feedback.status = status
    return feedback


# --- views -------------------------------------------------------------------------------


def view_is_countable(request) -> bool:
    """A GET by a visitor: not a bot, not someone who can use the admin (editors checking
    their page), not the widget's own thank-you reload."""
    if request.method != "GET" or "feedback" in request.GET or is_bot(request):
        return False
    user = getattr(request, "user", None)
    return not (
        user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
    )


def page_view_record(*, page_id: int) -> None:
    """Count one view of a page today: a single upsert, no read."""
    table = PageViewDay._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (page_id, day, views) VALUES (%s, %s, 1) '  # noqa: S608
            f'ON CONFLICT (page_id, day) DO UPDATE SET views = "{table}".views + 1',
            [page_id, timezone.localdate()],
        )


# --- search ------------------------------------------------------------------------------


def search_log(*, request, raw: str, results: int, module: str = "") -> SearchQuery | None:
    """Log one search of the results page. A query with no results that has now been seen
    often enough becomes (or bumps) a missing-article task."""
    query = normalise_query(raw)
    if not query or is_bot(request):
        return None
    log = SearchQuery.objects.create(
        query=query,
        raw=raw[:200],
        language=(get_language() or "")[:16],
        results=results,
        module=(module or "")[:50],
        session_hash=visitor_key(request),
    )
    if results == 0:
        missing_content_note(query=query, request=request, when=log.created)
    return log


def missing_content_note(*, query: str, request=None, when=None) -> MissingContentTask | None:
    """Count a zero-result search toward a missing-article task: the task appears once
    `zero_result_repeats` different visitors searched it in vain (one visitor reloading the
    page cannot put text on the KB owners' list)."""
    when = when or timezone.now()
    updated = MissingContentTask.objects.filter(query=query).update(
        times_seen=F("times_seen") + 1, last_seen=when
    )
    if updated:
        return MissingContentTask.objects.filter(query=query).first()
    config = InsightsSettings.load(request_or_site=request)
    seen = SearchQuery.objects.filter(query=query, results=0).aggregate(
        searches=Count("pk"), visitors=Count("session_hash", distinct=True), first=Min("created")
    )
    if seen["visitors"] < config.zero_result_repeats:
        return None
    task, _created = MissingContentTask.objects.get_or_create(
        query=query,
        defaults={
            "times_seen": seen["searches"],
            "first_seen": seen["first"] or when,
            "last_seen": when,
        },
    )
    return task


def search_click_record(*, search_id: int, url: str, position: int) -> SearchClick | None:
    if not SearchQuery.objects.filter(pk=search_id).exists():
        return None
    return SearchClick.objects.create(search_id=search_id, url=url[:500], position=position)


def missing_content_set_status(*, task: MissingContentTask, status: str) -> MissingContentTask:
    if status not in TaskStatus.values:
        raise ValueError(status)
    task.status = status
    task.save(update_fields=["status"])
    return task
