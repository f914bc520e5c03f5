"""Insights tasks. Sent from a tenant's request, they carry its schema and run in it."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.insights.models import ReviewFlag


@shared_task(name="insights.tasks.notify_review_flag")
def notify_review_flag(flag_id: int) -> bool:
    """Email a flagged page's owner that visitors find it unhelpful. Returns whether a mail went
    out (no owner or no address: nothing to send)."""
    flag = ReviewFlag.objects.select_related("page", "owner").filter(pk=flag_id).first()
    if flag is None or flag.owner is None or not flag.owner.email:
        return False
    page = flag.page
    site = page.get_site()
    root = site.root_url if site else ""
    edit_url = root + reverse("wagtailadmin_pages:edit", args=[page.pk])
    stats_url = root + reverse("insights:stats")
    body = _(
        "Visitors find “%(title)s” unhelpful: %(share)s%% of %(votes)s votes said “No”.\n\n"
        "Their comments are in the feedback inbox; the page is flagged for your review.\n\n"
        "Edit the page: %(edit)s\nArticle stats: %(stats)s\n"
    ) % {
        "title": page.title,
        "share": flag.not_helpful_share,
        "votes": flag.votes,
        "edit": edit_url,
        "stats": stats_url,
    }
    send_mail(
        _("“%(title)s” needs a review") % {"title": page.title},
        body,
        None,
        [flag.owner.email],
    )
    return True
