"""Operator console: tenant export archives (tenants.exports)."""

from django.urls import path

from tenants.console import export_views

urlpatterns = [
    path("tenants/<int:tenant_id>/export/", export_views.export_request, name="tenant-export"),
    path("exports/", export_views.export_list, name="exports"),
    path("exports/<int:export_id>/progress/", export_views.export_progress, name="export-progress"),
    path("exports/<int:export_id>/download/", export_views.export_download, name="export-download"),
]
