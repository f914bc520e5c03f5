"""Feedback, view counts and search analytics of a portal, in the tenant's own schema.

They work for any Wagtail page of any module (knowledge base articles, videos, forum threads):
a page is referenced by its `wagtailcore.Page` row, never by a module's model.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

COMMENT_MAX = 2000


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    READ = "read", _("Read")
    RESOLVED = "resolved", _("Resolved")
    ARCHIVED = "archived", _("Archived")


class PageFeedback(models.Model):
    """One visitor's "Was this helpful?" vote on one page, with an optional comment.

    Shown to admins in the feedback inbox (comments) and the article stats report (counts).
    A visitor votes once per page: voting again changes the vote.
    """

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="insights_feedback"
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    language = models.CharField(_("language"), max_length=16, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # HMAC of the signed-in user's id, or of the client address and browser for anonymous visitors
    visitor_key = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")
        constraints = [
            models.UniqueConstraint(fields=["page", "visitor_key"], name="insights_one_vote")
        ]
        indexes = [models.Index(fields=["status", "-updated"], name="insights_fb_inbox")]

    def __str__(self) -> str:
        return f"{self.page_id}: {'yes' if self.helpful else 'no'}"


class PageViewDay(models.Model):
    """How often a live page was opened on one day (visitors, not admins or bots). One row per
    page and day, bumped with a single upsert per view."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="insights_one_row_per_day")
        ]
        indexes = [models.Index(fields=["day"], name="insights_view_day")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}"


class ReviewFlag(models.Model):
    """A page that too many visitors found unhelpful, for its owner to review. At most one open
    flag per page; shown on the owner's dashboard and in the article stats."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=255)
    not_helpful_share = models.DecimalField(_("not helpful (%)"), max_digits=5, decimal_places=1)
    votes = models.PositiveIntegerField(_("votes"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review flag")
        constraints = [
            models.UniqueConstraint(
                fields=["page"],
                condition=models.Q(resolved_at__isnull=True),
                name="insights_one_open_flag",
            )
        ]

    def __str__(self) -> str:
        return f"{self.page_id}: {self.not_helpful_share}% of {self.votes}"


class SearchQuery(models.Model):
    """One search a visitor ran on the results page (not each keystroke, not page 2)."""

    query = models.CharField(max_length=200, db_index=True)  # normalised
    raw = models.CharField(max_length=200)
    language = models.CharField(max_length=16, blank=True)
    results = models.PositiveIntegerField()
    module = models.CharField(max_length=50, blank=True)
    session_hash = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.query


class SearchClick(models.Model):
    """A result a visitor opened from a logged search."""

    search = models.ForeignKey(SearchQuery, on_delete=models.CASCADE, related_name="clicks")
    url = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.search_id} → {self.url}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DISMISSED = "dismissed", _("Dismissed")


class MissingContentTask(models.Model):
    """A query visitors keep searching for and finding nothing: a hint that an article is
    missing. Listed for the knowledge base owners under Feedback → Missing articles."""

    query = models.CharField(_("query"), max_length=200, unique=True)
    times_seen = models.PositiveIntegerField(_("times seen"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("missing article")
        verbose_name_plural = _("missing articles")

    def __str__(self) -> str:
        return self.query


@register_setting(icon="help")
class InsightsSettings(BaseGenericSetting):
    """Settings → Feedback and search: when a page is flagged for review and when a repeated
    zero-result search becomes a missing-article task."""

    not_helpful_threshold = models.PositiveSmallIntegerField(
        _("not-helpful threshold (%)"),
        default=40,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Flag a page for review when at least this share of its votes say “No”."),
    )
    minimum_votes = models.PositiveSmallIntegerField(
        _("minimum votes before flagging"),
        default=5,
        validators=[MinValueValidator(1)],
    )
    zero_result_repeats = models.PositiveSmallIntegerField(
        _("zero-result searches before a missing-article task"),
        default=3,
        validators=[MinValueValidator(1)],
    )

    panels = [
        FieldPanel("not_helpful_threshold"),
        FieldPanel("minimum_votes"),
        FieldPanel("zero_result_repeats"),
    ]

    class Meta:
        verbose_name = _("Feedback and search")
