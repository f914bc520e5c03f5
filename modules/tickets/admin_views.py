"""The agents' ticket workspace in the Wagtail admin: the inbox (Tickets in the main menu), a
ticket's page, its attachments, and the reports (Reports → Tickets).

Views only parse input, ask `selectors` for what the agent may see (a ticket of a queue they do
not work is a 404, never a hint) and hand changes to `services`, which check the rights again;
a refusal (TicketError, PermissionDenied) becomes an admin message, never a 500. Every view
answers 404 while the module is switched off for the tenant.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.insights import charts
from modules import registry
from modules.accounts import selectors as accounts_selectors
from modules.tickets import permissions, reports, selectors, services, sla
from modules.tickets.models import (
    CannedResponse,
    FieldKind,
    Message,
    Priority,
    Queue,
    Status,
)

MODULE_KEY = "tickets"
PER_PAGE = 25
VIEW_LABELS = {
    "unassigned": gettext_lazy("Unassigned"),
    "mine": gettext_lazy("Mine"),
    "open": gettext_lazy("All open"),
    "overdue": gettext_lazy("Overdue"),
    "solved": gettext_lazy("Solved"),
    "all": gettext_lazy("All"),
}
SLA_LABELS = {
    "ok": gettext_lazy("On time"),
    "near": gettext_lazy("Due soon"),
    "breached": gettext_lazy("Overdue"),
}
# The admin speaks to agents: the customer's word for "pending" ("Awaiting your reply") would
# tell an agent the opposite of what it means.
AGENT_STATUS_LABELS = {
    **dict(Status.choices),
    Status.PENDING: pgettext_lazy("ticket status, for agents", "Awaiting customer"),
}
AGENT_STATUSES = list(AGENT_STATUS_LABELS.items())
BULK_ACTIONS = ("assign_me", "assign", "status", "priority", "queue")


def _error_text(error) -> str:
    """The words of a TicketError / ValidationError / PermissionDenied, for a message."""
    if hasattr(error, "message_dict"):
        return " ".join(str(text) for texts in error.message_dict.values() for text in texts)
    if hasattr(error, "messages"):
        return " ".join(str(text) for text in error.messages)
    return str(error) or _("You cannot do that.")


def visible_queues(user):
    """The queues an agent may filter by and move tickets to: every one for those who see all,
    otherwise the queues they work."""
    queues = Queue.objects.order_by("name")
    if permissions.sees_all(user) or user.is_superuser:
        return list(queues)
    return list(queues.filter(pk__in=permissions.queue_ids(user)))


def staff_people():
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .select_related("customer_profile")
        .order_by("first_name", "last_name", "username")
    )


class AgentMixin(WagtailAdminTemplateMixin):
    header_icon = "mail"

    def allowed(self, user) -> bool:
        return permissions.is_agent(user)

    def dispatch(self, request, *args, **kwargs):
        if not registry.is_enabled(MODULE_KEY, request):
            raise Http404("This module is switched off.")
        if not self.allowed(request.user):
            raise PermissionDenied
        self.prepare(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def prepare(self, request, **kwargs) -> None:
        """Look up what the URL names (after the access checks)."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.trail(), {"url": "", "label": self.get_page_title()}]

    def trail(self) -> list[dict]:
        return []


# --- the inbox ------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class InboxView(AgentMixin, TemplateView):
    template_name = "tickets/admin/inbox.html"
    page_title = gettext_lazy("Tickets")

    def filters(self) -> dict[str, str]:
        get = self.request.GET
        view = get.get("view", "open")
        return {
            "view": view if view in selectors.AGENT_VIEWS else "open",
            "q": get.get("q", "").strip()[:200],
            "status": get.get("status", "") if get.get("status", "") in Status.values else "",
            "priority": get.get("priority", "")
            if get.get("priority", "") in Priority.values
            else "",
            "queue": get.get("queue", "")
            if re.fullmatch(r"\d+|none|", get.get("queue", ""))
            else "",
            "assignee": get.get("assignee", "")
            if re.fullmatch(r"\d+|none|", get.get("assignee", ""))
            else "",
            "tag": services.tags_clean([get.get("tag", "")[:40]])[0] if get.get("tag") else "",
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        chosen = self.filters()
        queryset = selectors.tickets_for_agent(
            user=user,
            view=chosen["view"],
            query=chosen["q"],
            status=chosen["status"],
            priority=chosen["priority"],
            queue=chosen["queue"],
            assignee=chosen["assignee"],
            tag=chosen["tag"],
            now=now,
        )
        page = Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("p"))
        rows = [
            {
                "ticket": ticket,
                "sla": sla.state(ticket, now),
                "status": AGENT_STATUS_LABELS.get(ticket.status, ticket.status),
            }
            for ticket in page.object_list
        ]
        counts = selectors.view_counts(user=user, now=now)
        filters_only = {key: value for key, value in chosen.items() if key != "view" and value}
        tabs = [
            {
                "key": key,
                "label": label,
                "count": counts.get(key, 0),
                "url": "?" + urlencode({"view": key, **filters_only}),
                "current": key == chosen["view"],
            }
            for key, label in VIEW_LABELS.items()
        ]
        context.update(
            rows=rows,
            page=page,
            tabs=tabs,
            chosen=chosen,
            filtered=bool(filters_only),
            page_query=urlencode(
                {key: value for key, value in chosen.items() if value and key != "p"}
            ),
            statuses=AGENT_STATUSES,
            priorities=Priority.choices,
            queues=visible_queues(user),
            people=staff_people(),
            can_manage=permissions.can_manage(user),
            sla_labels=SLA_LABELS,
            bulk_actions=BULK_ACTIONS,
        )
        return context

    def post(self, request, *args, **kwargs):
        """Bulk actions on the checked rows, one `ticket_update` per ticket: those the agent may
        not change (or that refuse the change) are skipped and counted."""
        action = request.POST.get("action", "")
        numbers = [n for n in request.POST.getlist("ticket") if n.isdigit()][: PER_PAGE * 4]
        back = reverse("tickets_admin:inbox") + "?" + request.POST.get("back", "")[:500]
        if action not in BULK_ACTIONS or not numbers:
            messages.error(request, _("Choose tickets and what to do with them."))
            return redirect(back)
        change = self.bulk_change(request, action)
        if change is None:
            messages.error(request, _("Choose a value for the change."))
            return redirect(back)
        tickets = selectors.tickets_for_agent(user=request.user, view="all").filter(
            number__in=[int(n) for n in numbers]
        )
        done = skipped = 0
        for ticket in tickets:
            try:
                services.ticket_update(ticket=ticket, by=request.user, **change)
            except (services.TicketError, PermissionDenied):
                skipped += 1
            else:
                done += 1
        skipped += len(set(numbers)) - done - skipped  # numbers the agent cannot see
        if done:
            messages.success(request, _("%(count)d tickets updated.") % {"count": done})
        if skipped:
            messages.warning(
                request,
                _("%(count)d tickets skipped: you cannot make that change to them.")
                % {"count": skipped},
            )
        return redirect(back)

    def bulk_change(self, request, action: str) -> dict | None:
        value = request.POST.get("value", "")
        if action == "assign_me":
            return {"assignee": request.user}
        if action == "assign":
            if value == "none":
                return {"assignee": None}
            person = get_user_model().objects.filter(
                pk=int(value) if value.isdigit() else 0, is_active=True, is_staff=True
            )
            return {"assignee": person.first()} if person.exists() else None
        if action == "status":
            return {"status": value} if value in Status.values else None
        if action == "priority":
            return {"priority": value} if value in Priority.values else None
        if action == "queue":
            if value == "none":
                return {"queue": None}
            queue = next((q for q in visible_queues(request.user) if str(q.pk) == value), None)
            return {"queue": queue} if queue else None
        return None


# --- a ticket -------------------------------------------------------------------------------------


def _field_rows(ticket) -> list[dict]:
    if ticket.request_type is None:
        return []
    rows = []
    for field in ticket.request_type.fields.all():
        value = ticket.custom_values.get(field.key)
        rows.append(
            {
                "field": field,
                "name": f"cf_{field.key}",
                "value": "" if value is None else value,
                "is_checkbox": field.kind == FieldKind.CHECKBOX,
                "is_choice": field.kind == FieldKind.CHOICE,
                "input_type": {
                    FieldKind.NUMBER: "number",
                    FieldKind.DATE: "date",
                }.get(field.kind, "text"),
            }
        )
    return rows


def _event_labels(item) -> None:
    """Status and priority events keep codes ("pending"); the page shows their words."""
    choices = {"created": Status, "status": Status, "priority": Priority}.get(
        getattr(item, "kind", "")
    )
    for side in ("old", "new"):
        value = getattr(item, f"{side}_value", "")
        label = value
        if choices is Status and value in AGENT_STATUS_LABELS:
            label = AGENT_STATUS_LABELS[value]
        elif choices is not None and value in choices.values:
            label = choices(value).label
        setattr(item, f"{side}_label", label)


@method_decorator(never_cache, name="dispatch")
class TicketView(AgentMixin, TemplateView):
    template_name = "tickets/admin/ticket.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.reply_body = None

    def prepare(self, request, **kwargs) -> None:
        self.ticket = selectors.ticket_get_for_agent(user=request.user, number=kwargs["number"])

    def get_page_title(self):
        return f"#{self.ticket.number} {self.ticket.subject}"

    def trail(self):
        return [{"url": reverse("tickets_admin:inbox"), "label": _("Tickets")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, ticket = self.request.user, self.ticket
        canned = list(CannedResponse.objects.order_by("title")[:200])
        canned_texts = {
            str(c.pk): services.canned_render(canned=c, ticket=ticket, agent=user) for c in canned
        }
        body = self.reply_body
        chosen_canned = self.request.GET.get("canned", "")
        if body is None:
            body = canned_texts.get(chosen_canned, "")
        link_module = self.request.GET.get("link_module", "")
        link_query = self.request.GET.get("link_q", "").strip()[:100]
        linkable = services.linkable_modules(self.request)
        link_results = []
        if link_query and link_module in dict(linkable):
            link_results = services.link_targets(link_module, link_query, self.request)[:10]
        items = selectors.conversation(ticket, internal=True)
        for item in items:
            _event_labels(item)
        organization = ticket.organization
        context.update(
            ticket=ticket,
            status_label=AGENT_STATUS_LABELS.get(ticket.status, ticket.status),
            organization=organization,
            requester_name=accounts_selectors.display_name(ticket.requester)
            if ticket.requester
            else (ticket.guest_name or ticket.guest_email),
            items=items,
            description_attachments=list(
                ticket.attachments.filter(message__isnull=True).order_by("created_at", "pk")
            ),
            can_reply_publicly=permissions.can_reply_publicly(user, ticket),
            can_manage=permissions.can_manage(user),
            statuses=AGENT_STATUSES,
            priorities=Priority.choices,
            queues=visible_queues(user),
            agents=services.agents_for(ticket),
            field_rows=_field_rows(ticket),
            participants=list(ticket.participants.order_by("email")),
            links=list(ticket.links.order_by("created_at")),
            linkable=linkable,
            link_module=link_module,
            link_query=link_query,
            link_results=link_results,
            canned=canned,
            canned_texts=canned_texts,
            chosen_canned=chosen_canned,
            reply_body=body,
            sla_state=sla.state(ticket),
            sla_labels=SLA_LABELS,
            merged_into=ticket.merged_into,
            message_class=Message,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None) if action in ACTIONS else None
        if handler is None:
            messages.error(request, _("Unknown action."))
            return redirect(self.ticket.get_admin_url())
        try:
            text = handler(request)
        except (services.TicketError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
            if action == "reply":  # keep what they wrote
                self.reply_body = request.POST.get("body", "")
                self.ticket = selectors.ticket_get_for_agent(
                    user=request.user, number=self.ticket.number
                )
                return self.render_to_response(self.get_context_data(), status=400)
            return redirect(self.ticket.get_admin_url())
        if text:
            messages.success(request, text)
        return redirect(self.ticket.get_admin_url())

    def do_reply(self, request) -> str:
        internal = request.POST.get("kind") != "public"
        status = request.POST.get("status", "")
        if status and status not in Status.values:
            raise services.TicketError({"status": _("Choose a valid status.")})
        services.ticket_reply(
            ticket=self.ticket,
            author=request.user,
            body=request.POST.get("body", ""),
            internal=internal,
            files=request.FILES.getlist("attachments"),
            status=(status or None) if not internal else None,
        )
        if internal and status and status != self.ticket.status:
            services.ticket_update(ticket=self.ticket, by=request.user, status=status)
        return _("Internal note added.") if internal else _("Reply sent.")

    def do_update(self, request) -> str:
        post = request.POST
        queue: Queue | bool | None = False
        if "queue" in post:
            value = post["queue"]
            queue = next((q for q in visible_queues(request.user) if str(q.pk) == value), None)
            if queue is None and value not in ("", "none"):
                raise services.TicketError({"queue": _("Choose a valid queue.")})
        assignee = False
        if "assignee" in post:
            value = post["assignee"]
            assignee = next(
                (a for a in services.agents_for(self.ticket) if str(a.pk) == value), None
            )
            if assignee is None and value not in ("", "none"):
                raise services.TicketError(
                    {"assignee": _("This person cannot work this ticket's queue.")}
                )
        tags = None
        if "tags" in post:
            tags = [tag for tag in re.split(r"[,\s]+", post["tags"]) if tag]
        custom_values = None
        rows = _field_rows(self.ticket)
        if rows and post.get("fields") == "1":
            custom_values = {}
            for row in rows:
                key = row["field"].key
                if row["is_checkbox"]:
                    custom_values[key] = post.get(row["name"]) == "on"
                else:
                    custom_values[key] = post.get(row["name"], "")
        services.ticket_update(
            ticket=self.ticket,
            by=request.user,
            status=post.get("status") or None,
            priority=post.get("priority") or None,
            queue=queue,
            assignee=assignee,
            tags=tags,
            custom_values=custom_values,
        )
        return _("Ticket updated.")

    def do_assign_me(self, request) -> str:
        services.ticket_update(ticket=self.ticket, by=request.user, assignee=request.user)
        return _("Assigned to you.")

    def do_cc_add(self, request) -> str:
        participant = services.ticket_cc_add(
            ticket=self.ticket, email=request.POST.get("email", ""), by=request.user
        )
        return _("%(email)s is CC'd.") % {"email": participant.email} if participant else ""

    def do_cc_remove(self, request) -> str:
        email = request.POST.get("email", "")
        if services.ticket_cc_remove(ticket=self.ticket, email=email, by=request.user):
            return _("%(email)s is no longer CC'd.") % {"email": email}
        return ""

    def do_merge(self, request) -> str:
        number = request.POST.get("into", "").strip().lstrip("#")
        try:
            into = selectors.ticket_get_for_agent(user=request.user, number=number)
        except Http404:
            raise services.TicketError(
                {"into": _("There is no ticket #%(number)s you can see.") % {"number": number[:12]}}
            ) from None
        services.ticket_merge(source=self.ticket, into=into, by=request.user)
        return _("Merged into #%(number)s.") % {"number": into.number}

    def do_link(self, request) -> str:
        link = services.ticket_link(
            ticket=self.ticket,
            module=request.POST.get("module", ""),
            object_id=request.POST.get("object_id", "")[:40],
            by=request.user,
        )
        return _("Linked to “%(title)s”.") % {"title": link.title}

    def do_unlink(self, request) -> str:
        link_id = request.POST.get("link", "")
        if link_id.isdigit() and services.ticket_unlink(
            ticket=self.ticket, link_id=int(link_id), by=request.user
        ):
            return _("Link removed.")
        return ""


ACTIONS = ("reply", "update", "assign_me", "cc_add", "cc_remove", "merge", "link", "unlink")


@method_decorator(never_cache, name="dispatch")
class AttachmentView(View):
    """A ticket's file as a download (never shown inline: an uploaded HTML or SVG file must not
    run in the admin's origin)."""

    def get(self, request, number: int, attachment_id: int):
        if not registry.is_enabled(MODULE_KEY, request):
            raise Http404
        if not permissions.is_agent(request.user):
            raise PermissionDenied
        attachment = selectors.attachment_for_agent(
            user=request.user, number=number, attachment_id=attachment_id
        )
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# --- reports --------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class ReportsView(AgentMixin, TemplateView):
    template_name = "tickets/admin/reports.html"
    page_title = gettext_lazy("Ticket reports")
    header_icon = "table"

    def allowed(self, user) -> bool:
        return permissions.can_see_reports(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = self.request.GET.get("days", "30")
        span = reports.period(int(days) if days.isdigit() else 30)
        tickets = reports.tickets_in(span)
        volume = reports.volume_by_day(span)
        every = 1 if span.days <= 7 else 7 if span.days <= 30 else 14
        first = reports.first_response_times(tickets)
        resolution = reports.resolution_times(tickets)
        context.update(
            span=span,
            periods=reports.PERIODS,
            total=sum(row[1] for row in volume),
            solved_total=sum(row[2] for row in volume),
            created_chart=charts.bar_chart(
                [(date_format(day, "j M"), created) for day, created, _solved in volume],
                title=_("Tickets created per day"),
                value_label=_("Created"),
                label_header=_("Day"),
                chart_id="created-chart",
                show_labels_every=every,
            ),
            solved_chart=charts.bar_chart(
                [(date_format(day, "j M"), solved) for day, _created, solved in volume],
                title=_("Tickets solved per day"),
                value_label=_("Solved"),
                label_header=_("Day"),
                chart_id="solved-chart",
                show_labels_every=every,
            ),
            first=first,
            first_text=(reports.duration_text(first.median), reports.duration_text(first.p90)),
            resolution=resolution,
            resolution_text=(
                reports.duration_text(resolution.median),
                reports.duration_text(resolution.p90),
            ),
            breaches=reports.sla_breaches(tickets),
            satisfaction=reports.satisfaction(tickets),
            deflection=reports.deflection(span),
            channels=reports.by_channel(tickets),
        )
        return context
