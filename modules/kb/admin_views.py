"""Two admin reports for a knowledge-base team (Reports → Knowledge base activity / Articles).

- *Knowledge base activity*: who did what to which KB page, and when, from Wagtail's page log
  (created, edited, published, unpublished, submitted for review, approved, rejected, moved,
  deleted), newest first, filtered by person, action and date.
- *Knowledge base articles*: every article with its state (draft, scheduled, live, live with
  draft changes, in review), owner, last editor and last publication, filtered by state, owner,
  last editor and publication date.

Both show only pages the signed-in user may add, edit or publish, and, like everything else in
the admin, only the tenant's own schema.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import registry as log_actions
from wagtail.models import Page, PageLogEntry, Revision, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from modules.kb.pages import ArticlePage, CategoryPage, KnowledgeBasePage, SectionPage

KB_PAGE_MODELS = (KnowledgeBasePage, CategoryPage, SectionPage, ArticlePage)
EDIT_PERMISSIONS = ["add", "change", "publish"]

# Page log actions a KB team cares about, in the words the report uses.
ACTIONS = {
    "wagtail.create": _("Created"),
    "wagtail.edit": _("Edited"),
    "wagtail.publish": _("Published"),
    "wagtail.publish.schedule": _("Scheduled"),
    "wagtail.publish.scheduled": _("Published as scheduled"),
    "wagtail.schedule.cancel": _("Schedule cancelled"),
    "wagtail.unpublish": _("Unpublished"),
    "wagtail.workflow.start": _("Submitted for review"),
    "wagtail.workflow.approve": _("Approved"),
    "wagtail.workflow.reject": _("Rejected"),
    "wagtail.workflow.resume": _("Resubmitted"),
    "wagtail.workflow.cancel": _("Review cancelled"),
    "wagtail.revert": _("Reverted"),
    "wagtail.move": _("Moved"),
    "wagtail.rename": _("Renamed"),
    "wagtail.delete": _("Deleted"),
    "wagtail.view_restriction.create": _("Privacy set"),
    "wagtail.view_restriction.edit": _("Privacy changed"),
    "wagtail.view_restriction.delete": _("Privacy removed"),
}


class Status:
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    LIVE = "live"
    LIVE_DRAFT = "live_draft"
    IN_REVIEW = "in_review"

    choices = [
        (DRAFT, _("Draft")),
        (SCHEDULED, _("Scheduled")),
        (LIVE, _("Live")),
        (LIVE_DRAFT, _("Live + draft changes")),
        (IN_REVIEW, _("In review")),
    ]
    labels = dict(choices)


def _kb_content_types() -> list[ContentType]:
    return list(ContentType.objects.get_for_models(*KB_PAGE_MODELS).values())


def _editable_pages(user):
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, EDIT_PERMISSIONS)


def _users_in(ids):
    User = get_user_model()
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", User.USERNAME_FIELD)


# --- activity -----------------------------------------------------------------------------------


class ActivityFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=list(ACTIONS.items()), empty_label=_("All")
    )
    user = django_filters.ModelChoiceFilter(
        label=_("Person"), queryset=lambda request: _activity_users(request), empty_label=_("All")
    )
    timestamp = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = PageLogEntry
        fields = ["action", "user", "timestamp"]


def kb_activity_queryset(user):
    """The page log of KB pages this user may see (Wagtail's own rule, which shows deleted
    pages' entries only to editors of the whole tree), newest first."""
    return (
        PageLogEntry.objects.viewable_by_user(user)
        .filter(content_type__in=_kb_content_types())
        .exclude(action__startswith="wagtail.comments")
        .select_related("user", "content_type")
        .order_by("-timestamp", "-pk")
    )


def _activity_users(request):
    return _users_in(
        kb_activity_queryset(request.user).exclude(user=None).values_list("user", flat=True)
    )


class KbActivityView(ReportView):
    page_title = _("Knowledge base activity")
    header_icon = "history"
    results_template_name = "kb/admin/activity_results.html"
    filterset_class = ActivityFilterSet
    index_url_name = "kb:admin-activity"
    index_results_url_name = "kb:admin-activity-results"
    any_permission_required = EDIT_PERMISSIONS
    list_export = ["timestamp", "user_display_name", "action_label", "label", "page_id"]
    export_headings = {
        "timestamp": _("Date/Time"),
        "user_display_name": _("Person"),
        "action_label": _("Action"),
        "label": _("Page"),
        "page_id": _("Page ID"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.permission_policy = PagePermissionPolicy()

    def get_filename(self):
        return "knowledge-base-activity"

    def get_queryset(self):
        return kb_activity_queryset(self.request.user)

    def decorate_paginated_queryset(self, object_list):
        for entry in object_list:
            entry.action_label = ACTIONS.get(entry.action) or _action_label(entry.action)
        return object_list


def _action_label(action: str) -> str:
    try:
        return str(log_actions.get_action_label(action))
    except KeyError:  # an action whose app is no longer installed
        return action


# --- articles -----------------------------------------------------------------------------------


def kb_articles_queryset(user):
    """Every article this user may work on, annotated with `status` (see Status)."""
    page_id = Cast(OuterRef("pk"), output_field=CharField())
    in_review = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=page_id,
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    scheduled = Revision.page_revisions.filter(object_id=page_id, approved_go_live_at__isnull=False)
    return (
        ArticlePage.objects.filter(pk__in=_editable_pages(user).values("pk"))
        .annotate(
            status=Case(
                When(Exists(in_review), then=Value(Status.IN_REVIEW)),
                When(Exists(scheduled), then=Value(Status.SCHEDULED)),
                When(live=True, has_unpublished_changes=True, then=Value(Status.LIVE_DRAFT)),
                When(live=True, then=Value(Status.LIVE)),
                default=Value(Status.DRAFT),
                output_field=CharField(),
            )
        )
        .select_related("owner", "latest_revision__user", "live_revision__user")
        .order_by("-latest_revision_created_at", "-pk")
    )


class ArticlesFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=lambda request: _article_users(request, "owner"),
        empty_label=_("All"),
    )
    last_editor = django_filters.ModelChoiceFilter(
        label=_("Last edited by"),
        field_name="latest_revision__user",
        queryset=lambda request: _article_users(request, "latest_revision__user"),
        empty_label=_("All"),
    )
    last_published_at = django_filters.DateFromToRangeFilter(
        label=_("Last published"), widget=DateRangePickerWidget
    )

    class Meta:
        model = ArticlePage
        fields = ["status", "owner", "last_editor", "last_published_at"]


def _article_users(request, field: str):
    ids = ArticlePage.objects.filter(pk__in=_editable_pages(request.user).values("pk"))
    return _users_in(ids.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True))


class KbArticlesView(ReportView):
    page_title = _("Knowledge base articles")
    header_icon = "doc-full"
    results_template_name = "kb/admin/articles_results.html"
    filterset_class = ArticlesFilterSet
    index_url_name = "kb:admin-articles"
    index_results_url_name = "kb:admin-articles-results"
    any_permission_required = EDIT_PERMISSIONS
    list_export = ["title", "status_label", "owner", "last_editor", "last_published_at"]
    export_headings = {
        "title": _("Title"),
        "status_label": _("Status"),
        "owner": _("Owner"),
        "last_editor": _("Last edited by"),
        "last_published_at": _("Last published"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.permission_policy = PagePermissionPolicy()

    def get_filename(self):
        return "knowledge-base-articles"

    def get_queryset(self):
        return kb_articles_queryset(self.request.user)

    def decorate_paginated_queryset(self, object_list):
        for page in object_list:
            page.status_label = Status.labels[page.status]
            revision = page.latest_revision
            page.last_editor = revision.user if revision is not None else None
            page.go_live = page.go_live_at
            if page.status == Status.SCHEDULED:
                scheduled = (
                    page.revisions.exclude(approved_go_live_at=None).order_by("-created_at").first()
                )
                page.go_live = scheduled.approved_go_live_at if scheduled else page.go_live_at
        return object_list
