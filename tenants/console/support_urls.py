"""Operator console: "view as" support access to a tenant's admin."""

from django.urls import path

from tenants.console import support_views

urlpatterns = [
    path(
        "tenants/<int:tenant_id>/support/",
        support_views.support_start,
        name="tenant-support-start",
    ),
    path(
        "tenants/<int:tenant_id>/support/<int:access_id>/end/",
        support_views.support_end,
        name="tenant-support-end",
    ),
]
