"""Every write of the forum: one function does the change, its audit record and its emails.

Rules that apply to every post: the author must be able to take part (accounts'
`can_participate`), accounts younger than a day are rate limited, and the tenant's filters
(first posts of new customers, blocked keywords and link domains, links from new accounts) send
a post to the moderation queue instead of publishing it. Emails go through the accounts outbox
(modules.accounts.notifications.notify): written in this transaction, sent once after commit.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Lower, NullIf, Replace, Trim
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms import ratelimit
from modules.accounts.models import NotificationKind, NotificationSetting
from modules.accounts.notifications import notify, notify_many, portal_url
from modules.accounts.selectors import display_name
from modules.forum import markdown
from modules.forum.models import (
    Attachment,
    DigestState,
    ForumCategory,
    ForumSettings,
    ModerationAction,
    ModerationState,
    Reply,
    Report,
    Subscription,
    Topic,
    TopicKind,
    Visibility,
    Vote,
)
from modules.forum.selectors import (
    can_accept,
    can_edit_reply,
    can_edit_topic,
    can_moderate,
    can_participate,
    categories_visible,
    category_readers,
)

NEW_ACCOUNT_AGE = timedelta(days=1)
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 4096 * 4096
TITLE_MAX = 200
BODY_MAX = 20000
REPORT_REASON_MAX = 1000
Action = ModerationAction.Action


# --- helpers -------------------------------------------------------------------------------------


def _require_participant(user) -> None:
    if not can_participate(user):
        raise PermissionDenied(_("Sign in with a verified customer account to take part."))


def _require_moderator(user, category: ForumCategory) -> None:
    if not can_moderate(user, category):
        raise PermissionDenied(_("Only moderators of this category can do that."))


def _is_new_account(user) -> bool:
    joined = getattr(user, "date_joined", None)
    return joined is not None and timezone.now() - joined < NEW_ACCOUNT_AGE


def _rate_limited(settings: ForumSettings) -> ValidationError:
    return ValidationError(
        _(
            "New accounts can post %(count)d times an hour. Please wait a little before "
            "posting again."
        )
        % {"count": settings.new_user_posts_per_hour},
        code="rate_limited",
    )


def _check_rate_limit(user, settings: ForumSettings) -> None:
    """Accounts younger than a day may post a few times an hour (spam waves come from new ones)."""
    if not _is_new_account(user) or can_moderate(user):
        return
    since = timezone.now() - timedelta(hours=1)
    posts = (
        Topic.objects.filter(author=user, created_at__gte=since).count()
        + Reply.objects.filter(author=user, created_at__gte=since).count()
    )
    if posts >= settings.new_user_posts_per_hour:
        raise _rate_limited(settings)


def _check_action_rate(user, settings: ForumSettings, scope: str) -> None:
    """Edits and reports of accounts younger than a day, as many an hour as posts: an edit
    could turn a harmless post into spam, and reports flood the moderators' queue."""
    if not _is_new_account(user) or can_moderate(user):
        return
    rate = f"{settings.new_user_posts_per_hour}/hour"
    allowed, _retry_after = ratelimit.hit(f"forum-{scope}", str(user.pk), rate)
    if not allowed:
        raise _rate_limited(settings)


_LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\]]+", re.IGNORECASE)


def _link_hosts(text: str) -> list[str]:
    hosts = []
    for link in _LINK.findall(text or ""):
        url = link if "://" in link else f"http://{link}"
        hosts.append((urlsplit(url).hostname or "").lower())
    return hosts


def _held_for(user, text: str, settings: ForumSettings) -> str:
    """Why a post waits for a moderator ("" when it is published at once)."""
    if can_moderate(user):
        return ""
    lowered = (text or "").lower()
    for word in settings.keywords():
        if word in lowered:
            return "keyword"
    hosts = _link_hosts(text)
    for host in hosts:
        for domain in settings.link_domains():
            if host == domain or host.endswith("." + domain):
                return "link"
    if hosts and settings.hold_links_from_new_users and _is_new_account(user):
        return "new_user_link"
    if settings.premoderate_first_posts:
        has_approved = (
            Topic.objects.filter(author=user, state=ModerationState.APPROVED).exists()
            or Reply.objects.filter(author=user, state=ModerationState.APPROVED).exists()
        )
        if not has_approved:
            return "first_post"
    return ""


def _clean_text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    return value


def _handle(name: str) -> str:
    """How a public name is @mentioned: without spaces, lowercased ("Ann Lee" → @annlee)."""
    return "".join(name.split()).lower()


def _mentioned_users(text: str, *, category: ForumCategory) -> dict:
    """handle → user for the @handles in `text` that name exactly one person who has posted in
    the category, by the name shown beside their posts. Never by email address or username:
    a mention must not tell anyone whether an address has an account, or whose it is."""
    handles = markdown.mentioned_handles(text)
    if not handles:
        return {}
    profile_name = NullIf(Trim("customer_profile__display_name"), Value(""))
    full_name = NullIf(Trim(Concat("first_name", Value(" "), "last_name")), Value(""))
    local_part = Func(
        F("email"), Value("@"), Value(1), function="split_part", output_field=CharField()
    )
    posters = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Exists(
                Topic.objects.filter(
                    author=OuterRef("pk"), category=category, state=ModerationState.APPROVED
                )
            )
            | Exists(
                Reply.objects.filter(
                    author=OuterRef("pk"),
                    topic__category=category,
                    state=ModerationState.APPROVED,
                )
            )
        )
        .annotate(
            handle=Lower(
                Replace(Coalesce(profile_name, full_name, local_part), Value(" "), Value(""))
            )
        )
        .filter(handle__in=handles)
        .select_related("customer_profile")
    )
    found: dict[str, list] = {}
    for user in posters[:100]:
        handle = _handle(display_name(user))  # the name as shown is the one that counts
        profile = getattr(user, "customer_profile", None)
        if handle in handles and getattr(profile, "deleted_at", None) is None:
            found.setdefault(handle, []).append(user)
    return {handle: users[0] for handle, users in found.items() if len(users) == 1}


def _render(text: str, *, category: ForumCategory) -> tuple[str, dict]:
    mentioned = _mentioned_users(text, category=category)
    html = markdown.render(
        text, mentions={handle: display_name(user) for handle, user in mentioned.items()}
    )
    return html, mentioned


def _unique_constraint(exc: IntegrityError) -> bool:
    return "unique" in str(exc).lower() or "duplicate" in str(exc).lower()


# --- categories ----------------------------------------------------------------------------------


def category_create(
    *,
    name: str,
    slug: str = "",
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    groups=(),
    position: int = 0,
) -> ForumCategory:
    category = ForumCategory.objects.create(
        name=name,
        slug=slug or slugify(name, allow_unicode=True)[:120] or uuid.uuid4().hex[:8],
        description=description,
        visibility=visibility,
        position=position,
    )
    if groups:
        category.groups.set(groups)
    return category


def category_moderator_add(*, category: ForumCategory, user) -> None:
    """Give `user` the moderation of one category (django-guardian object permission)."""
    from guardian.shortcuts import assign_perm

    assign_perm("forum.moderate_category", user, category)


# --- posting -------------------------------------------------------------------------------------


def attachment_create(*, uploader, file) -> Attachment:
    """Check an uploaded image and store it re-encoded (PNG, or JPEG for photos), which drops
    metadata and anything hidden after the image data. Raises ValidationError."""
    from PIL import Image, UnidentifiedImageError

    _require_participant(uploader)
    if file.size > MAX_IMAGE_BYTES:
        raise ValidationError({"image": _("Images can be at most 5 MB.")})
    try:
        with Image.open(file) as probe:
            if probe.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                raise ValidationError({"image": _("Use a PNG, JPEG, GIF or WebP image.")})
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError({"image": _("The image is too large.")})
            probe.verify()
        file.seek(0)
        with Image.open(file) as source:
            source.load()
            photo = source.format == "JPEG"
            image = source.convert("RGB" if photo else "RGBA")
            image.thumbnail((2000, 2000))
            out = io.BytesIO()
            if photo:
                image.save(out, "JPEG", quality=85, optimize=True)
            else:
                image.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"image": _("This file is not an image we can read.")}) from None
    extension = "jpg" if photo else "png"
    attachment = Attachment(uploader=uploader, width=image.width, height=image.height)
    attachment.image.save(
        f"{uuid.uuid4().hex}.{extension}", ContentFile(out.getvalue()), save=False
    )
    attachment.save()
    return attachment


def _with_images(body: str, images) -> str:
    lines = [f"![{_('image')}]({image.image.url})" for image in images]
    return body + ("\n\n" + "\n\n".join(lines) if lines else "")


@transaction.atomic
def topic_create(
    *,
    author,
    category: ForumCategory,
    title: str,
    body: str,
    kind: str = TopicKind.QUESTION,
    images=(),
) -> Topic:
    """Open a topic (the author follows it). Raises PermissionDenied or ValidationError."""
    _require_participant(author)
    if not categories_visible(author).filter(pk=category.pk).exists():
        raise PermissionDenied(_("You cannot post in this category."))
    if kind not in TopicKind.values:
        raise ValidationError({"kind": _("Choose question or discussion.")})
    title = _clean_text(title, field="title", limit=TITLE_MAX)
    body = _clean_text(body, field="body", limit=BODY_MAX)
    settings = ForumSettings.load()
    _check_rate_limit(author, settings)
    images = [attachment_create(uploader=author, file=f) for f in images]
    body = _with_images(body, images)
    held = _held_for(author, f"{title}\n{body}", settings)
    html, mentioned = _render(body, category=category)
    now = timezone.now()
    topic = Topic.objects.create(
        category=category,
        author=author,
        kind=kind,
        title=title,
        slug=slugify(title, allow_unicode=True)[:80],
        body=body,
        body_html=html,
        state=ModerationState.PENDING if held else ModerationState.APPROVED,
        moderation_reason=held,
        created_at=now,
        last_activity_at=now,
    )
    Attachment.objects.filter(pk__in=[image.pk for image in images]).update(topic=topic)
    Subscription.objects.get_or_create(user=author, topic=topic)
    if not held:
        _notify_mentions(topic=topic, reply=None, mentioned=mentioned)
    return topic


@transaction.atomic
def reply_create(*, author, topic: Topic, body: str, images=()) -> Reply:
    """Answer in a topic (the author then follows it); followers are told by email."""
    _require_participant(author)
    topic = Topic.objects.select_for_update().select_related("category").get(pk=topic.pk)
    if not categories_visible(author).filter(pk=topic.category_id).exists():
        raise PermissionDenied(_("You cannot post in this category."))
    if topic.state != ModerationState.APPROVED and not can_moderate(author, topic.category):
        raise PermissionDenied(_("This topic is waiting for a moderator."))
    if not topic.is_open and not can_moderate(author, topic.category):
        raise PermissionDenied(_("This topic is closed to new replies."))
    body = _clean_text(body, field="body", limit=BODY_MAX)
    settings = ForumSettings.load()
    _check_rate_limit(author, settings)
    images = [attachment_create(uploader=author, file=f) for f in images]
    body = _with_images(body, images)
    held = _held_for(author, body, settings)
    html, mentioned = _render(body, category=topic.category)
    reply = Reply.objects.create(
        topic=topic,
        author=author,
        body=body,
        body_html=html,
        state=ModerationState.PENDING if held else ModerationState.APPROVED,
        moderation_reason=held,
    )
    Attachment.objects.filter(pk__in=[image.pk for image in images]).update(reply=reply)
    Subscription.objects.get_or_create(user=author, topic=topic)
    if not held:
        _publish_reply(reply, mentioned)
    return reply


def _publish_reply(reply: Reply, mentioned: dict | None = None) -> None:
    topic = reply.topic
    _recount(topic)
    if mentioned is None:
        mentioned = _mentioned_users(reply.body, category=topic.category)
    notified = _notify_mentions(topic=topic, reply=reply, mentioned=mentioned)
    _notify_followers(reply, skip=notified)


def _reindex(topic: Topic) -> None:
    from wagtail.search.index import insert_or_update_object

    transaction.on_commit(lambda: insert_or_update_object(topic))


def _recount(topic: Topic) -> None:
    """The topic's reply count and last activity, counted again from its approved replies in
    one UPDATE (called whenever a reply enters or leaves "approved", so they cannot drift), and
    its search entry (its replies' text is indexed with it)."""
    approved = Reply.objects.filter(topic=OuterRef("pk"), state=ModerationState.APPROVED)
    count = approved.order_by().values("topic").annotate(n=Count("pk")).values("n")
    latest = approved.order_by("-created_at").values("created_at")[:1]
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        # GREATEST skips NULL: a topic without approved replies was last active when opened
        last_activity_at=Greatest("created_at", Subquery(latest)),
    )
    _reindex(topic)


def _left_approved(reply: Reply) -> None:
    """A reply that was published is not any more: it stops being the accepted answer, and
    the topic's counters and search entry follow."""
    Topic.objects.filter(pk=reply.topic_id, accepted_reply=reply).update(accepted_reply=None)
    _recount(reply.topic)


def _edit_held_for(user, text: str, category: ForumCategory) -> str:
    """An edit by someone who does not moderate the category passes the same rate limit and
    filters as a new post (else a harmless post could turn into spam by editing it)."""
    if can_moderate(user, category):
        return ""
    settings = ForumSettings.load()
    _check_action_rate(user, settings, "edit")
    return _held_for(user, text, settings)


@transaction.atomic
def topic_edit(*, user, topic: Topic, title: str, body: str) -> Topic:
    """Change a topic's title and opening post. A non-moderator's edit that trips the filters
    sends the topic back to the moderation queue. Only the edited columns are written, so a
    vote or a reply counted meanwhile is kept."""
    if not can_edit_topic(user, topic):
        raise PermissionDenied(_("You cannot edit this topic."))
    title = _clean_text(title, field="title", limit=TITLE_MAX)
    body = _clean_text(body, field="body", limit=BODY_MAX)
    held = _edit_held_for(user, f"{title}\n{body}", topic.category)
    topic.title, topic.body = title, body
    topic.body_html, _mentioned = _render(body, category=topic.category)
    topic.edited_at = timezone.now()
    fields = ["title", "body", "body_html", "edited_at"]
    if held:
        topic.state = ModerationState.PENDING
        topic.moderation_reason = held
        fields += ["state", "moderation_reason"]
    topic.save(update_fields=fields)  # the search index follows the save
    if topic.author_id != user.pk:
        _record(user, Action.EDIT, topic=topic)
    return topic


@transaction.atomic
def reply_edit(*, user, reply: Reply, body: str) -> Reply:
    """Authors edit their own replies; a customer can never edit someone else's. A
    non-moderator's edit that trips the filters sends the reply back to the moderation queue
    (it leaves the topic's count and stops being its accepted answer)."""
    if not can_edit_reply(user, reply):
        raise PermissionDenied(_("You cannot edit this reply."))
    body = _clean_text(body, field="body", limit=BODY_MAX)
    held = _edit_held_for(user, body, reply.topic.category)
    was_approved = reply.state == ModerationState.APPROVED
    reply.body = body
    reply.body_html, _mentioned = _render(body, category=reply.topic.category)
    reply.edited_at = timezone.now()
    fields = ["body", "body_html", "edited_at"]
    if held:
        reply.state = ModerationState.PENDING
        reply.moderation_reason = held
        fields += ["state", "moderation_reason"]
    reply.save(update_fields=fields)
    if reply.author_id != user.pk:
        _record(user, Action.EDIT, topic=reply.topic, reply=reply)
    if held and was_approved:
        _left_approved(reply)
    else:
        _reindex(reply.topic)  # its replies' text is indexed with the topic
    return reply


# --- votes, answers, subscriptions ---------------------------------------------------------------


def _vote(*, user, topic: Topic | None, reply: Reply | None, up: bool) -> bool:
    _require_participant(user)
    target, _topic = _target(topic, reply)
    model: type[Topic] | type[Reply] = Topic if topic is not None else Reply
    author_id = target.author_id
    if up and author_id == user.pk:
        raise ValidationError(_("You cannot vote for your own post."), code="own_post")
    with transaction.atomic():
        if up:
            try:
                with transaction.atomic():
                    Vote.objects.create(user=user, topic=topic, reply=reply)
            except IntegrityError as exc:
                if _unique_constraint(exc):
                    return False  # already voted: one vote per person
                raise
            model.objects.filter(pk=target.pk).update(score=F("score") + 1)
            return True
        deleted, _rows = Vote.objects.filter(user=user, topic=topic, reply=reply).delete()
        if deleted:
            model.objects.filter(pk=target.pk).update(score=F("score") - 1)
        return bool(deleted)


def topic_vote(*, user, topic: Topic, up: bool = True) -> bool:
    """Vote for a topic (`up`), or withdraw the vote. Returns whether anything changed: a
    second vote by the same person counts nothing."""
    return _vote(user=user, topic=topic, reply=None, up=up)


def reply_vote(*, user, reply: Reply, up: bool = True) -> bool:
    return _vote(user=user, topic=None, reply=reply, up=up)


@transaction.atomic
def reply_accept(*, user, reply: Reply, accept: bool = True) -> Topic:
    """Mark `reply` as the answer of its question (the asker, staff or a moderator)."""
    topic = Topic.objects.select_for_update().select_related("category").get(pk=reply.topic_id)
    if topic.kind != TopicKind.QUESTION:
        raise ValidationError(_("Only questions have an accepted answer."), code="not_question")
    if not can_accept(user, topic):
        raise PermissionDenied(_("Only the person who asked, or a moderator, can accept."))
    if reply.state != ModerationState.APPROVED or reply.topic_id != topic.pk:
        raise ValidationError(_("This reply cannot be accepted."), code="not_acceptable")
    topic.accepted_reply = reply if accept else None
    topic.save(update_fields=["accepted_reply"])
    if topic.author_id != user.pk:
        _record(user, Action.ACCEPT, topic=topic, reply=reply)
    return topic


def subscription_set(*, user, on: bool, topic: Topic | None = None, category=None) -> bool:
    """Follow (on) or stop following a topic or a category. Returns whether it changed."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to follow topics."))
    if (topic is None) == (category is None):
        raise ValueError("Give a topic or a category.")
    if on:
        _subscription, created = Subscription.objects.get_or_create(
            user=user, topic=topic, category=category
        )
        return created
    deleted, _rows = Subscription.objects.filter(user=user, topic=topic, category=category).delete()
    return bool(deleted)


# --- moderation ----------------------------------------------------------------------------------


def _record(moderator, action: str, *, topic=None, reply=None, target_user=None, reason=""):
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        topic=topic,
        reply=reply,
        target_user=target_user,
        reason=(reason or "")[:2000],
    )


def _flag(*, moderator, topic: Topic, field: str, value: bool, on: str, off: str) -> Topic:
    _require_moderator(moderator, topic.category)
    setattr(topic, field, value)
    topic.save(update_fields=[field])
    _record(moderator, on if value else off, topic=topic)
    return topic


@transaction.atomic
def topic_pin(*, moderator, topic: Topic, pinned: bool = True) -> Topic:
    return _flag(
        moderator=moderator,
        topic=topic,
        field="pinned",
        value=pinned,
        on=Action.PIN,
        off=Action.UNPIN,
    )


@transaction.atomic
def topic_lock(*, moderator, topic: Topic, locked: bool = True) -> Topic:
    return _flag(
        moderator=moderator,
        topic=topic,
        field="locked",
        value=locked,
        on=Action.LOCK,
        off=Action.UNLOCK,
    )


@transaction.atomic
def topic_close(*, moderator, topic: Topic, closed: bool = True) -> Topic:
    return _flag(
        moderator=moderator,
        topic=topic,
        field="closed",
        value=closed,
        on=Action.CLOSE,
        off=Action.REOPEN,
    )


@transaction.atomic
def topic_move(*, moderator, topic: Topic, category: ForumCategory, reason: str = "") -> Topic:
    """Move a topic to another category (the moderator must moderate both)."""
    _require_moderator(moderator, topic.category)
    _require_moderator(moderator, category)
    before = topic.category.name
    topic.category = category
    topic.save(update_fields=["category"])
    _record(moderator, Action.MOVE, topic=topic, reason=reason or f"{before} → {category.name}")
    return topic


@transaction.atomic
def topic_merge(*, moderator, topic: Topic, into: Topic, reason: str = "") -> Topic:
    """Fold `topic` into `into`: its replies (and its opening post, as a reply) move over,
    its followers follow `into`, and `topic` closes with a pointer to where it went."""
    if topic.pk == into.pk:
        raise ValidationError(_("A topic cannot be merged into itself."), code="same_topic")
    _require_moderator(moderator, topic.category)
    _require_moderator(moderator, into.category)
    Reply.objects.create(  # its opening post, as a reply
        topic=into,
        author=topic.author,
        body=topic.body,
        body_html=topic.body_html,
        state=topic.state,
        created_at=topic.created_at,
    )
    moved = topic.replies.update(topic=into)
    # votes carry over, one per person: a vote for both topics, or by `into`'s author for
    # their own topic, is dropped; votes of deleted accounts (no user) all carry over
    dropped = Q(user__in=Vote.objects.filter(topic=into, user__isnull=False).values("user"))
    if into.author_id is not None:
        dropped |= Q(user_id=into.author_id)
    Vote.objects.filter(dropped, topic=topic).delete()
    Vote.objects.filter(topic=topic).update(topic=into)
    Topic.objects.filter(pk=into.pk).update(score=Vote.objects.filter(topic=into).count())
    for sub in Subscription.objects.filter(topic=topic):
        Subscription.objects.get_or_create(user_id=sub.user_id, topic=into)
    _recount(into)
    topic.merged_into = into
    topic.closed = True
    topic.accepted_reply = None
    topic.reply_count = 0
    topic.score = 0
    topic.save(update_fields=["merged_into", "closed", "accepted_reply", "reply_count", "score"])
    _record(moderator, Action.MERGE, topic=topic, reason=reason or f"→ {into.pk} ({moved})")
    into.refresh_from_db()
    return into


def report_create(*, reporter, reason: str, topic: Topic | None = None, reply=None) -> Report:
    """Report a post as abusive; it waits in the moderation queue (one open report each;
    accounts younger than a day report as often as they may post)."""
    _require_participant(reporter)
    reason = _clean_text(reason, field="reason", limit=REPORT_REASON_MAX)
    if (topic is None) == (reply is None):
        raise ValueError("Give a topic or a reply.")
    existing = Report.objects.filter(
        reporter=reporter, topic=topic, reply=reply, resolved=False
    ).first()
    if existing is not None:
        return existing
    _check_action_rate(reporter, ForumSettings.load(), "report")
    return Report.objects.create(reporter=reporter, topic=topic, reply=reply, reason=reason)


@transaction.atomic
def report_resolve(*, moderator, report: Report, reason: str = "") -> Report:
    _post, parent = _target(report.topic, report.reply)
    _require_moderator(moderator, parent.category)
    report.resolved = True
    report.resolved_by = moderator
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolved", "resolved_by", "resolved_at"])
    _record(
        moderator,
        Action.RESOLVE_REPORT,
        topic=parent,
        reply=report.reply,
        reason=reason,
    )
    return report


def _target(topic: Topic | None, reply: Reply | None) -> tuple[Topic | Reply, Topic]:
    """(the post, its topic) for a call given a topic or a reply."""
    if topic is not None and reply is None:
        return topic, topic
    if reply is not None and topic is None:
        return reply, reply.topic
    raise ValueError("Give a topic or a reply.")


@transaction.atomic
def moderation_approve(*, moderator, topic: Topic | None = None, reply: Reply | None = None):
    """Publish a post that waited in the queue; its mentions and followers are told now."""
    post, parent = _target(topic, reply)
    _require_moderator(moderator, parent.category)
    was_approved = post.state == ModerationState.APPROVED
    post.state = ModerationState.APPROVED
    post.save(update_fields=["state"])  # a topic's search entry follows the save
    _record(moderator, Action.APPROVE, topic=parent, reply=reply)
    if not was_approved:  # waiting, or rejected before: it enters the thread now
        if reply is not None:
            _publish_reply(reply)
        else:
            _notify_mentions(
                topic=parent,
                reply=None,
                mentioned=_mentioned_users(parent.body, category=parent.category),
            )
    return post


def _reject(moderator, topic, reply, reason: str, action: str):
    post, parent = _target(topic, reply)
    _require_moderator(moderator, parent.category)
    was_approved = post.state == ModerationState.APPROVED
    post.state = ModerationState.REJECTED
    post.moderation_reason = (reason or "")[:200]
    post.save(update_fields=["state", "moderation_reason"])
    if reply is not None and was_approved:
        _left_approved(reply)
    Report.objects.filter(topic=topic, reply=reply, resolved=False).update(
        resolved=True, resolved_by=moderator, resolved_at=timezone.now()
    )
    return post, _record(
        moderator,
        action,
        topic=parent,
        reply=reply,
        target_user=post.author,
        reason=reason,
    )


@transaction.atomic
def moderation_reject(*, moderator, topic=None, reply=None, reason: str = ""):
    post, _action = _reject(moderator, topic, reply, reason, Action.REJECT)
    return post


@transaction.atomic
def moderation_reject_and_suspend(*, moderator, topic=None, reply=None, reason: str = ""):
    """Reject the post and suspend its author (their account is switched off; staff cannot be
    suspended this way)."""
    post, _action = _reject(moderator, topic, reply, reason, Action.SUSPEND)
    author = post.author
    if author is not None and not (author.is_staff or author.is_superuser):
        author.is_active = False
        author.save(update_fields=["is_active"])
    return post


# --- notifications -------------------------------------------------------------------------------


def _notify_mentions(*, topic: Topic, reply: Reply | None, mentioned: dict) -> set[int]:
    """Tell each person @mentioned in a published post who may read it (once per post).
    Returns their ids."""
    post = reply or topic
    ids = {user.pk for user in mentioned.values()} - {post.author_id}
    if not ids:
        return set()
    label = "reply" if reply is not None else "topic"
    author_name = display_name(post.author)
    rows = notify_many(
        recipients=category_readers(topic.category)
        .filter(pk__in=ids)
        .select_related("customer_profile"),
        kind=NotificationKind.MENTIONS,
        subject=gettext_lazy("%(name)s mentioned you in “%(title)s”"),
        subject_params={"name": author_name, "title": topic.title},
        template="forum/email/mention",
        context={
            "author_name": author_name,
            "topic": topic,
            "excerpt": post.body[:500],
            "url": portal_url(reply.get_absolute_url() if reply else topic.get_absolute_url()),
        },
        dedupe_key=f"forum-mention:{label}:{post.pk}:{{user}}",
    )
    return {row.recipient_id for row in rows if row.recipient_id is not None}


def _notify_followers(reply: Reply, *, skip: set[int]) -> None:
    """Tell the topic's followers who may read it about a published reply (not its author,
    once each): a handful of queries however many follow."""
    topic = reply.topic
    followers = (
        category_readers(topic.category)
        .filter(forum_subscriptions__topic=topic)
        .exclude(pk__in={*skip, reply.author_id or 0})
        .select_related("customer_profile")
    )
    notify_many(
        recipients=followers,
        kind=NotificationKind.REPLIES,
        subject=gettext_lazy("New reply in “%(title)s”"),
        subject_params={"title": topic.title},
        template="forum/email/reply",
        context={
            "author_name": display_name(reply.author),
            "topic": topic,
            "excerpt": reply.body[:500],
            "url": portal_url(reply.get_absolute_url()),
        },
        dedupe_key=f"forum-reply:{reply.pk}:{{user}}",
    )


def digest_send(*, now=None) -> int:
    """The daily digest: to each customer following something (who asked for digests), the new
    topics in their followed categories and new replies in their followed topics since their
    last digest. At most one a day each (the outbox key is the day). Returns how many queued."""
    now = now or timezone.now()
    day = now.date().isoformat()
    due = now - timedelta(hours=23)
    portal = portal_url("")  # once: the portal's address costs a query
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Exists(Subscription.objects.filter(user=OuterRef("pk"))))
        .filter(
            Exists(
                NotificationSetting.objects.filter(
                    user=OuterRef("pk"), kind=NotificationKind.DIGESTS, email=True
                )
            )
        )
        .exclude(Exists(DigestState.objects.filter(user=OuterRef("pk"), last_sent_at__gt=due)))
        .select_related("customer_profile")
    )
    queued = 0
    for user in users:
        with transaction.atomic():
            state, _created = DigestState.objects.select_for_update().get_or_create(
                user=user, defaults={"last_sent_at": now - timedelta(days=1)}
            )
            since = state.last_sent_at
            if since > due:  # another run got there first
                continue
            visible = categories_visible(user).values("pk")
            subs = Subscription.objects.filter(user=user)
            category_ids = subs.filter(category__isnull=False).values("category_id")
            topic_ids = subs.filter(topic__isnull=False).values("topic_id")
            topics = list(
                Topic.objects.filter(
                    category_id__in=category_ids,
                    category__in=visible,
                    state=ModerationState.APPROVED,
                    created_at__gt=since,
                    created_at__lte=now,
                )
                .exclude(author=user)
                .order_by("created_at")[:50]
            )
            replies = list(
                Reply.objects.filter(
                    topic_id__in=topic_ids,
                    topic__category__in=visible,
                    state=ModerationState.APPROVED,
                    created_at__gt=since,
                    created_at__lte=now,
                )
                .exclude(author=user)
                .select_related("topic", "author__customer_profile")
                .order_by("created_at")[:100]
            )
            state.last_sent_at = now
            state.save(update_fields=["last_sent_at"])
            if not topics and not replies:
                continue
            row = notify(
                recipient=user,
                kind=NotificationKind.DIGESTS,
                subject=gettext_lazy("Your daily forum digest"),
                template="forum/email/digest",
                context={
                    "topics": [(t.title, portal + t.get_absolute_url()) for t in topics],
                    "replies": [
                        (r.topic.title, display_name(r.author), portal + r.get_absolute_url())
                        for r in replies
                    ],
                    "forum_url": portal + "/forum/",
                },
                dedupe_key=f"forum-digest:{day}:{user.pk}",
            )
            queued += row is not None
    return queued


# --- accounts hooks ------------------------------------------------------------------------------


def anonymise_user(*, user) -> None:
    """Before an account is deleted: posts stay in their threads as "Deleted user", votes stay
    counted (kept without the person), subscriptions, reports made and digests go."""
    Topic.objects.filter(author=user).update(author=None)
    Reply.objects.filter(author=user).update(author=None)
    Attachment.objects.filter(uploader=user).update(uploader=None)
    Subscription.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).update(reporter=None)
    DigestState.objects.filter(user=user).delete()
    # the votes stay, without the person: every score still equals its posts' vote rows
    Vote.objects.filter(user=user).update(user=None)
