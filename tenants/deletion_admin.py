"""The owner's deletion request in the tenant admin: hooks, pages and notices.

- Settings → Delete portal (the portal's administrators, i.e. its superusers): "Delete this
  portal and all its data", confirmed by typing the portal's slug and the administrator's own
  password. The portal closes for customers at once and its data is removed when the retention
  window (TENANT_RETENTION_DAYS) ends; the owner is emailed the date.
- Until then every staff user sees a critical notice with the date at the top of the admin, and
  administrators get an "Undo" button that reopens the portal as it was.
- A portal cancelled because its subscription ended gets the same notice with the date, and the
  way to a plan.

Both POSTs are let through TenantStatusMiddleware for a closed portal's administrators only
(tenants.lifecycle.closed_allowed). Everything here reads and writes the request's own tenant.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.ratelimit import client_ip
from tenants import services
from tenants.admin_notices import AdminNotice
from tenants.models import TenantStatus


def can_delete_portal(user) -> bool:
    """The portal's administrators (superusers of its schema), never platform support looking
    at the admin (tenants.support: an administrator account, read-only)."""
    from tenants.support import is_support_user

    return bool(
        user.is_authenticated and user.is_active and user.is_superuser and not is_support_user(user)
    )


def _actor(user) -> str:
    return user.email or user.get_username()


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


class DeletionRequestForm(forms.Form):
    confirm_slug = forms.CharField(
        label=gettext_lazy("The portal's address name"),
        max_length=63,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, tenant, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.user = user
        self.fields["confirm_slug"].help_text = format_html(
            _("Type {slug} to confirm."), slug=format_html("<code>{}</code>", tenant.slug)
        )

    def clean_confirm_slug(self):
        typed = self.cleaned_data["confirm_slug"].lower()
        if typed != (self.tenant.slug or ""):
            raise ValidationError(
                _("That is not this portal's name: type %(slug)s exactly.")
                % {"slug": self.tenant.slug}
            )
        return typed

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That password is not right. Nothing was deleted."))
        return password


@require_http_methods(["GET", "POST"])
def deletion(request):
    """Settings → Delete portal: the request form, or, once asked, the date and the undo."""
    if not can_delete_portal(request.user):
        raise PermissionDenied
    tenant = request.tenant
    form = DeletionRequestForm(request.POST or None, tenant=tenant, user=request.user)
    requested = tenant.deletion_requested_at is not None
    status = 200
    if request.method == "POST":
        if requested or tenant.deleted_at is not None:
            messages.error(request, _("Deletion of this portal has already been requested."))
            return redirect("portal_deletion")
        if form.is_valid():
            try:
                services.tenant_deletion_request(
                    tenant=tenant, actor=_actor(request.user), ip=client_ip(request)
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                # The page it lands on, and the notice on every admin page, say the date.
                return redirect("portal_deletion")
        status = 400
    return render(
        request,
        "tenants/admin/deletion.html",
        {
            "tenant": tenant,
            "form": form,
            "requested": requested,
            "purge_date": _date(tenant.purge_after) if tenant.purge_after else "",
            "retention_days": services.retention_days(),
            "can_undo": requested and tenant.deleted_at is None,
            "paying": _pays_by_subscription(tenant),
        },
        status=status,
    )


def _pays_by_subscription(tenant) -> bool:
    """Whether a Stripe subscription still runs (a deletion request stops its renewal)."""
    from billing.models import Subscription
    from billing.services import LIVE

    return Subscription.objects.filter(tenant=tenant, status__in=LIVE).exists()


@require_POST
def deletion_undo(request):
    """Undo the deletion request: the portal reopens as it was before."""
    if not can_delete_portal(request.user):
        raise PermissionDenied
    try:
        services.tenant_deletion_undo(
            tenant=request.tenant, actor=_actor(request.user), ip=client_ip(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Deletion undone: the portal is open again."))
        return redirect("wagtailadmin_home")
    return redirect("portal_deletion")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("portal-deletion/", deletion, name="portal_deletion"),
        path("portal-deletion/undo/", deletion_undo, name="portal_deletion_undo"),
    ]


class DeletionMenuItem(MenuItem):
    def is_shown(self, request):
        return can_delete_portal(request.user)


@hooks.register("register_settings_menu_item")
def register_deletion_menu_item():
    return DeletionMenuItem(
        gettext_lazy("Delete portal"), reverse("portal_deletion"), icon_name="bin", order=1100
    )


@hooks.register("admin_notices")
def deletion_notices(request):
    """A cancelled portal's admin says when its data will be deleted: with "Undo" for its
    administrators when the owner asked for it, with the way to a plan when the subscription
    ended. Staff who are not administrators see the date only."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated or not user.is_staff:
        return []
    if tenant.status != TenantStatus.CANCELLED or tenant.purge_after is None:
        return []
    manager = can_delete_portal(user)
    date = _date(tenant.purge_after)
    if tenant.deletion_requested_at is not None:
        message = _(
            "This portal will be deleted on %(date)s. It is closed to customers until then."
        ) % {"date": date}
        extra = {}
        if manager and tenant.deleted_at is None:
            extra = {
                "link_url": reverse("portal_deletion"),
                "link_label": _("Details"),
                "action_url": reverse("portal_deletion_undo"),
                "action_label": _("Undo"),
            }
        return [AdminNotice(message, "critical", **extra)]
    message = _(
        "The subscription has ended: the portal is closed, and its data will be deleted on "
        "%(date)s unless a plan is chosen."
    ) % {"date": date}
    extra = {}
    if manager:
        extra = {"link_url": reverse("billing_overview"), "link_label": _("Go to billing")}
    return [AdminNotice(message, "critical", **extra)]
