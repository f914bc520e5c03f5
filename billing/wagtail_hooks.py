"""Billing in a portal's admin: Settings → Billing (administrators only)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from billing import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("billing/", admin_views.overview, name="billing_overview")]


class BillingMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_manage_billing(request.user)


@hooks.register("register_settings_menu_item")
def register_billing_menu_item():
    return BillingMenuItem(_("Billing"), reverse("billing_overview"), icon_name="pick", order=1000)


@hooks.register("admin_notices")
def billing_notices(request):
    """The tenant's billing state at the top of every admin page: the trial's last week, a failed
    payment (with the date the portal will be suspended), a read-only or suspended portal. Staff
    see why; administrators also get the way to the billing page."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import formats, timezone
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from tenants.admin_notices import AdminNotice
    from tenants.models import TenantStatus

    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated:
        return []
    manager = admin_views.can_manage_billing(user)
    link = {"link_url": reverse("billing_overview"), "link_label": _("Go to billing")}
    if not manager:
        link = {}
    status = tenant.status
    if status == TenantStatus.TRIALING and tenant.trial_ends_at and manager:
        left = tenant.trial_ends_at - timezone.now()
        if left <= timedelta(days=7):
            days = max(0, left.days)
            message = ngettext(
                "Your trial ends in %(days)d day. "
                "Choose a plan to keep the portal open for changes.",
                "Your trial ends in %(days)d days. "
                "Choose a plan to keep the portal open for changes.",
                days,
            ) % {"days": days}
            return [AdminNotice(message, "info" if days > 2 else "warning", **link)]
    if status == TenantStatus.PAST_DUE:
        changed = tenant.status_changed_at or timezone.now()
        suspend_on = changed + timedelta(days=settings.BILLING_GRACE_DAYS)
        message = _(
            "The last payment failed. Unless it is paid, the portal will be suspended on %(date)s."
        ) % {"date": formats.date_format(timezone.localtime(suspend_on), "DATE_FORMAT")}
        return [AdminNotice(message, "critical", **link)]
    if status == TenantStatus.READ_ONLY:
        message = _(
            "The trial has ended: the portal is read-only until a plan is chosen. "
            "Nothing was deleted."
        )
        return [AdminNotice(message, "critical", **link)]
    if status == TenantStatus.SUSPENDED:
        message = _(
            "This portal is suspended: customers cannot reach it and nothing can be changed."
        )
        return [AdminNotice(message, "critical", **link)]
    return []
