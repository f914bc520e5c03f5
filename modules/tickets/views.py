"""Portal pages of tickets (mounted at /tickets/, namespace "tickets": they answer 404 while the
module is switched off). Server-rendered and usable without JavaScript: every action is a form
that posts and comes back to the ticket; the "Ask once" suggestions while the subject is typed
are the one enhancement that needs it.

Views parse input, call a selector or service, and shape the answer: who may see a ticket is
decided by modules.tickets.selectors (a ticket someone may not see is a 404, exactly like one
that does not exist), what they may do by modules.tickets.services.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from rest_framework.settings import api_settings

from cms.ratelimit import client_ip, hit
from modules.accounts import selectors as accounts_selectors
from modules.tickets import permissions, selectors, services
from modules.tickets.forms import CcForm, RateForm, ReplyForm, TicketForm
from modules.tickets.models import (
    DONE_STATUSES,
    Event,
    Message,
    RequestType,
    Status,
    Ticket,
    TicketSettings,
)
from modules.tickets.services import TicketError

PER_PAGE = 20
SUGGEST_RATE = "60/minute"
SUGGEST_PER_MODULE = 3
SUGGEST_MIN_CHARS = 3
TOO_FAST = gettext_lazy("Too many actions in a short time. Try again in a minute.")
STATUS_FILTERS = ("open", "solved", "all")


def _login(request, next_path: str | None = None):
    return redirect(accounts_selectors.login_url(next_path or request.get_full_path()))


def _write_allowed(request) -> bool:
    """Count one write (a request, a reply, a change) at the rate the API allows
    ("tickets_write"): per person, or per address for a guest."""
    rate = api_settings.DEFAULT_THROTTLE_RATES["tickets_write"]
    who = str(request.user.pk) if request.user.is_authenticated else f"ip:{client_ip(request)}"
    return hit("tickets-write", who, rate)[0]


def _error_text(error) -> str:
    return " ".join(error.messages) if hasattr(error, "messages") else str(error)


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


# --- My tickets ----------------------------------------------------------------------------------


@require_GET
def my_tickets(request):
    user = request.user
    if not user.is_authenticated:
        return _login(request)
    status = request.GET.get("status") or "all"
    if status not in STATUS_FILTERS:
        status = "all"
    profile = accounts_selectors.profile_of(user)
    sees_organization = bool(
        profile is not None and profile.can_see_organization and profile.organization_id
    )
    scope = request.GET.get("scope") or "mine"
    if scope not in ("mine", "organization") or not sees_organization:
        scope = "mine"
    query = (request.GET.get("q") or "").strip()[:200]
    tickets = selectors.tickets_for_customer(
        user=user,
        status="" if status == "all" else status,
        query=query,
        mine_only=sees_organization and scope == "mine",
    )
    page = Paginator(tickets, PER_PAGE).get_page(request.GET.get("page"))
    for ticket in page.object_list:
        ticket.requester_label = (
            accounts_selectors.display_name(ticket.requester) if ticket.requester_id else ""
        )
    filters = {"status": status if status != "all" else "", "q": query}
    if sees_organization and scope != "mine":
        filters["scope"] = scope
    return render(
        request,
        "tickets/portal/list.html",
        {
            "tab": "list",
            "page": page,
            "status": status,
            "scope": scope,
            "query": query,
            "sees_organization": sees_organization,
            "filtered": bool(query) or status != "all",
            "query_base": urlencode({key: value for key, value in filters.items() if value}),
            "status_filters": [
                ("all", _("All")),
                ("open", _("Open")),
                ("solved", _("Solved")),
            ],
        },
    )


# --- a new request---------------------------------------------------------------------------------


def _chosen_type(request) -> RequestType | None:
    slug = request.POST.get("request_type") or request.GET.get("type") or ""
    types = RequestType.objects.filter(active=True).prefetch_related("fields")
    chosen = types.filter(slug=slug).first() if slug else None
    return chosen or types.first()


def _new_context(request, form: TicketForm, *, guest: bool) -> dict:
    row = TicketSettings.load(request_or_site=request)
    types = form.types
    return {
        "tab": "new",
        "form": form,
        "guest": guest,
        "request_types": types,
        "chosen_type": form.request_type,
        "type_forms": [
            (
                kind,
                form
                if kind == form.request_type
                else TicketForm(request_type=kind, guest=guest, auto_id=f"id_{kind.pk}_%s"),
            )
            for kind in types
        ],
        "max_attachment_mb": row.max_attachment_mb,
        "max_attachments": row.max_attachments,
    }


def new(request):
    user = request.user
    guest = not user.is_authenticated
    if guest and not TicketSettings.load(request_or_site=request).guests_can_submit:
        return _login(request)
    if not guest and not accounts_selectors.can_participate(user):
        return render(request, "tickets/portal/unverified.html", status=403)
    request_type = _chosen_type(request)
    posted = request.method == "POST"
    # "Show its questions" (the no-JS way to switch request type) posts the form back unsent
    switching = posted and "show_type" in request.POST
    form = TicketForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        request_type=request_type,
        guest=guest,
        initial={"subject": request.GET.get("subject", "")[:200]},
    )
    if switching:
        form = TicketForm(
            initial={
                key: request.POST.get(key, "")
                for key in ("subject", "description", "cc", "email", "name", "suggestion_key")
            },
            request_type=request_type,
            guest=guest,
        )
        return render(request, "tickets/portal/new.html", _new_context(request, form, guest=guest))
    if posted and not _write_allowed(request):
        form.is_valid()
        form.add_error(None, TOO_FAST)
        return render(
            request, "tickets/portal/new.html", _new_context(request, form, guest=guest), status=429
        )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                subject=data["subject"],
                description=data["description"],
                requester=None if guest else user,
                guest_email=data.get("email", ""),
                guest_name=data.get("name", ""),
                request_type=data.get("request_type") or request_type,
                custom_values=data["custom_values"],
                files=data["attachments"],
                cc=data["cc"],
                suggestion_key=data.get("suggestion_key") or None,
            )
        except TicketError as error:
            form.add_service_error(error)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("You cannot submit a request."))
        else:
            if guest:
                return render(
                    request,
                    "tickets/portal/guest_sent.html",
                    {"email": ticket.guest_email, "number": ticket.number},
                )
            messages.success(
                request,
                _("Thank you! We received your request #%(number)s and emailed you a copy.")
                % {"number": ticket.number},
            )
            return redirect(ticket.get_absolute_url())
    return render(
        request,
        "tickets/portal/new.html",
        _new_context(request, form, guest=guest),
        status=400 if form.errors else 200,
    )


# --- "Ask once"------------------------------------------------------------------------------------


class _InertJSONEncoder(DjangoJSONEncoder):
    """JSON whose strings carry no raw <, > or &: titles stay text even for a client that would
    read the answer as HTML."""

    def encode(self, o):
        text = super().encode(o)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _safe_path(url: str, request) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@require_GET
def suggest(request):
    """Answers for the subject being typed, in one list: the help content of every switched-on
    module (one search, a few per module) and the customer's own open requests. Each answered
    query is recorded (`Suggestion`) so that deflection can be counted; its key goes back to
    the form. Anyone who may open the form may ask, so it is limited per address."""
    from cms.search import portal_search

    query = (request.GET.get("q") or "").strip()[:200]
    allowed, retry_after = hit("tickets-suggest", client_ip(request), SUGGEST_RATE)
    if not allowed:
        response = JsonResponse({"query": query, "key": "", "results": []}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    if len(query) < SUGGEST_MIN_CHARS:
        return JsonResponse({"query": query, "key": "", "results": []})
    results = []
    if request.user.is_authenticated:
        for ticket in selectors.open_tickets_matching(user=request.user, query=query):
            results.append(
                {
                    "title": f"#{ticket.number} {ticket.subject}",
                    "url": ticket.get_absolute_url(),
                    "kind": _("Your open request"),
                    "module": "tickets",
                    "snippet": _status_label(ticket.status),
                }
            )
    found = portal_search(query, request, autocomplete=True, deflection=True, limit=10)
    if not found.hits:
        # As-you-type matching wants every word; a subject that grew past what any answer says
        # ("forgotten password link fails") still finds answers sharing some of its words.
        found = portal_search(query, request, deflection=True, limit=10)
    per_module: dict[str, int] = {}
    for result in found.hits:
        if result.module == "tickets" or per_module.get(result.module, 0) >= SUGGEST_PER_MODULE:
            continue
        per_module[result.module] = per_module.get(result.module, 0) + 1
        results.append(
            {
                "title": result.title,
                "url": result.url,
                "kind": result.kind,
                "module": result.module,
                "snippet": result.snippet[:160],
            }
        )
    suggestion = services.suggestion_record(
        user=request.user,
        query=query,
        offered=len(results),
        key=request.GET.get("key") or None,
    )
    return JsonResponse(
        {"query": query, "key": str(suggestion.key), "results": results},
        encoder=_InertJSONEncoder,
    )


# The key is an unguessable UUID handed only to the form that searched, so a forged request
# can do nothing with it; navigator.sendBeacon cannot send a CSRF header.
@csrf_exempt
@require_POST
def suggestion_opened(request):
    """The customer opened one of the offered answers: recorded, then (for a plain form post)
    on to the answer. The browser's beacon gets an empty 204."""
    url = (request.POST.get("url") or "").strip()[:500]
    allowed, _retry = hit("tickets-suggest-opened", client_ip(request), SUGGEST_RATE)
    if allowed and request.POST.get("key"):
        services.suggestion_opened(key=request.POST["key"], url=url)
    if request.POST.get("go") and _safe_path(url, request):
        return redirect(url)
    return HttpResponse(status=204)


# --- a ticket's page-------------------------------------------------------------------------------


def _conversation_items(ticket: Ticket) -> list[dict]:
    """Messages and the public events, shaped for the page."""
    items = []
    for item in selectors.conversation(ticket, internal=False):
        if isinstance(item, Message):
            if item.author_id:
                name = accounts_selectors.display_name(item.author)
            elif item.author_email and item.author_email == ticket.guest_email:
                name = ticket.guest_name or item.author_email.split("@", 1)[0]
            else:
                name = item.author_email.split("@", 1)[0] or _("Support")
            items.append({"message": item, "name": name, "staff": item.from_agent})
        elif item.kind == Event.Kind.STATUS:
            items.append(
                {
                    "event": item,
                    "text": _("Status changed to “%(status)s”")
                    % {"status": _status_label(item.new_value)},
                }
            )
        elif item.kind == Event.Kind.MERGED:
            items.append(
                {
                    "event": item,
                    "text": _("Merged into request %(number)s") % {"number": item.new_value},
                }
            )
    return items


def _fields_shown(ticket: Ticket) -> list[tuple[str, object]]:
    if ticket.request_type is None:
        return []
    shown = []
    for field in ticket.request_type.fields.all():
        if field.key in ticket.custom_values and ticket.custom_values[field.key] not in (None, ""):
            value = ticket.custom_values[field.key]
            if value is True:
                value = _("Yes")
            elif value is False:
                value = _("No")
            shown.append((field.label, value))
    return shown


def _ticket_context(request, ticket: Ticket, *, guest_token: str = "", **extra) -> dict:
    user = request.user
    is_requester = bool(guest_token) or (user.is_authenticated and ticket.requester_id == user.pk)
    merged_into = ticket.merged_into
    if guest_token:
        base = reverse("tickets:guest", kwargs={"token": guest_token})

        def action_url(action: str) -> str:
            return reverse("tickets:guest-action", kwargs={"token": guest_token, "action": action})

        def file_url(attachment) -> str:
            return reverse(
                "tickets:guest-attachment",
                kwargs={"token": guest_token, "attachment_id": attachment.pk},
            )

        merged_visible = False
    else:
        base = ticket.get_absolute_url()

        def action_url(action: str) -> str:
            return reverse(f"tickets:{action}", kwargs={"number": ticket.number})

        def file_url(attachment) -> str:
            return reverse(
                "tickets:attachment",
                kwargs={"number": ticket.number, "attachment_id": attachment.pk},
            )

        merged_visible = merged_into is not None and permissions.customer_can_see(user, merged_into)
    items = _conversation_items(ticket)
    for item in items:
        if "message" in item:
            item["files"] = [(a, file_url(a)) for a in item["message"].attachments.all()]
    row = TicketSettings.load(request_or_site=request)
    done = ticket.status in DONE_STATUSES
    return {
        "ticket": ticket,
        "guest": bool(guest_token),
        "base_url": base,
        "status_label": _status_label(ticket.status),
        "requester_name": accounts_selectors.display_name(ticket.requester)
        if ticket.requester_id
        else (ticket.guest_name or ticket.guest_email),
        "fields_shown": _fields_shown(ticket),
        "description_files": [(a, file_url(a)) for a in selectors.description_attachments(ticket)],
        "items": items,
        "participants": list(ticket.participants.order_by("email")),
        "merged_into": merged_into,
        "merged_visible": merged_visible,
        "closed": ticket.status == Status.CLOSED or ticket.merged_into_id is not None,
        "can_close": ticket.is_active and ticket.merged_into_id is None,
        "can_reopen": ticket.status == Status.SOLVED and ticket.merged_into_id is None,
        "can_rate": done and is_requester and ticket.merged_into_id is None,
        "reply_url": action_url("reply"),
        "close_url": action_url("close"),
        "reopen_url": action_url("reopen"),
        "rate_url": action_url("rate"),
        "cc_url": action_url("cc"),
        "reply_form": extra.pop("reply_form", None) or ReplyForm(),
        "cc_form": extra.pop("cc_form", None) or CcForm(),
        "rate_form": RateForm(
            initial={"rating": ticket.rating or None, "comment": ticket.rating_comment}
        ),
        "max_attachment_mb": row.max_attachment_mb,
        "max_attachments": row.max_attachments,
        **extra,
    }


def detail(request, number: int):
    if not request.user.is_authenticated:
        return _login(request)
    ticket = selectors.ticket_get_for_customer(user=request.user, number=number)
    return render(request, "tickets/portal/detail.html", _ticket_context(request, ticket))


# --- the customer's actions (signed in and through a guest's link)---------------------------------


def _act(request, ticket: Ticket, action: str, *, guest: bool):
    """Run one action on `ticket` for the signed-in customer or the guest; returns the message
    to show and whether it went well."""
    user = None if guest else request.user
    if action == "reply":
        form = ReplyForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = [str(e) for errors in form.errors.values() for e in errors]
            raise TicketError(errors)
        services.ticket_reply(
            ticket=ticket,
            author=user,
            author_email=ticket.guest_email if guest else "",
            body=form.cleaned_data["body"],
            files=form.cleaned_data["attachments"],
            guest=guest,
        )
        return _("Your reply was sent.")
    if action == "close":
        services.ticket_customer_close(ticket=ticket, user=user, guest=guest)
        return _("Marked as solved. Thank you! You can still reopen it if you need more help.")
    if action == "reopen":
        services.ticket_customer_reopen(ticket=ticket, user=user, guest=guest)
        return _("Your request is open again.")
    if action == "rate":
        form = RateForm(request.POST)
        if not form.is_valid():
            raise TicketError(_("Choose good or bad."))
        services.ticket_rate(
            ticket=ticket,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            user=user,
            guest=guest,
        )
        return _("Thank you for your feedback!")
    if action == "cc":
        email = (request.POST.get("email") or "").strip()
        if request.POST.get("remove"):
            services.ticket_cc_remove(
                ticket=ticket, email=request.POST["remove"], by=user, guest=guest
            )
            return _("%(email)s no longer follows this request.") % {
                "email": request.POST["remove"]
            }
        form = CcForm(request.POST)
        if not form.is_valid():
            raise TicketError(_("Enter a valid email address."))
        services.ticket_cc_add(ticket=ticket, email=email, by=user, guest=guest)
        return _("%(email)s now follows this request.") % {"email": form.cleaned_data["email"]}
    raise Http404


def _run_action(request, ticket: Ticket, action: str, *, guest: bool) -> None:
    if not _write_allowed(request):
        messages.error(request, TOO_FAST)
        return
    try:
        text = _act(request, ticket, action, guest=guest)
    except (TicketError, PermissionDenied) as error:
        messages.error(request, _error_text(error) or _("You cannot do this."))
    else:
        messages.success(request, text)


def _customer_action(action: str):
    @require_POST
    def view(request, number: int):
        if not request.user.is_authenticated:
            return _login(request, reverse("tickets:detail", kwargs={"number": number}))
        ticket = selectors.ticket_get_for_customer(user=request.user, number=number)
        _run_action(request, ticket, action, guest=False)
        return redirect(ticket.get_absolute_url())

    view.__name__ = action
    return view


reply = _customer_action("reply")
close = _customer_action("close")
reopen = _customer_action("reopen")
rate = _customer_action("rate")
cc = _customer_action("cc")


def _download(attachment) -> FileResponse:
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attachment(request, number: int, attachment_id: int):
    if not request.user.is_authenticated:
        return _login(request)
    found = selectors.attachment_for_customer(
        user=request.user, number=number, attachment_id=attachment_id
    )
    return _download(found)


# --- guests----------------------------------------------------------------------------------------


def _private(response):
    """A guest's link is their key: keep it out of Referer headers and shared caches."""
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _guest_ticket(token: str) -> Ticket:
    ticket = services.guest_ticket(token)
    if ticket is None:
        raise Http404
    return ticket


@require_GET
def guest(request, token: str):
    ticket = _guest_ticket(token)
    return _private(
        render(
            request,
            "tickets/portal/detail.html",
            _ticket_context(request, ticket, guest_token=token),
        )
    )


GUEST_ACTIONS = ("reply", "close", "reopen", "rate", "cc")


# No CSRF check: under "Referrer-Policy: no-referrer" browsers post these forms with
# "Origin: null", which Django's check refuses; and a forged post cannot name the address,
# which holds the guest's signed token (a secret only the guest has).
@csrf_exempt
@require_POST
def guest_action(request, token: str, action: str):
    ticket = _guest_ticket(token)
    if action not in GUEST_ACTIONS:
        raise Http404
    _run_action(request, ticket, action, guest=True)
    return _private(redirect(reverse("tickets:guest", kwargs={"token": token})))


@require_GET
def guest_attachment(request, token: str, attachment_id: int):
    ticket = _guest_ticket(token)
    found = selectors.attachment_for_customer(
        user=None, number=ticket.number, attachment_id=attachment_id, guest_ticket=ticket
    )
    return _private(_download(found))
