"""The ideas board: customers suggest what the company should build next and vote on it.

Shown at /ideas/ (the board, sorted by trending, top or new), /ideas/<id>-<slug>/ (one idea with
its status history, votes, followers and comments), /ideas/roadmap/ (planned, in progress, done)
and /ideas/changelog/ (what shipped, month by month). Staff move ideas through the statuses with
a public note each time; the people who voted or follow get an email.

Writes go through modules.ideas.services; reads that decide what a visitor sees through
modules.ideas.selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from cms.markdown import plain_text, render_markdown

SNIPPET_LENGTH = 240


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("idea status", "Open")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("idea status", "Done")
    DECLINED = "declined", _("Declined")


# Votes on ideas in these statuses no longer count against a customer's vote budget.
CLOSED_STATUSES = (Status.DONE, Status.DECLINED)
ROADMAP_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.DONE)


class IdeaCategory(models.Model):
    """A product area ideas are filed under (filter on the board, chosen when submitting)."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=250, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("idea category")
        verbose_name_plural = _("idea categories")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:80] or "category"
        super().save(*args, **kwargs)


class IdeaQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Ideas, with `.search()` like page querysets have."""


class Idea(index.Indexed, models.Model):
    """One suggestion on the board. `vote_count` is stored (written only by
    services.idea_recount), so the board sorts a thousand ideas with one query. A merged
    duplicate keeps its row (and address, which redirects to `merged_into`) but leaves every
    list and search."""

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=True, blank=True)
    body = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("author"),
    )
    category = models.ForeignKey(
        IdeaCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        verbose_name=_("category"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    language = models.CharField(max_length=16, default="en", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("body"),
        index.FilterField("merged_into"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        permissions = [("manage_ideas", _("Can change status, merge and vote on behalf"))]
        indexes = [
            models.Index(fields=["merged_into", "-vote_count"], name="ideas_board_top"),
            models.Index(fields=["merged_into", "-created_at"], name="ideas_board_new"),
            models.Index(fields=["status", "-shipped_at"], name="ideas_status_shipped"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:80].strip("-") or "idea"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def url(self) -> str:
        return self.get_absolute_url()

    @cached_property
    def body_html(self) -> str:
        """The description as sanitised HTML (cms.markdown)."""
        return render_markdown(self.body)

    @property
    def body_text(self) -> str:
        return plain_text(self.body)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    # The search contract (cms.search): ideas not merged away, while the module is on, indexed
    # in the language they were written in.
    def search_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    @classmethod
    def search_queryset(cls, request):
        from modules import registry

        if request is not None and not registry.is_enabled("ideas", request):
            return cls.objects.none()
        return cls.objects.filter(merged_into__isnull=True)

    def search_result(self) -> dict:
        return {
            "title": self.title,
            "url": self.url,
            "snippet": Truncator(self.body_text).chars(SNIPPET_LENGTH),
            "kind": str(_("Idea")),
        }


class IdeaVote(models.Model):
    """One customer's vote. Unique per idea and customer, so two clicks at once cannot count
    twice. A vote a staff member added for a customer (e.g. after a call) names them in
    `added_by`. A deleted account's votes stay counted with `user` emptied."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea_votes",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="ideas_one_vote_per_customer")
        ]
        indexes = [models.Index(fields=["idea", "created_at"], name="ideas_vote_recent")]

    def __str__(self) -> str:
        return f"vote {self.user_id} on {self.idea_id}"


class IdeaComment(models.Model):
    """A comment under an idea (Markdown, rendered like the idea's description)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea_comments",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return Truncator(self.body).chars(40)

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body)


class IdeaFollow(models.Model):
    """Someone who hears about the idea's status changes (authors and voters follow on their
    own; anyone signed in can follow or stop)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="ideas_one_follow_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.idea_id}"


class StatusChange(models.Model):
    """One move of an idea from one status to another, with the public note shown on the idea's
    page, on the changelog, and in the email to its voters and followers."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=16, choices=Status.choices)
    new_status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(_("public note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.old_status} → {self.new_status}"

    @cached_property
    def note_html(self) -> str:
        return render_markdown(self.note)


@register_setting(icon="pick")
class IdeasSettings(BaseGenericSetting):
    """How the tenant's ideas board works (Settings → Ideas)."""

    vote_budget = models.PositiveIntegerField(
        _("votes per customer"),
        default=0,
        help_text=_(
            "How many ideas one customer can vote for at a time; 0 means no limit. Votes on "
            "done or declined ideas are given back."
        ),
    )

    panels = [FieldPanel("vote_budget")]

    class Meta:
        verbose_name = _("Ideas")
