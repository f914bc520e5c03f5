"""The community forum: categories, topics, replies, and what keeps them tidy.

Shown at /forum/ on the portal host (modules.forum.views). Everything lives in the tenant's own
schema, so there is no tenant key: the schema is the boundary. Writes go through
modules.forum.services, reads that check access through modules.forum.selectors.

A topic is one portal search result: its replies' text is folded into it (`replies_text`), so a
question is found by words from its answers too.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

User = settings.AUTH_USER_MODEL


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in customers")
    GROUPS = "groups", _("Members of chosen groups")


class ModerationState(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Waiting for a moderator")
    REJECTED = "rejected", _("Rejected")


class ForumCategory(models.Model):
    """A board of the forum (e.g. "Billing questions"), listed on /forum/ in `position` order.

    Who may read it is `visibility`; who moderates it is the object permission
    "forum.moderate_category" (django-guardian), given per category in the admin, besides staff.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="forum_categories",
        verbose_name=_("groups"),
        help_text=_("Who may read the category when it is visible to chosen groups."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        permissions = [("moderate_category", _("Can moderate this forum category"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/forum/c/{self.slug}/"


class TopicKind(models.TextChoices):
    QUESTION = "question", _("Question")
    DISCUSSION = "discussion", _("Discussion")


class TopicQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Topics, with `.search()` like page querysets have."""


class Topic(index.Indexed, models.Model):
    """A question or a discussion in one category, with its opening post (`body`)."""

    category = models.ForeignKey(ForumCategory, on_delete=models.PROTECT, related_name="topics")
    # null once the author deleted their account: shown as "Deleted user"
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_topics"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=TopicKind.choices, default=TopicKind.QUESTION
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=True, blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown"))
    body_html = models.TextField(editable=False, default="")
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    closed = models.BooleanField(_("closed"), default=False)
    accepted_reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_topics"
    )
    state = models.CharField(
        max_length=16, choices=ModerationState.choices, default=ModerationState.APPROVED
    )
    moderation_reason = models.CharField(max_length=200, blank=True)
    score = models.IntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    objects = TopicQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("body"),
        index.SearchField("replies_text"),
        index.FilterField("id"),
        index.FilterField("category"),
        index.FilterField("state"),
        # "Ask once" (deflection_queryset) offers solved questions only
        index.FilterField("kind"),
        index.FilterField("accepted_reply"),
    ]

    class Meta:
        ordering = ["-pinned", "-last_activity_at"]
        indexes = [
            models.Index(fields=["category", "state", "last_activity_at"], name="forum_topic_list")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/forum/t/{self.pk}-{self.slug}/" if self.slug else f"/forum/t/{self.pk}/"

    @property
    def solved(self) -> bool:
        return self.kind == TopicKind.QUESTION and self.accepted_reply_id is not None

    @property
    def is_open(self) -> bool:
        return not (self.locked or self.closed or self.merged_into_id)

    def replies_text(self) -> str:
        """Approved replies' text, indexed with the topic (a question is found by its answers)."""
        bodies = self.replies.filter(state=ModerationState.APPROVED).values_list("body", flat=True)
        return "\n".join(bodies[:200])

    # The search contract (cms.search)
    def search_language(self) -> str:
        return settings.LANGUAGE_CODE

    def search_path(self) -> str:
        return ""

    @classmethod
    def search_queryset(cls, request):
        from modules import registry
        from modules.forum.selectors import topics_visible

        if not registry.is_enabled("forum", request):
            return cls.objects.none()
        user = getattr(request, "user", None)
        visible = topics_visible(user=user).filter(
            state=ModerationState.APPROVED, merged_into__isnull=True
        )
        return cls.objects.filter(pk__in=visible.values("pk"))

    @classmethod
    def deflection_queryset(cls, request):
        """What "Ask once" offers someone about to open a ticket: solved questions only."""
        return cls.search_queryset(request).filter(
            kind=TopicKind.QUESTION, accepted_reply__isnull=False
        )

    def search_result(self) -> dict:
        return {
            "title": self.title,
            "url": self.get_absolute_url(),
            "snippet": Truncator(strip_tags(self.body_html)).chars(240),
            "kind": str(_("Forum")),
        }


class Reply(models.Model):
    """An answer or comment in a topic, shown below the opening post, oldest first."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_replies"
    )
    body = models.TextField(_("reply"), help_text=_("Markdown"))
    body_html = models.TextField(editable=False, default="")
    state = models.CharField(
        max_length=16, choices=ModerationState.choices, default=ModerationState.APPROVED
    )
    moderation_reason = models.CharField(max_length=200, blank=True)
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = _("replies")
        indexes = [models.Index(fields=["topic", "state", "created_at"], name="forum_reply_list")]

    def __str__(self) -> str:
        return f"Reply {self.pk} to {self.topic_id}"

    def get_absolute_url(self) -> str:
        return f"{self.topic.get_absolute_url()}#reply-{self.pk}"


def _one_target(prefix: str):
    return models.CheckConstraint(
        condition=Q(topic__isnull=False, reply__isnull=True)
        | Q(topic__isnull=True, reply__isnull=False),
        name=f"{prefix}_one_target",
    )


class Vote(models.Model):
    """One customer's up-vote on a topic or a reply (withdrawn by deleting it). A post's
    `score` is the number of its votes, kept on the post so lists need not count."""

    # null once the voter deleted their account: the vote still counts in the post's score
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_votes"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            _one_target("forum_vote"),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="forum_vote_topic"
            ),
            models.UniqueConstraint(
                fields=["user", "reply"], condition=Q(reply__isnull=False), name="forum_vote_reply"
            ),
        ]

    def __str__(self) -> str:
        return f"Vote by {self.user_id} on {self.topic_id or self.reply_id}"


class Subscription(models.Model):
    """Someone following a topic or a whole category: replies (and, with the digest, new
    topics) reach them by email."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="forum_subscriptions")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    category = models.ForeignKey(
        ForumCategory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, category__isnull=True)
                | Q(topic__isnull=True, category__isnull=False),
                name="forum_subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="forum_sub_topic"
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="forum_sub_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.topic_id or self.category_id}"


class ModerationAction(models.Model):
    """Every moderator action, with who, what and why (shown in the admin; never edited)."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        SUSPEND = "suspend", _("Rejected and suspended the author")
        PIN = "pin", _("Pinned")
        UNPIN = "unpin", _("Unpinned")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        CLOSE = "close", _("Closed")
        REOPEN = "reopen", _("Reopened")
        MOVE = "move", _("Moved")
        MERGE = "merge", _("Merged")
        ACCEPT = "accept", _("Accepted an answer")
        EDIT = "edit", _("Edited another's post")
        RESOLVE_REPORT = "resolve_report", _("Resolved a report")

    moderator = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="forum_moderation_actions"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL)
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.SET_NULL)
    target_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} by {self.moderator_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Report(models.Model):
    """A customer's report of an abusive topic or reply, waiting in the moderation queue."""

    reporter = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="forum_reports"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [_one_target("forum_report")]

    def __str__(self) -> str:
        return f"Report {self.pk}: {self.reason[:40]}"


class Attachment(models.Model):
    """An image a customer attached to a post: re-encoded on upload, stored in the tenant's
    media folder, and linked from the post's Markdown."""

    uploader = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="forum_attachments"
    )
    image = models.ImageField(upload_to="forum/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name


class DigestState(models.Model):
    """When a customer's last daily digest was made (the next one lists what came after)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="forum_digest")
    last_sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Digest of {self.user_id} at {self.last_sent_at}"


@register_setting(icon="group")
class ForumSettings(BaseGenericSetting):
    """The tenant's forum rules: one row per portal, edited under Settings → Forum rules."""

    premoderate_first_posts = models.BooleanField(
        _("hold new customers' first posts for a moderator"), default=False
    )
    blocked_keywords = models.TextField(
        _("blocked keywords"),
        blank=True,
        help_text=_("One a line: posts containing one wait for a moderator."),
    )
    blocked_link_domains = models.TextField(
        _("blocked link domains"),
        blank=True,
        help_text=_("One a line: posts linking there wait for a moderator."),
    )
    hold_links_from_new_users = models.BooleanField(
        _("hold links from accounts younger than a day"), default=True
    )
    new_user_posts_per_hour = models.PositiveSmallIntegerField(
        _("posts per hour for accounts younger than a day"), default=5
    )

    class Meta:
        verbose_name = _("forum rules")
        verbose_name_plural = _("forum rules")

    def __str__(self) -> str:
        return str(_("Forum settings"))

    def keywords(self) -> list[str]:
        return [w.strip().lower() for w in self.blocked_keywords.splitlines() if w.strip()]

    def link_domains(self) -> list[str]:
        return [d.strip().lower() for d in self.blocked_link_domains.splitlines() if d.strip()]
