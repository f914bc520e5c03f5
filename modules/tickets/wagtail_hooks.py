"""Admin: the agents' ticket workspace (Tickets in the main menu), the ticket reports (Reports →
Tickets) and the setup administrators do once (Ticket setup: queues with the groups that work
and answer each, request types with their fields, canned responses, SLA policies). Everything
is hidden, and the workspace answers 404, while the module is switched off; Settings → Tickets
is the module's `TicketSettings`."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from modules import registry
from modules.tickets import admin_views, permissions
from modules.tickets.models import CannedResponse, Queue, RequestType, SlaPolicy

MODULE_KEY = "tickets"
WORK = "work_queue"
REPLY = "reply_queue"


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.InboxView.as_view(), name="inbox"),
        path("reports/", admin_views.ReportsView.as_view(), name="reports"),
        path("<int:number>/", admin_views.TicketView.as_view(), name="ticket"),
        path(
            "<int:number>/files/<int:attachment_id>/",
            admin_views.AttachmentView.as_view(),
            name="attachment",
        ),
    ]
    return [path("tickets/", include((urls, "tickets_admin"), namespace="tickets_admin"))]


class TicketsMenuItem(MenuItem):
    def is_shown(self, request):
        return registry.is_enabled(MODULE_KEY, request) and permissions.is_agent(request.user)


class TicketReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return registry.is_enabled(MODULE_KEY, request) and permissions.can_see_reports(
            request.user
        )


@hooks.register("register_admin_menu_item")
def register_tickets_menu_item():
    return TicketsMenuItem(
        _("Tickets"), reverse("tickets_admin:inbox"), name="tickets", icon_name="mail", order=150
    )


@hooks.register("register_reports_menu_item")
def register_ticket_reports_menu_item():
    return TicketReportsMenuItem(
        _("Tickets"),
        reverse("tickets_admin:reports"),
        name="ticket-reports",
        icon_name="mail",
        order=1300,
    )


# --- ticket setup -----------------------------------------------------------------------------


def _groups_with(queue: Queue, codename: str) -> list[Group]:
    from guardian.shortcuts import get_groups_with_perms

    return [
        group
        for group, perms in get_groups_with_perms(queue, attach_perms=True).items()
        if codename in perms
    ]


class QueueForm(WagtailAdminModelForm):
    """Adds who works the queue: groups that see and work its tickets (and add internal notes),
    and groups that may also answer customers on them (django-guardian object permissions)."""

    work_groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        label=_("Groups that work this queue"),
        help_text=_("They see the queue's tickets and add internal notes."),
        widget=forms.CheckboxSelectMultiple,
    )
    reply_groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        label=_("Groups that reply to customers"),
        help_text=_("They also answer customers on the queue's tickets."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["work_groups"].initial = [g.pk for g in _groups_with(self.instance, WORK)]
            self.fields["reply_groups"].initial = [g.pk for g in _groups_with(self.instance, REPLY)]

    def save(self, commit=True):
        queue = super().save(commit=commit)
        if commit:
            self.save_groups(queue)
        return queue

    def save_groups(self, queue: Queue) -> None:
        from guardian.shortcuts import assign_perm, remove_perm

        for codename, field in ((WORK, "work_groups"), (REPLY, "reply_groups")):
            chosen = set(self.cleaned_data.get(field) or [])
            current = set(_groups_with(queue, codename))
            for group in chosen - current:
                assign_perm(f"tickets.{codename}", group, queue)
            for group in current - chosen:
                remove_perm(f"tickets.{codename}", group, queue)


class QueueViewSet(SnippetViewSet):
    model = Queue
    icon = "folder-open-inverse"
    menu_label = _("Queues")
    list_display = ["name", "description"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("work_groups"),
            FieldPanel("reply_groups"),
        ],
        base_form_class=QueueForm,
    )


class RequestTypeViewSet(SnippetViewSet):
    model = RequestType
    icon = "list-ul"
    menu_label = _("Request types")
    list_display = ["name", "queue", "default_priority", "active", "sort_order"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return RequestType.objects.select_related("queue")


class CannedResponseViewSet(SnippetViewSet):
    model = CannedResponse
    icon = "openquote"
    menu_label = _("Canned responses")
    list_display = ["title"]
    search_fields = ["title"]


class SlaPolicyViewSet(SnippetViewSet):
    model = SlaPolicy
    icon = "time"
    menu_label = _("SLA policies")
    list_display = ["priority", "first_response_minutes", "resolution_minutes"]


class TicketSetupGroup(SnippetViewSetGroup):
    items = (QueueViewSet, RequestTypeViewSet, CannedResponseViewSet, SlaPolicyViewSet)
    menu_icon = "cog"
    menu_label = _("Ticket setup")
    menu_name = "ticket-setup"
    menu_order = 330


register_snippet(TicketSetupGroup)
