"""Feedback and analytics screens in a tenant's Wagtail admin (the "Feedback" menu).

Who sees them: users with the "view page feedback" permission (tenant admins, and any group an
admin grants it to in Settings → Groups); changing an item's status needs "change".
Everything read here lives in the tenant's schema, so the numbers are this portal's alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.insights import charts, selectors, services
from cms.insights.models import FeedbackStatus, MissingContentTask, PageFeedback, ReviewFlag

VIEW_PERM = "insights.view_pagefeedback"
CHANGE_PERM = "insights.change_pagefeedback"


def can_view(user) -> bool:
    return bool(user and user.is_active and user.has_perm(VIEW_PERM))


def can_change(user) -> bool:
    return bool(user and user.is_active and user.has_perm(CHANGE_PERM))


class InsightsAdminMixin(WagtailAdminTemplateMixin):
    header_icon = "help"
    needs_change = False

    def dispatch(self, request, *args, **kwargs):
        allowed = can_change(request.user) if self.needs_change else can_view(request.user)
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@method_decorator(never_cache, name="dispatch")
class InboxView(InsightsAdminMixin, TemplateView):
    template_name = "insights/admin/inbox.html"
    page_title = gettext_lazy("Feedback inbox")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "new")
        if status not in selectors.INBOX_FILTERS:
            status = "new"
        helpful = self.request.GET.get("helpful") or ""
        page_id = self.request.GET.get("page") or ""
        page_id = int(page_id) if page_id.isdigit() else None
        items = selectors.feedback_inbox(status=status, page_id=page_id, helpful=helpful)
        context.update(
            items=Paginator(items, 25).get_page(self.request.GET.get("p")),
            status=status,
            helpful=helpful,
            page_id=page_id,
            tabs=[
                ("new", _("New")),
                ("open", _("New and read")),
                ("resolved", _("Resolved")),
                ("archived", _("Archived")),
                ("all", _("All")),
            ],
            can_change=can_change(self.request.user),
            statuses=FeedbackStatus.choices,
        )
        return context


class FeedbackStatusView(InsightsAdminMixin, View):
    needs_change = True

    def post(self, request, pk: int):
        feedback = get_object_or_404(PageFeedback, pk=pk)
        status = request.POST.get("status", "")
        if status not in FeedbackStatus.values:
            messages.error(request, _("Unknown status."))
        else:
            services.feedback_set_status(feedback=feedback, status=status)
            messages.success(
                request,
                _("Feedback marked as %(status)s.")
                % {"status": FeedbackStatus(status).label.lower()},
            )
        return _back(request, reverse("insights:inbox"))


STATS_COLUMNS = [
    ("title", gettext_lazy("Page")),
    ("views", gettext_lazy("Views (30 days)")),
    ("votes", gettext_lazy("Votes")),
    ("helpful", gettext_lazy("Helpful")),
]


@method_decorator(never_cache, name="dispatch")
class StatsView(InsightsAdminMixin, TemplateView):
    template_name = "insights/admin/stats.html"
    page_title = gettext_lazy("Article stats")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.request.GET.get("order", "-views")
        if order.lstrip("-") not in selectors.STATS_ORDERS:
            order = "-views"
        rows = selectors.page_stats(days=30, order=order)
        columns = []
        for key, label in STATS_COLUMNS:
            current = order.lstrip("-") == key
            descending = order.startswith("-")
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "sort": (
                        "none" if not current else "descending" if descending else "ascending"
                    ),
                    "next": key if current and descending else f"-{key}",
                }
            )
        top = rows[:15] if order == "-views" else sorted(rows, key=lambda r: -r.views)[:15]
        context.update(
            rows=rows,
            order=order,
            columns=columns,
            can_change=can_change(self.request.user),
            chart=charts.bar_chart(
                [(row.page.title[:18], row.views) for row in top if row.views],
                title=_("Most viewed pages, last 30 days"),
                value_label=_("Views"),
                label_header=_("Page"),
                chart_id="views-chart",
            )
            if any(row.views for row in top)
            else "",
        )
        return context


class FlagResolveView(InsightsAdminMixin, View):
    needs_change = True

    def post(self, request, pk: int):
        flag = get_object_or_404(ReviewFlag, pk=pk, resolved_at__isnull=True)
        services.review_flag_resolve(flag=flag)
        messages.success(request, _("Review flag resolved."))
        return _back(request, reverse("insights:stats"))


@method_decorator(never_cache, name="dispatch")
class SearchReportView(InsightsAdminMixin, TemplateView):
    template_name = "insights/admin/search.html"
    page_title = gettext_lazy("Search analytics")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = selectors.search_report(days=30)
        context.update(
            report=report,
            chart=charts.bar_chart(
                [(date_format(day, "j M"), n) for day, n in report.daily],
                title=_("Searches per day, last 30 days"),
                value_label=_("Searches"),
                label_header=_("Day"),
                chart_id="searches-chart",
                show_labels_every=7,
            ),
        )
        return context


@method_decorator(never_cache, name="dispatch")
class MissingView(InsightsAdminMixin, TemplateView):
    template_name = "insights/admin/missing.html"
    page_title = gettext_lazy("Missing articles")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "open")
        tasks = MissingContentTask.objects.select_related("assignee").order_by(
            "-times_seen", "-last_seen"
        )
        if status != "all":
            status = status if status in ("open", "done", "dismissed") else "open"
            tasks = tasks.filter(status=status)
        target = selectors.article_page_type()
        create_url = ""
        if target is not None:
            model, parent = target
            create_url = reverse(
                "wagtailadmin_pages:add",
                args=[model._meta.app_label, model._meta.model_name, parent.pk],
            )
        context.update(
            tasks=tasks[:200],
            status=status,
            create_url=create_url,
            can_change=can_change(self.request.user),
        )
        return context


class MissingStatusView(InsightsAdminMixin, View):
    needs_change = True

    def post(self, request, pk: int):
        task = get_object_or_404(MissingContentTask, pk=pk)
        status = request.POST.get("status", "")
        if status == "assign":
            task.assignee = request.user
            task.save(update_fields=["assignee"])
            messages.success(request, _("Assigned to you."))
        elif status in ("open", "done", "dismissed"):
            services.missing_content_set_status(task=task, status=status)
            messages.success(
                request, _("Missing article “%(query)s” updated.") % {"query": task.query}
            )
        else:
            messages.error(request, _("Unknown status."))
        return _back(request, reverse("insights:missing"))
