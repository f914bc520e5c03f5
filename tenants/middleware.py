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
    not change anything: every write on its host is refused."""

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
        return self.get_response(request)
