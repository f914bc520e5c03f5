"""Operator console: export a tenant's data as a downloadable archive, follow its progress, and
download it, including the final exports kept after a tenant was purged. Operators only (the
console's two-step sign-in); every request and download is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cms.ratelimit import client_ip
from tenants import exports, selectors
from tenants.console.views import PAGE_SIZE, _actor, operator_required
from tenants.models import TenantExport


@require_POST
@operator_required
def export_request(request, tenant_id: int):
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    if not exports.can_export(tenant):
        messages.error(request, _("This tenant has no data to export."))
        return redirect("console:tenant", tenant_id=tenant.pk)
    try:
        export = exports.export_request(tenant=tenant, actor=_actor(request), ip=client_ip(request))
    except exports.ExportError as exc:
        messages.error(request, str(exc))
    else:
        export.refresh_from_db()
        if export.status == TenantExport.Status.DONE:
            messages.success(request, _("The export of %(name)s is ready.") % {"name": tenant})
        elif export.status == TenantExport.Status.FAILED:
            messages.error(request, _("The export of %(name)s failed.") % {"name": tenant})
        else:
            messages.success(
                request,
                _("The export of %(name)s is under way; this page shows its progress.")
                % {"name": tenant},
            )
    return redirect(reverse("console:tenant", args=[tenant.pk]) + "#exports-heading")


def _progress(export: TenantExport) -> dict:
    data = exports.export_progress(export)
    data["size_label"] = filesizeformat(export.size_bytes) if export.size_bytes else ""
    data["download_url"] = (
        reverse("console:export-download", args=[export.pk])
        if export.status == TenantExport.Status.DONE
        else ""
    )
    return data


@require_GET
@operator_required
def export_progress(request, export_id: int):
    """The export's status and percent, polled by the tenant page while it runs."""
    export = exports.export_get(export_id=export_id)
    return JsonResponse(_progress(export))


@require_GET
@operator_required
def export_download(request, export_id: int):
    """The archive, as an attachment. Audited `tenant.export.downloaded`."""
    export = exports.export_get(export_id=export_id)
    path = exports.export_path(export)
    exports.export_mark_downloaded(export=export, actor=_actor(request), ip=client_ip(request))
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=exports.export_download_name(export),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@operator_required
def export_list(request):
    """Every export, newest first; `?final=1` keeps the final exports (purged tenants' data)."""
    final_only = request.GET.get("final") == "1"
    rows = exports.exports_list(final_only=final_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/exports.html", {"page": page, "final_only": final_only})
