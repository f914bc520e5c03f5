"""Insights in the Wagtail admin (the Feedback menu, the dashboard panel, the numbers on a
page's edit view) and the page-serve hook that counts views of any page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from cms.insights import admin_views, selectors, services
from cms.insights.middleware import remember_page_at
from cms.insights.models import FeedbackStatus, MissingContentTask, PageFeedback, TaskStatus


@hooks.register("before_serve_page")
def count_page_view(page, request, serve_args, serve_kwargs):
    """One view per GET of a live page by a visitor (see services.view_is_countable). Previews
    never reach this hook; views answered from the page cache are counted by
    cms.insights.middleware.PageViewMiddleware, which learns here which page a path shows."""
    if not services.view_is_countable(request):
        return None
    services.page_view_record(page_id=page.pk)
    if not request.user.is_authenticated:
        remember_page_at(request, page.pk)
    return None


class InsightsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_view(request.user)


class InsightsSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return admin_views.can_view(request.user)


@hooks.register("register_admin_urls")
def register_insights_urls():
    urls = [
        path("", admin_views.InboxView.as_view(), name="inbox"),
        path("<int:pk>/status/", admin_views.FeedbackStatusView.as_view(), name="feedback-status"),
        path("stats/", admin_views.StatsView.as_view(), name="stats"),
        path("flags/<int:pk>/resolve/", admin_views.FlagResolveView.as_view(), name="flag-resolve"),
        path("search/", admin_views.SearchReportView.as_view(), name="search"),
        path("missing/", admin_views.MissingView.as_view(), name="missing"),
        path(
            "missing/<int:pk>/status/",
            admin_views.MissingStatusView.as_view(),
            name="missing-status",
        ),
    ]
    return [path("feedback/", include((urls, "insights"), namespace="insights"))]


@hooks.register("register_admin_menu_item")
def register_feedback_menu():
    menu = Menu(
        items=[
            InsightsMenuItem(
                gettext_lazy("Inbox"),
                reverse("insights:inbox"),
                name="feedback-inbox",
                icon_name="mail",
                order=100,
            ),
            InsightsMenuItem(
                gettext_lazy("Article stats"),
                reverse("insights:stats"),
                name="feedback-stats",
                icon_name="list-ol",
                order=200,
            ),
            InsightsMenuItem(
                gettext_lazy("Search analytics"),
                reverse("insights:search"),
                name="feedback-search",
                icon_name="search",
                order=300,
            ),
            InsightsMenuItem(
                gettext_lazy("Missing articles"),
                reverse("insights:missing"),
                name="feedback-missing",
                icon_name="warning",
                order=400,
            ),
        ]
    )
    return InsightsSubmenu(
        gettext_lazy("Feedback"), menu, name="feedback", icon_name="help", order=350
    )


@hooks.register("register_permissions")
def register_insights_permissions():
    # "view" opens the Feedback screens, "change" marks items read/resolved, done or dismissed.
    return Permission.objects.filter(
        content_type__app_label="insights",
        codename__in=["view_pagefeedback", "change_pagefeedback"],
    )


class AttentionPanel(Component):
    name = "insights_attention"
    order = 120
    template_name = "insights/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        return {
            "flags": list(selectors.open_flags_for(self.request.user)[:10]),
            "tasks": list(
                MissingContentTask.objects.filter(status=TaskStatus.OPEN).order_by("-times_seen")[
                    :5
                ]
            ),
            "new_comments": PageFeedback.objects.exclude(comment="")
            .filter(status=FeedbackStatus.NEW)
            .count(),
        }

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not (context["flags"] or context["tasks"] or context["new_comments"]):
            return ""
        return super().render_html(parent_context)


@hooks.register("construct_homepage_panels")
def add_attention_panel(request, panels):
    if admin_views.can_view(request.user):
        panels.append(AttentionPanel(request))


@hooks.register("before_edit_page")
def show_page_numbers(request, page):
    """The editor sees a page's views and helpfulness when opening it, and a flag if visitors
    find it unhelpful."""
    if request.method != "GET" or not admin_views.can_view(request.user):
        return None
    rows = selectors.page_stats(days=30, page_ids=[page.pk])
    if not rows:
        return None
    row = rows[0]
    if row.votes:
        text = _(
            "Last 30 days: %(views)s views. Was it helpful? %(yes)s yes, %(no)s no (%(share)s%% "
            "helpful)."
        ) % {"views": row.views, "yes": row.yes, "no": row.no, "share": row.helpful_share}
    else:
        text = _("Last 30 days: %(views)s views, no votes yet.") % {"views": row.views}
    if row.flag is not None:
        messages.warning(
            request,
            text + " " + _("Flagged for review: many visitors found it unhelpful."),
        )
    else:
        messages.info(request, text)
    return None
