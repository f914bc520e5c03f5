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
