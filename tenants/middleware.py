from django.db import connection
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.models import TenantStatus

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TenantMiddleware(TenantMainMiddleware):
    """Picks the tenant schema from the Host header (django-tenants); unknown hosts get the
    platform's 404 page (DEFAULT_NOT_FOUND_TENANT_VIEW), never another tenant."""


class TenantStatusMiddleware:
    """A suspended (or cancelled) tenant's portal shows a clear page, and its admin can look but
    not change anything: every write on its host is refused, except signing in and out and the
    administrators' deletion request and its undo (lifecycle.closed_allowed). A read-only tenant
    (trial ended without a plan) keeps its portal readable and its admin open, and refuses every
    write except signing in and out, the language switch, exports and the way to a plan."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is None or connection.schema_name == "public":
            return self.get_response(request)
        if tenant.status in (TenantStatus.SUSPENDED, TenantStatus.CANCELLED):
            path = request.path
            is_admin = path.startswith("/admin/")
            is_static = path.startswith("/static/")
            if is_static or (is_admin and request.method in SAFE_METHODS):
                return self.get_response(request)
            from tenants.lifecycle import closed_allowed

            if closed_allowed(path, getattr(request, "user", None)):
                return self.get_response(request)
            if path.startswith("/api/"):
                from api.errors import problem_response

                return problem_response(
                    status=403,
                    title="Portal suspended",
                    detail="This portal is suspended; nothing can be changed.",
                    type_="suspended",
                )
            return render(
                request,
                "tenants/suspended.html",
                {"tenant": tenant, "is_admin": is_admin},
                status=403 if is_admin else 503,
            )
        if tenant.status == TenantStatus.READ_ONLY and request.method not in SAFE_METHODS:
            from tenants.lifecycle import read_only_allowed

            if not read_only_allowed(request.path):
                return self._read_only(request, tenant)
        return self.get_response(request)

    @staticmethod
    def _read_only(request, tenant):
        """A write on a portal whose trial ended: refused, saying why and what to do."""
        if request.path.startswith("/api/"):
            from api.errors import problem_response

            return problem_response(
                status=403,
                title="Portal is read-only",
                detail="The trial has ended; choose a plan in the admin to make changes again.",
                type_="read-only",
            )
        return render(
            request,
            "tenants/read_only.html",
            {"tenant": tenant, "is_admin": request.path.startswith("/admin/")},
            status=403,
        )
