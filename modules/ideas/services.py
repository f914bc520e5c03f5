"""Writes of the ideas board. Each function does the write, its bookkeeping (denormalised vote
count, automatic follows, the status history) and its notifications, so nothing else can forget
them. Permission checks live here too: views and the API only translate the errors.

Errors: `django.core.exceptions.PermissionDenied` (not allowed), `IdeaError` (a ValidationError
with a message for the person: bad input, vote budget spent, ...).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.accounts import selectors as accounts_selectors
from modules.accounts.models import NotificationKind
from modules.accounts.notifications import notify_many, portal_url
from modules.accounts.services import ADMINISTRATORS, AGENTS
from modules.ideas.models import (
    CLOSED_STATUSES,
    Idea,
    IdeaCategory,
    IdeaComment,
    IdeaFollow,
    IdeasSettings,
    IdeaVote,
    Status,
    StatusChange,
)

TITLE_MAX = 160
BODY_MAX = 20_000
COMMENT_MAX = 5_000
NOTE_MAX = 5_000


class IdeaError(ValidationError):
    """Something the person asked for cannot be done (the message says why)."""


class VoteBudgetSpent(IdeaError):
    """The customer has no votes left (the API answers 409)."""


def can_manage(user) -> bool:
    """Staff who move ideas through statuses, merge them and vote on a customer's behalf."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.has_perm("ideas.manage_ideas") or user.has_perm("ideas.change_idea"))
    )


def _require_participant(user) -> None:
    if accounts_selectors.can_participate(user):
        return
    if user is not None and user.is_authenticated and user.is_active:
        raise PermissionDenied(_("Verify your email address to take part."))
    raise PermissionDenied(_("Sign in with a customer account to take part."))


def _require_manager(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("Only staff who manage ideas can do this."))


def _clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise IdeaError({field: _("This field is required.")})
    if len(value) > max_length:
        raise IdeaError({field: _("At most %(count)d characters, please.") % {"count": max_length}})
    return value


def _follow(idea: Idea, user) -> None:
    if user is not None:
        IdeaFollow.objects.get_or_create(idea=idea, user=user)


@transaction.atomic
def idea_create(
    *, author, title: str, body: str = "", category: IdeaCategory | None = None
) -> Idea:
    """Submit an idea. The author follows it (and hears when its status changes)."""
    _require_participant(author)
    title = _clean_text(title, field="title", max_length=TITLE_MAX)
    body = _clean_text(body, field="body", max_length=BODY_MAX, required=False)
    idea = Idea.objects.create(
        title=title,
        body=body,
        author=author,
        category=category,
        language=(translation.get_language() or settings.LANGUAGE_CODE)[:16],
    )
    _follow(idea, author)
    return idea


def votes_in_use(user) -> int:
    """How many of the customer's votes count against their budget: their own votes on ideas
    that are not done or declined, nor merged away (votes staff added for them do not count)."""
    return (
        IdeaVote.objects.filter(user=user, added_by__isnull=True, idea__merged_into__isnull=True)
        .exclude(idea__status__in=CLOSED_STATUSES)
        .count()
    )


def votes_left(user, *, budget: int | None = None) -> int | None:
    """Votes the customer may still give, or None without a budget (`budget`: the tenant's,
    when the caller has read it already)."""
    if budget is None:
        budget = IdeasSettings.load().vote_budget
    if not budget:
        return None
    return max(0, budget - votes_in_use(user))


def idea_recount(*, idea: Idea) -> int:
    """Count the idea's votes into `Idea.vote_count` (and onto `idea`): the one writer of that
    column. The row is locked first, so the count, a statement later, sees every vote committed
    by a transaction that held the lock before (two votes at once both count)."""
    list(Idea.objects.select_for_update(no_key=True).filter(pk=idea.pk).values("pk"))
    idea.vote_count = IdeaVote.objects.filter(idea_id=idea.pk).count()
    Idea.objects.filter(pk=idea.pk).update(vote_count=idea.vote_count)
    return idea.vote_count


def _add_vote(*, idea: Idea, user, added_by=None, note: str = "") -> IdeaVote | None:
    """Insert the vote and count it, or None when the customer had voted already. The unique
    constraint decides between two simultaneous clicks; a savepoint keeps the loser's
    transaction usable."""
    try:
        with transaction.atomic():
            vote = IdeaVote.objects.create(idea=idea, user=user, added_by=added_by, note=note)
    except IntegrityError:
        return None
    idea_recount(idea=idea)
    _follow(idea, user)
    return vote


def _votable(idea: Idea) -> None:
    if idea.merged_into_id is not None:
        raise IdeaError(_("This idea was merged into another one: vote there."))
    if idea.status in CLOSED_STATUSES:
        raise IdeaError(_("This idea is closed for voting."))


@transaction.atomic
def idea_vote(*, idea: Idea, user) -> IdeaVote:
    """The customer votes for the idea (once; a second vote is refused) and follows it."""
    _require_participant(user)
    _votable(idea)
    if IdeaVote.objects.filter(idea=idea, user=user).exists():
        raise IdeaError(_("You have already voted for this idea."))
    budget = IdeasSettings.load().vote_budget
    if budget:
        # Lock the voter, so that their votes are counted and added one request at a time: two
        # votes at once on two ideas would otherwise both see the last vote left.
        list(
            get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).values("pk")
        )
        if votes_in_use(user) >= budget:
            raise VoteBudgetSpent(
                _(
                    "You have used all %(budget)d of your votes. Withdraw a vote from another "
                    "idea to vote for this one."
                )
                % {"budget": budget},
                code="vote_budget_spent",
            )
    vote = _add_vote(idea=idea, user=user)
    if vote is None:
        raise IdeaError(_("You have already voted for this idea."))
    return vote


@transaction.atomic
def idea_unvote(*, idea: Idea, user) -> bool:
    """Withdraw the customer's vote; returns whether there was one. They keep following."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in with a customer account to take part."))
    if idea.status in CLOSED_STATUSES:
        raise IdeaError(_("This idea is closed for voting."))
    deleted, _rows = IdeaVote.objects.filter(idea=idea, user=user).delete()
    if deleted:
        idea_recount(idea=idea)
    return bool(deleted)


@transaction.atomic
def idea_vote_on_behalf(*, idea: Idea, customer_email: str, by, note: str = "") -> IdeaVote:
    """Staff record a customer's vote (told on a call, in a ticket): it counts like theirs,
    names who added it, and does not use the customer's budget. The customer is the active,
    non-staff account whose username is that address (customer accounts' rule)."""
    _require_manager(by)
    _votable(idea)
    note = _clean_text(note, field="note", max_length=500, required=False)
    customer = (
        get_user_model()
        .objects.filter(
            username=(customer_email or "").strip().lower(),
            is_active=True,
            is_staff=False,
            is_superuser=False,
        )
        .first()
    )
    if customer is None:
        raise IdeaError({"email": _("No customer has this email address.")})
    vote = _add_vote(idea=idea, user=customer, added_by=by, note=note)
    if vote is None:
        raise IdeaError(_("This customer has already voted for this idea."))
    return vote


@transaction.atomic
def idea_comment(*, idea: Idea, author, body: str) -> IdeaComment:
    _require_participant(author)
    if idea.merged_into_id is not None:
        raise IdeaError(_("This idea was merged into another one: comment there."))
    body = _clean_text(body, field="body", max_length=COMMENT_MAX)
    return IdeaComment.objects.create(idea=idea, author=author, body=body)


@transaction.atomic
def idea_follow(*, idea: Idea, user) -> IdeaFollow:
    _require_participant(user)
    follow, _created = IdeaFollow.objects.get_or_create(idea=idea, user=user)
    return follow


@transaction.atomic
def idea_unfollow(*, idea: Idea, user) -> bool:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in with a customer account to take part."))
    deleted, _rows = IdeaFollow.objects.filter(idea=idea, user=user).delete()
    return bool(deleted)


STATUS_SUBJECT = gettext_lazy("“%(title)s” is now %(status)s")


def _notify_status_change(change: StatusChange) -> int:
    """Queue the status email to everyone who voted for or follows the idea, once each, in their
    own language (but not to the staff member who made the change). Returns how many were
    queued now; the same change reported again queues nothing."""
    idea = change.idea
    audience = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk__in=IdeaVote.objects.filter(idea=idea).values("user_id"))
            | Q(pk__in=IdeaFollow.objects.filter(idea=idea).values("user_id"))
        )
        .annotate(voted=Exists(IdeaVote.objects.filter(idea=idea, user=OuterRef("pk"))))
        .select_related("customer_profile")
        .order_by("pk")
    )
    if change.by_id is not None:
        audience = audience.exclude(pk=change.by_id)
    rows = notify_many(
        recipients=audience,
        kind=NotificationKind.STATUS_CHANGES,
        subject=STATUS_SUBJECT,
        subject_params={"title": idea.title, "status": Status(change.new_status).label},
        template="ideas/email/status_change",
        context={
            "idea": idea,
            "change": change,
            "new_status": Status(change.new_status).label,
            "old_status": Status(change.old_status).label,
            "note_text": change.note,
            "url": portal_url(idea.get_absolute_url()),
        },
        dedupe_key=f"ideas-status:{change.pk}:{{user}}",
        per_recipient=lambda person: {"voted": person.voted},
    )
    return len(rows)


@transaction.atomic
def idea_set_status(*, idea: Idea, status: str, note: str = "", by) -> StatusChange:
    """Move the idea to `status` with a public note, keep the history, and email its voters
    and followers (once each, after commit). Done ideas get their shipping date."""
    _require_manager(by)
    if status not in Status.values:
        raise IdeaError({"status": _("Choose a valid status.")})
    if idea.merged_into_id is not None:
        raise IdeaError(_("This idea was merged into another one."))
    note = _clean_text(note, field="note", max_length=NOTE_MAX, required=False)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if status == idea.status and not note:
        raise IdeaError({"status": _("The idea already has this status.")})
    change = StatusChange.objects.create(
        idea=idea, old_status=idea.status, new_status=status, note=note, by=by
    )
    idea.status = status
    fields = ["status", "updated_at"]
    if status == Status.DONE and idea.shipped_at is None:
        idea.shipped_at = timezone.now()
        fields.append("shipped_at")
    elif status != Status.DONE and idea.shipped_at is not None:
        idea.shipped_at = None
        fields.append("shipped_at")
    idea.save(update_fields=fields)
    _notify_status_change(change)
    return change


@transaction.atomic
def idea_merge(*, duplicate: Idea, into: Idea, by) -> Idea:
    """Fold `duplicate` into `into`: its votes and followers move over (someone who voted for
    both keeps one vote), its comments stay where they were written, and its address redirects
    to `into`. Returns `into` with its new vote count."""
    _require_manager(by)
    if duplicate.pk == into.pk:
        raise IdeaError({"into": _("An idea cannot be merged into itself.")})
    # Lock both rows in a fixed order, so two merges at once cannot cross.
    locked = {
        idea.pk: idea
        for idea in Idea.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if duplicate.merged_into_id is not None:
        raise IdeaError(_("This idea was merged already."))
    if into.merged_into_id is not None:
        raise IdeaError({"into": _("That idea was itself merged into another one.")})

    already = IdeaVote.objects.filter(idea=into, user__isnull=False).values("user_id")
    IdeaVote.objects.filter(idea=duplicate, user__in=already).delete()
    IdeaVote.objects.filter(idea=duplicate).update(idea=into)
    following = IdeaFollow.objects.filter(idea=into).values("user_id")
    IdeaFollow.objects.filter(idea=duplicate, user__in=following).delete()
    IdeaFollow.objects.filter(idea=duplicate).update(idea=into)

    idea_recount(idea=into)
    idea_recount(idea=duplicate)
    duplicate.merged_into = into
    duplicate.save(update_fields=["merged_into", "updated_at"])
    for earlier in Idea.objects.filter(merged_into=duplicate):  # keep redirects one hop long
        earlier.merged_into = into
        earlier.save(update_fields=["merged_into"])
    return into


@transaction.atomic
def ideas_settings_update(*, vote_budget: int, by) -> IdeasSettings:
    _require_manager(by)
    if vote_budget < 0:
        raise IdeaError({"vote_budget": _("Zero or more, please.")})
    row = IdeasSettings.load()
    row.vote_budget = vote_budget
    row.save()
    return row


def category_create(*, name: str, slug: str = "", description: str = "") -> IdeaCategory:
    return IdeaCategory.objects.create(name=name, slug=slug, description=description)


# The ideas rights of customer accounts' staff roles on a new portal (the roles and their groups
# are accounts': modules.accounts.services.staff_roles_ensure).
ROLE_PERMISSIONS = {
    ADMINISTRATORS: [
        "manage_ideas",
        "add_ideacategory",
        "change_ideacategory",
        "delete_ideacategory",
        "view_ideacategory",
        "change_ideassettings",
    ],
    AGENTS: ["manage_ideas"],
}


def ideas_furnish(*, home=None) -> None:
    """A portal's staff roles get their ideas rights: administrators manage ideas, categories
    and the vote budget; agents (who talk to customers) manage ideas and vote on their behalf.
    A role accounts no longer has fails here, loudly, rather than making a stray group."""
    from django.contrib.auth.models import Permission

    from modules.accounts.services import staff_roles_ensure

    groups = staff_roles_ensure()
    for role, codenames in ROLE_PERMISSIONS.items():
        groups[role].permissions.add(
            *Permission.objects.filter(content_type__app_label="ideas", codename__in=codenames)
        )
