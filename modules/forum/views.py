"""Forum pages on the portal host (/forum/…), server-rendered and usable without JavaScript:
every action is a plain form with CSRF. Reads go through modules.forum.selectors (a private
category's topic is a 404 by page as by API), writes through modules.forum.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.jsonld import json_ld
from modules.accounts.selectors import display_name, is_staff_member, login_url
from modules.forum import markdown, selectors, services
from modules.forum.forms import ReplyForm, ReportForm, TopicEditForm, TopicForm
from modules.forum.models import ModerationState, Reply, Report, Topic

TOPICS_PER_PAGE = 25
REPLIES_PER_PAGE = 20


def _login_url(request, next_path: str | None = None) -> str:
    return login_url(next_path or request.get_full_path())


def _signed_in(request):
    if not request.user.is_authenticated:
        return redirect(_login_url(request))
    return None


def _back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return HttpResponseRedirect(target)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@require_GET
def index(request):
    categories = selectors.categories_with_topic_counts(request.user)
    return render(
        request,
        "forum/index.html",
        {
            "categories": categories,
            "can_moderate": selectors.can_moderate(request.user),
        },
    )


@require_GET
def category(request, slug: str):
    category = selectors.category_get_for_user(user=request.user, slug=slug)
    solved = request.GET.get("filter", "")
    if solved not in {"solved", "unsolved"}:
        solved = ""
    topics = selectors.topic_list(user=request.user, category=category, solved=solved)
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/category.html",
        {
            "category": category,
            "page": page,
            "filter": solved,
            "subscribed": selectors.subscribed_to(request.user, category=category),
        },
    )


def _topic_schema(request, topic: Topic, replies) -> str:
    """schema.org QAPage for a solved question, DiscussionForumPosting for the rest."""

    def person(user):
        return {"@type": "Person", "name": display_name(user)}

    if topic.solved and topic.accepted_reply is not None:
        answer = topic.accepted_reply
        data = {
            "@context": "https://schema.org",
            "@type": "QAPage",
            "mainEntity": {
                "@type": "Question",
                "name": topic.title,
                "text": topic.body,
                "answerCount": topic.reply_count,
                "upvoteCount": topic.score,
                "dateCreated": topic.created_at,
                "author": person(topic.author),
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": answer.body,
                    "upvoteCount": answer.score,
                    "dateCreated": answer.created_at,
                    "url": request.build_absolute_uri(answer.get_absolute_url()),
                    "author": person(answer.author),
                },
            },
        }
    else:
        data = {
            "@context": "https://schema.org",
            "@type": "DiscussionForumPosting",
            "headline": topic.title,
            "text": topic.body,
            "datePublished": topic.created_at,
            "author": person(topic.author),
            "url": request.build_absolute_uri(topic.get_absolute_url()),
            "interactionStatistic": {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/CommentAction",
                "userInteractionCount": topic.reply_count,
            },
        }
    return json_ld(data)


def _decorate(posts, user, category):
    for post in posts:
        post.author_name = display_name(post.author)
        post.staff = is_staff_member(post.author) if post.author else False
        post.editable = selectors.can_edit_reply(user, post) if isinstance(post, Reply) else False
    return posts


@require_GET
def topic_detail(request, topic_id: int, slug: str = ""):
    topic = selectors.topic_get_for_user(user=request.user, topic_id=topic_id)
    if topic.merged_into_id:
        # only to a topic this visitor may read: a private one does not exist for them
        into = selectors.topics_visible(user=request.user).filter(pk=topic.merged_into_id).first()
        if into is not None:
            return redirect(into.get_absolute_url(), permanent=False)
    if slug != topic.slug and topic.slug:
        return redirect(topic.get_absolute_url(), permanent=True)
    user = request.user
    replies = selectors.replies_visible(user=user, topic=topic)
    page = Paginator(replies, REPLIES_PER_PAGE).get_page(request.GET.get("page"))
    _decorate(page.object_list, user, topic.category)
    topic.author_name = display_name(topic.author)
    topic.staff = is_staff_member(topic.author) if topic.author else False
    if topic.accepted_reply_id:
        topic.accepted_reply = (
            Reply.objects.select_related("author__customer_profile")
            .filter(pk=topic.accepted_reply_id)
            .first()
        )
        if topic.accepted_reply is not None:
            _decorate([topic.accepted_reply], user, topic.category)
    initial = ""
    quote_id = request.GET.get("quote")
    if quote_id and quote_id.isdigit():
        quoted = replies.filter(pk=int(quote_id)).first()
        if quoted is not None:
            initial = markdown.quote(quoted.body, display_name(quoted.author))
    elif request.GET.get("quote") == "topic":
        initial = markdown.quote(topic.body, topic.author_name)
    moderator = selectors.can_moderate(user, topic.category)
    context = {
        "topic": topic,
        "category": topic.category,
        "page": page,
        "reply_form": ReplyForm(initial={"body": initial}),
        "report_form": ReportForm(),
        "can_participate": selectors.can_participate(user),
        "can_accept": selectors.can_accept(user, topic),
        "can_moderate": moderator,
        "can_edit_topic": selectors.can_edit_topic(user, topic),
        "voted": selectors.has_voted_topic(user, topic),
        "subscribed": selectors.subscribed_to(user, topic=topic),
        "schema": _topic_schema(request, topic, page.object_list)
        if topic.state == ModerationState.APPROVED
        else "",
        "login_url": _login_url(request, topic.get_absolute_url()),
        "move_targets": selectors.categories_visible(user).exclude(pk=topic.category_id)
        if moderator
        else [],
    }
    return render(request, "forum/topic.html", context)


@require_http_methods(["GET", "POST"])
def topic_new(request):
    if (response := _signed_in(request)) is not None:
        return response
    categories = selectors.categories_visible(request.user)
    initial = {}
    if slug := request.GET.get("category"):
        initial["category"] = categories.filter(slug=slug).first()
    form = TopicForm(
        request.POST or None, request.FILES or None, categories=categories, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.topic_create(
                author=request.user,
                category=data["category"],
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                images=[data["image"]] if data.get("image") else [],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You cannot post here."))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if topic.state == ModerationState.PENDING:
                messages.info(
                    request, _("Thanks! A moderator will look at your post before it appears.")
                )
            return redirect(topic.get_absolute_url())
    return render(
        request,
        "forum/topic_new.html",
        {"form": form, "can_participate": selectors.can_participate(request.user)},
        status=400 if form.errors else 200,
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)


@require_POST
def reply_create(request, topic_id: int):
    if (response := _signed_in(request)) is not None:
        return response
    topic = selectors.topic_get_for_user(user=request.user, topic_id=topic_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        image = form.cleaned_data.get("image")
        try:
            reply = services.reply_create(
                author=request.user,
                topic=topic,
                body=form.cleaned_data["body"],
                images=[image] if image else [],
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if reply.state == ModerationState.PENDING:
                messages.info(
                    request, _("Thanks! A moderator will look at your reply before it appears.")
                )
            return redirect(_reply_url(request, reply))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(topic.get_absolute_url())


def _reply_url(request, reply: Reply) -> str:
    position = Reply.objects.filter(
        topic=reply.topic, state=ModerationState.APPROVED, created_at__lt=reply.created_at
    ).count()
    page = position // REPLIES_PER_PAGE + 1
    suffix = f"?page={page}" if page > 1 else ""
    return f"{reply.topic.get_absolute_url()}{suffix}#reply-{reply.pk}"


@require_http_methods(["GET", "POST"])
def reply_edit(request, reply_id: int):
    if (response := _signed_in(request)) is not None:
        return response
    reply = selectors.reply_get_for_user(user=request.user, reply_id=reply_id)
    if not selectors.can_edit_reply(request.user, reply):
        raise PermissionDenied
    form = ReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.reply_edit(
                user=request.user, reply=reply, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if reply.state == ModerationState.PENDING:
                messages.info(
                    request, _("Thanks! A moderator will look at your reply before it appears.")
                )
            return redirect(_reply_url(request, reply))
    return render(request, "forum/reply_edit.html", {"form": form, "reply": reply})


@require_http_methods(["GET", "POST"])
def topic_edit(request, topic_id: int):
    if (response := _signed_in(request)) is not None:
        return response
    topic = selectors.topic_get_for_user(user=request.user, topic_id=topic_id)
    if not selectors.can_edit_topic(request.user, topic):
        raise PermissionDenied
    form = TopicEditForm(request.POST or None, initial={"title": topic.title, "body": topic.body})
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_edit(
                user=request.user,
                topic=topic,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if topic.state == ModerationState.PENDING:
                messages.info(
                    request, _("Thanks! A moderator will look at your post before it appears.")
                )
            return redirect(topic.get_absolute_url())
    return render(request, "forum/topic_edit.html", {"form": form, "topic": topic})


@require_POST
def topic_vote(request, topic_id: int):
    if (response := _signed_in(request)) is not None:
        return response
    topic = selectors.topic_get_for_user(user=request.user, topic_id=topic_id)
    try:
        services.topic_vote(user=request.user, topic=topic, up=request.POST.get("up") != "0")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return _back(request, topic.get_absolute_url())


@require_POST
def reply_vote(request, reply_id: int):
    if (response := _signed_in(request)) is not None:
        return response
    reply = selectors.reply_get_for_user(user=request.user, reply_id=reply_id)
    try:
        services.reply_vote(user=request.user, reply=reply, up=request.POST.get("up") != "0")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect(_reply_url(request, reply))


@require_POST
def reply_accept(request, reply_id: int):
    if (response := _signed_in(request)) is not None:
        return response
    reply = selectors.reply_get_for_user(user=request.user, reply_id=reply_id)
    try:
        services.reply_accept(
            user=request.user, reply=reply, accept=request.POST.get("accept") != "0"
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(reply.topic.get_absolute_url())


@require_POST
def topic_subscribe(request, topic_id: int):
    if (response := _signed_in(request)) is not None:
        return response
    topic = selectors.topic_get_for_user(user=request.user, topic_id=topic_id)
    services.subscription_set(user=request.user, topic=topic, on=request.POST.get("on") != "0")
    return redirect(topic.get_absolute_url())


@require_POST
def category_subscribe(request, slug: str):
    if (response := _signed_in(request)) is not None:
        return response
    category = selectors.category_get_for_user(user=request.user, slug=slug)
    services.subscription_set(
        user=request.user, category=category, on=request.POST.get("on") != "0"
    )
    return redirect(category.get_absolute_url())


@require_POST
def report(request):
    if (response := _signed_in(request)) is not None:
        return response
    topic = reply = None
    if request.POST.get("reply"):
        reply = selectors.reply_get_for_user(
            user=request.user, reply_id=_int(request.POST["reply"])
        )
        back = reply.topic.get_absolute_url()
    else:
        topic = selectors.topic_get_for_user(
            user=request.user, topic_id=_int(request.POST.get("topic"))
        )
        back = topic.get_absolute_url()
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say what is wrong with the post."))
        return redirect(back)
    try:
        services.report_create(
            reporter=request.user, topic=topic, reply=reply, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Thank you. A moderator will look at it."))
    return redirect(back)


MODERATOR_FLAGS = {
    "pin": (services.topic_pin, "pinned", True),
    "unpin": (services.topic_pin, "pinned", False),
    "lock": (services.topic_lock, "locked", True),
    "unlock": (services.topic_lock, "locked", False),
    "close": (services.topic_close, "closed", True),
    "reopen": (services.topic_close, "closed", False),
}


@require_POST
def topic_moderate(request, topic_id: int):
    """Pin, lock, close, move and merge (moderators of the topic's category)."""
    if (response := _signed_in(request)) is not None:
        return response
    topic = selectors.topic_get_for_user(user=request.user, topic_id=topic_id)
    if not selectors.can_moderate(request.user, topic.category):
        raise PermissionDenied
    action = request.POST.get("action", "")
    try:
        if action in MODERATOR_FLAGS:
            service, field, value = MODERATOR_FLAGS[action]
            service(moderator=request.user, topic=topic, **{field: value})
        elif action == "move":
            target = selectors.category_get_for_user(
                user=request.user, slug=request.POST.get("category", "")
            )
            services.topic_move(moderator=request.user, topic=topic, category=target)
        elif action == "merge":
            into = selectors.topic_get_for_user(
                user=request.user, topic_id=_int(request.POST.get("into"))
            )
            topic = services.topic_merge(moderator=request.user, topic=topic, into=into)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Done."))
    return redirect(topic.get_absolute_url())


@require_GET
def moderation(request):
    if (response := _signed_in(request)) is not None:
        return response
    if not selectors.can_moderate(request.user):
        raise PermissionDenied
    queue = selectors.moderation_queue(user=request.user)
    for post in [*queue["topics"], *queue["replies"]]:
        post.author_name = display_name(post.author)
    return render(request, "forum/moderation.html", queue)


@require_POST
def moderation_act(request):
    if (response := _signed_in(request)) is not None:
        return response
    kind, action = request.POST.get("kind"), request.POST.get("action")
    object_id = _int(request.POST.get("id"))
    reason = request.POST.get("reason", "")[:1000]
    user = request.user
    if kind == "topic":
        topic = Topic.objects.select_related("category", "author").filter(pk=object_id).first()
        target = {"topic": topic, "reply": None}
        category = topic.category if topic else None
    elif kind == "reply":
        reply = (
            Reply.objects.select_related("topic__category", "author").filter(pk=object_id).first()
        )
        target = {"topic": None, "reply": reply}
        category = reply.topic.category if reply else None
    elif kind == "report":
        item = Report.objects.select_related("topic__category", "reply__topic__category")
        item = item.filter(pk=object_id).first()
        category = (item.topic or item.reply.topic).category if item else None
        target = {}
    else:
        raise Http404
    if category is None:
        raise Http404
    if not selectors.can_moderate(user, category):
        raise PermissionDenied
    if kind == "report":
        if action != "resolve":
            raise Http404
        services.report_resolve(moderator=user, report=item, reason=reason)
    elif action == "approve":
        services.moderation_approve(moderator=user, **target)
    elif action == "reject":
        services.moderation_reject(moderator=user, reason=reason, **target)
    elif action == "suspend":
        services.moderation_reject_and_suspend(moderator=user, reason=reason, **target)
    else:
        raise Http404
    messages.success(request, _("Done."))
    return _back(request, "/forum/moderation/")


@require_GET
def similar(request):
    """Topics like the title being typed: {"results": [{"title", "url", "solved"}]}."""
    found = selectors.similar_topics(request=request, query=request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {"title": t.title, "url": t.get_absolute_url(), "solved": t.solved} for t in found
            ]
        }
    )
