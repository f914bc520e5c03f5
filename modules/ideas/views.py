"""Portal pages of the ideas board (mounted at /ideas/, namespace "ideas": they answer 404 while
the module is switched off). Server-rendered and usable without JavaScript: every action is a
form that posts and comes back to the page it was on.

Views parse input, call a selector or service, and shape the answer; permission checks are in
the services (modules.ideas.services), so the pages and the API cannot drift apart.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST
from rest_framework.settings import api_settings

from cms.ratelimit import client_ip, hit
from modules.accounts.selectors import can_participate
from modules.ideas import selectors, services
from modules.ideas.forms import CommentForm, IdeaForm, MergeForm, StatusForm, VoteOnBehalfForm
from modules.ideas.models import Idea, IdeasSettings, Status
from modules.ideas.services import IdeaError

PER_PAGE = 20
LOGIN_URL = "/account/login/"


def login_url(next_path: str) -> str:
    return f"{LOGIN_URL}?{urlencode({'next': next_path})}"


def _back(request, idea: Idea | None = None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return idea.get_absolute_url() if idea is not None else "/ideas/"


TOO_FAST = gettext_lazy("Too many actions in a short time. Try again in a minute.")


def _write_allowed(request) -> bool:
    """Count one write (an idea, a vote, a follow, a comment) of this person on the pages, at
    the rate the API allows them ("ideas_write")."""
    rate = api_settings.DEFAULT_THROTTLE_RATES["ideas_write"]
    return hit("ideas-write", str(request.user.pk), rate)[0]


def _error_text(error: IdeaError) -> str:
    return " ".join(error.messages)


def _base_context(request, **extra) -> dict:
    user = request.user
    return {
        # a callable: templates that never ask cost no query for it
        "can_participate": lambda: can_participate(user),
        "statuses": Status.choices,
        "login_url": login_url(request.get_full_path()),
        **extra,
    }


@require_GET
def board(request):
    sort = request.GET.get("sort") or "trending"
    if sort not in selectors.SORTS:
        sort = "trending"
    status = request.GET.get("status") or ""
    if status not in Status.values:
        status = ""
    category = request.GET.get("category") or ""
    queryset = selectors.board(user=request.user, sort=sort, status=status, category=category)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    filters = {
        key: value
        for key, value in (("sort", sort), ("status", status), ("category", category))
        if value
    }
    budget = None
    if request.user.is_authenticated:
        budget = IdeasSettings.load(request_or_site=request).vote_budget or None
    return render(
        request,
        "ideas/board.html",
        _base_context(
            request,
            tab="board",
            page=page,
            sort=sort,
            status=status,
            category=category,
            categories=list(selectors.categories()),
            sorts=[
                ("trending", _("Trending")),
                ("top", _("Top")),
                ("new", pgettext("ideas sort", "New")),
            ],
            query_base=urlencode(filters),
            vote_budget=budget,
            votes_left=services.votes_left(request.user, budget=budget) if budget else None,
        ),
    )


def new(request):
    if not request.user.is_authenticated:
        return redirect(login_url(request.get_full_path()))
    if not can_participate(request.user):
        return render(request, "ideas/cannot_participate.html", _base_context(request), status=403)
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and not _write_allowed(request):
        form.is_valid()
        form.add_error(None, TOO_FAST)
        return render(request, "ideas/new.html", _base_context(request, form=form), status=429)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_create(
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data["category"],
            )
        except IdeaError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you! Your idea is on the board."))
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "ideas/new.html",
        _base_context(request, form=form),
        status=400 if form.errors else 200,
    )


def _add_errors(form, error: IdeaError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


SIMILAR_RATE = "60/minute"


class _InertJSONEncoder(DjangoJSONEncoder):
    """JSON whose strings carry no raw <, > or &: customers' titles stay text even for a client
    that would read the answer as HTML."""

    def encode(self, o):
        text = super().encode(o)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@require_GET
def similar(request):
    """Ideas like the title being typed (JSON, for the submit form): the best five of the board's
    ideas, the last word matched as a prefix. Anyone may ask, so it is limited per address."""
    from cms.search import portal_search

    query = (request.GET.get("q") or "").strip()[:200]
    allowed, retry_after = hit("ideas-similar", client_ip(request), SIMILAR_RATE)
    if not allowed:
        response = JsonResponse({"query": query, "results": []}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    results = []
    if len(query) >= 3:
        found = portal_search(query, request, module="ideas", autocomplete=True, limit=5)
        for result in found.hits[:5]:
            idea = result.obj
            results.append(
                {
                    "id": idea.pk,
                    "title": idea.title,
                    "url": idea.get_absolute_url(),
                    "status": idea.status,
                    "status_label": str(Status(idea.status).label),
                    "votes": idea.vote_count,
                }
            )
    return JsonResponse({"query": query, "results": results}, encoder=_InertJSONEncoder)


def detail(request, pk: int, slug: str = ""):
    idea = selectors.idea_get(pk=pk, user=request.user)
    if idea.merged_into_id is not None:
        return HttpResponseRedirect(idea.merged_into.get_absolute_url())
    if slug != idea.slug:
        return HttpResponseRedirect(idea.get_absolute_url())
    comment_form = CommentForm()
    context = _base_context(
        request,
        idea=idea,
        history=list(selectors.idea_history(idea)),
        comments=list(selectors.idea_comments(idea)),
        duplicates=list(idea.duplicates.order_by("pk").values("pk", "title")),
        comment_form=comment_form,
        status_form=StatusForm(initial={"status": idea.status}),
        merge_form=MergeForm(),
        on_behalf_form=VoteOnBehalfForm(),
        can_manage=services.can_manage(request.user),
        status_label=Status(idea.status).label,
    )
    return render(request, "ideas/detail.html", context)


def _idea_for_action(request, pk: int) -> Idea:
    return selectors.idea_get(pk=pk)


def _participant_action(request, pk: int, action):
    """Run a customer's action (vote, follow, comment) and go back where they were."""
    idea = _idea_for_action(request, pk)
    if not request.user.is_authenticated:
        return redirect(login_url(idea.get_absolute_url()))
    if not _write_allowed(request):
        messages.error(request, TOO_FAST)
        return redirect(_back(request, idea))
    try:
        message = action(idea)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You cannot do this."))
        return redirect(_back(request, idea))
    except IdeaError as error:
        messages.error(request, _error_text(error))
        return redirect(_back(request, idea))
    if message:
        messages.success(request, message)
    return redirect(_back(request, idea))


@require_POST
def vote(request, pk: int):
    def action(idea):
        if request.POST.get("action") == "unvote":
            services.idea_unvote(idea=idea, user=request.user)
            return _("Your vote was withdrawn.")
        services.idea_vote(idea=idea, user=request.user)
        return _("Thank you for your vote!")

    return _participant_action(request, pk, action)


@require_POST
def follow(request, pk: int):
    def action(idea):
        if request.POST.get("action") == "unfollow":
            services.idea_unfollow(idea=idea, user=request.user)
            return _("You no longer follow this idea.")
        services.idea_follow(idea=idea, user=request.user)
        return _("You follow this idea: we will email you when its status changes.")

    return _participant_action(request, pk, action)


@require_POST
def comment(request, pk: int):
    form = CommentForm(request.POST)

    def action(idea):
        if not form.is_valid():
            raise IdeaError(form.errors["body"])
        services.idea_comment(idea=idea, author=request.user, body=form.cleaned_data["body"])
        return _("Your comment was added.")

    return _participant_action(request, pk, action)


def _staff_action(request, pk: int, action):
    """Run a staff action; anyone without the ideas permission gets 403 (login for visitors)."""
    idea = _idea_for_action(request, pk)
    if not request.user.is_authenticated:
        return redirect(login_url(idea.get_absolute_url()))
    if not services.can_manage(request.user):
        raise PermissionDenied
    try:
        message, target = action(idea)
    except IdeaError as error:
        messages.error(request, _error_text(error))
        return redirect(idea.get_absolute_url())
    messages.success(request, message)
    return redirect(target.get_absolute_url())


@require_POST
def set_status(request, pk: int):
    form = StatusForm(request.POST)

    def action(idea):
        if not form.is_valid():
            raise IdeaError(_("Choose a valid status."))
        services.idea_set_status(
            idea=idea,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        return _("Status changed; voters and followers are told by email."), idea

    return _staff_action(request, pk, action)


@require_POST
def merge(request, pk: int):
    form = MergeForm(request.POST)

    def action(idea):
        if not form.is_valid():
            raise IdeaError(_("Give the number of the idea to merge into."))
        into = Idea.objects.filter(pk=form.cleaned_data["into"]).first()
        if into is None:
            raise IdeaError(_("There is no idea with that number."))
        into = services.idea_merge(duplicate=idea, into=into, by=request.user)
        return _("Merged: votes and followers moved over."), into

    return _staff_action(request, pk, action)


@require_POST
def vote_on_behalf(request, pk: int):
    form = VoteOnBehalfForm(request.POST)

    def action(idea):
        if not form.is_valid():
            raise IdeaError(_("Give the customer's email address."))
        services.idea_vote_on_behalf(
            idea=idea,
            customer_email=form.cleaned_data["email"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
        return _("The vote was added for the customer."), idea

    return _staff_action(request, pk, action)


@require_GET
def by_id(request, pk: int):
    idea = selectors.idea_get(pk=pk)
    target = idea.merged_into if idea.merged_into_id else idea
    return HttpResponseRedirect(target.get_absolute_url())


@require_GET
def roadmap(request):
    columns = selectors.roadmap(request.user)
    return render(
        request,
        "ideas/roadmap.html",
        _base_context(
            request,
            tab="roadmap",
            columns=[(status, Status(status).label, columns[status]) for status in columns],
        ),
    )


@require_GET
def changelog(request):
    return render(
        request,
        "ideas/changelog.html",
        _base_context(request, tab="changelog", months=selectors.changelog()),
    )
