"""Support access ("view as") in the tenant admin: hooks, pages and notices.

- Every staff user of the tenant sees a notice while an operator's access is live; its
  administrators (superusers) get a button that revokes it at once.
- The support session itself sees that it is read-only and until when, with a button to end it.
- Settings → Support access (administrators): every access to this tenant, past and live.

The accesses are public-schema rows (tenants.models.SupportAccess), always read filtered by the
request's tenant (tenants.support).
"""

from __future__ import annotations

from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.ratelimit import client_ip
from tenants import support
from tenants.admin_notices import AdminNotice

PAGE_SIZE = 50


def can_manage_support(user) -> bool:
    """The tenant's administrators: they see the history and may revoke an access."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _time(value) -> str:
    # 24-hour "14:05": a locale's "2:05 p.m." would end the notice's sentence in "p.m.."
    return formats.time_format(timezone.localtime(value), "H:i")


@require_GET
def history(request):
    """Settings → Support access: every operator's access to this portal, newest first."""
    if not can_manage_support(request.user):
        raise PermissionDenied
    accesses = support.support_access_list(tenant=request.tenant)
    page = Paginator(accesses, PAGE_SIZE).get_page(request.GET.get("p"))
    now = timezone.now()
    own = support.request_access(request)
    rows = [
        {
            "access": access,
            "status": support.status_of(access, now),
            "can_end": own is None and support.status_of(access, now) == "live",
        }
        for access in page.object_list
    ]
    return render(
        request,
        "tenants/admin/support_history.html",
        {"page": page, "rows": rows, "max_minutes": support.max_minutes()},
    )


@require_POST
def end(request, access_id: int):
    """End an access: the support session ends its own (and is signed out); an administrator
    revokes any live access to this portal."""
    access = support.support_access_get(tenant=request.tenant, access_id=access_id)
    own = support.request_access(request)
    if own is not None:
        if own.pk != access.pk:
            raise PermissionDenied
        support.support_access_end(
            access=access, by=access.operator, ip=client_ip(request), how=support.HOW_ENDED
        )
        auth.logout(request)
        return HttpResponseRedirect(support.ENDED_PATH)
    if not can_manage_support(request.user) or support.is_support_user(request.user):
        raise PermissionDenied
    if access.is_live():
        support.support_access_end(
            access=access,
            by=request.user.email or request.user.get_username(),
            ip=client_ip(request),
            how=support.HOW_REVOKED,
        )
        messages.success(
            request,
            _("Support access by %(operator)s has ended. Their session is signed out.")
            % {"operator": access.operator},
        )
    else:
        messages.info(request, _("This support access had already ended."))
    return redirect("support_access_history")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("support-access/", history, name="support_access_history"),
        path("support-access/<int:access_id>/end/", end, name="support_access_end"),
    ]


class SupportAccessMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_support(request.user)


@hooks.register("register_settings_menu_item")
def register_support_menu_item():
    return SupportAccessMenuItem(
        gettext_lazy("Support access"),
        reverse("support_access_history"),
        icon_name="view",
        order=1010,
    )


@hooks.register("admin_notices")
def support_notices(request):
    """The support session is told it is read-only and until when; every staff user sees who
    from platform support can see the admin, until when and why, and administrators can end
    it. Nothing in another tenant's admin: accesses are read for the request's tenant."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated or not user.is_staff:
        return []
    own = support.request_access(request)
    if own is not None:
        return [
            AdminNotice(
                _("You are viewing as platform support, read-only, until %(time)s.")
                % {"time": _time(own.expires_at)},
                "warning",
                action_url=reverse("support_access_end", args=[own.pk]),
                action_label=_("End"),
            )
        ]
    manager = can_manage_support(user)
    notices = []
    for access in support.live_accesses(tenant=tenant):
        message = _(
            "Platform support (%(operator)s) can see this admin until %(time)s. Reason: %(reason)s."
        ) % {
            "operator": access.operator,
            "time": _time(access.expires_at),
            "reason": access.reason.rstrip(" ."),
        }
        extra = {}
        if manager:
            extra = {
                "link_url": reverse("support_access_history"),
                "link_label": _("Support access history"),
                "action_url": reverse("support_access_end", args=[access.pk]),
                "action_label": _("End support access"),
            }
        notices.append(AdminNotice(message, "warning", **extra))
    return notices
