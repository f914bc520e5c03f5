"""Exports in the operator console: "Export data" on a tenant's page, its progress while it is
queued or running, the Download link once done (an attachment, audited), the final exports of
purged tenants, and none of it for anyone but a signed-in, 2FA-verified operator."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tenants import exports
from tenants.models import AuditLog, Tenant, TenantExport
from tests.conftest import TEST_PASSWORD, TenantClient, admin_of
from tests.console.conftest import OPERATOR_EMAIL


@pytest.fixture
def roots(settings, tmp_path):
    settings.EXPORTS_ROOT = str(tmp_path / "exports")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def finished_export(tenant, roots, *, content=b"PK-archive", **fields) -> TenantExport:
    """A done export with a file on disk (as the task leaves it)."""
    schema = fields.pop("schema_name", tenant.schema_name if tenant else "t_gone")
    folder = Path(roots) / "exports" / schema
    folder.mkdir(parents=True, exist_ok=True)
    row = TenantExport.objects.create(
        tenant=tenant,
        tenant_label=fields.pop("tenant_label", tenant.slug if tenant else "gone"),
        schema_name=schema,
        requested_by="ops@platform.example",
        status=TenantExport.Status.DONE,
        progress=100,
        **fields,
    )
    path = folder / f"20250101T000000-{row.pk}.zip"
    path.write_bytes(content)
    row.file = f"{schema}/{path.name}"
    row.size_bytes = len(content)
    row.save()
    return row


def test_export_data_builds_an_archive_the_operator_downloads(
    roots, operator_client, tenant_a, celery_eager, django_capture_on_commit_callbacks
):
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "Export data" in page and "No exports yet." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/export/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/operator/tenants/{tenant_a.pk}/")
    export = TenantExport.objects.get(tenant=tenant_a)
    assert (export.status, export.progress, export.requested_by) == ("done", 100, OPERATOR_EMAIL)
    entry = AuditLog.objects.get(tenant=tenant_a, action="tenant.export.requested")
    assert entry.actor == OPERATOR_EMAIL and entry.detail["export"] == export.pk

    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    download_url = f"/operator/exports/{export.pk}/download/"
    assert f'href="{download_url}"' in page
    assert '<progress max="100" value="100"' in page
    assert "data-export-progress-url" not in page  # nothing left to follow

    response = operator_client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "alpha-export-" in disposition
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zf:
        assert json.loads(zf.read("manifest.json"))["tenant"]["slug"] == "alpha"
    downloaded = AuditLog.objects.get(tenant=tenant_a, action="tenant.export.downloaded")
    assert downloaded.actor == OPERATOR_EMAIL and downloaded.detail["export"] == export.pk


def test_a_running_export_shows_its_progress_and_the_page_follows_it(
    roots, operator_client, tenant_a
):
    running = TenantExport.objects.create(
        tenant=tenant_a,
        tenant_label="alpha",
        schema_name=tenant_a.schema_name,
        requested_by=OPERATOR_EMAIL,
        status=TenantExport.Status.RUNNING,
        progress=42,
        step="Table 50 of 120: wagtailcore_page",
    )
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert '<progress max="100" value="42"' in page
    assert "42%" in page and "Table 50 of 120: wagtailcore_page" in page
    progress_url = f"/operator/exports/{running.pk}/progress/"
    assert f'data-export-progress-url="{progress_url}"' in page
    assert "fetch(url" in page  # the page polls while it runs
    assert "Reload the page to see the export" in page  # and says what to do without script

    data = operator_client.get(progress_url).json()
    assert data["status"] == "running" and data["progress"] == 42 and not data["finished"]
    assert data["download_url"] == ""

    TenantExport.objects.filter(pk=running.pk).update(progress=90)
    assert operator_client.get(progress_url).json()["progress"] == 90


def test_a_failed_export_says_why_and_offers_no_download(roots, operator_client, tenant_a):
    TenantExport.objects.create(
        tenant=tenant_a,
        tenant_label="alpha",
        schema_name=tenant_a.schema_name,
        requested_by=OPERATOR_EMAIL,
        status=TenantExport.Status.FAILED,
        progress=30,
        error="OSError: No space left on device",
    )
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "Failed" in page and "No space left on device" in page
    assert "/download/" not in page


def test_final_exports_of_purged_tenants_stay_downloadable(roots, operator_client):
    gone = finished_export(
        None,
        roots,
        tenant_label="gone-company",
        schema_name="t_0123456789abcdef",
        reason=TenantExport.Reason.FINAL,
        content=b"final archive bytes",
    )
    page = operator_client.get("/operator/exports/", {"final": "1"}).content.decode()
    assert "gone-company" in page and "t_0123456789abcdef" in page
    assert f'href="/operator/exports/{gone.pk}/download/"' in page
    response = operator_client.get(f"/operator/exports/{gone.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"final archive bytes"
    entry = AuditLog.objects.get(action="tenant.export.downloaded", detail__export=gone.pk)
    assert entry.tenant is None and entry.detail["label"] == "gone-company"


def test_a_missing_file_or_unfinished_export_is_not_found(roots, operator_client, tenant_a):
    done = finished_export(tenant_a, roots)
    exports.export_path(done).unlink()
    assert operator_client.get(f"/operator/exports/{done.pk}/download/").status_code == 404
    queued = TenantExport.objects.create(
        tenant=tenant_a, schema_name=tenant_a.schema_name, requested_by="x"
    )
    assert operator_client.get(f"/operator/exports/{queued.pk}/download/").status_code == 404
    assert operator_client.get("/operator/exports/999999/download/").status_code == 404
    assert operator_client.get("/operator/exports/999999/progress/").status_code == 404
    # A file name pointing outside EXPORTS_ROOT is never served.
    TenantExport.objects.filter(pk=queued.pk).update(status="done", file="../../etc/hostname")
    assert operator_client.get(f"/operator/exports/{queued.pk}/download/").status_code == 404
    assert not AuditLog.objects.filter(action="tenant.export.downloaded").exists()


def test_only_verified_operators_reach_exports(
    roots, platform_client, operator, tenant_a, client_a
):
    done = finished_export(tenant_a, roots)
    urls = [
        f"/operator/exports/{done.pk}/download/",
        f"/operator/exports/{done.pk}/progress/",
        "/operator/exports/",
    ]
    # Anonymous, or a tenant's admin (whose session is on the tenant's host only): sign in.
    for url in urls:
        response = platform_client.get(url)
        assert response.status_code == 302 and "/operator/login/" in response["Location"]
    response = platform_client.post(f"/operator/tenants/{tenant_a.pk}/export/")
    assert response.status_code == 302 and "/operator/login/" in response["Location"]

    # A platform user who is not an operator: 403.
    User = get_user_model()
    someone = User.objects.create_user("someone@platform.example", password=TEST_PASSWORD)
    other = TenantClient(platform_client.host)
    other.force_login(someone)
    for url in urls:
        assert other.get(url).status_code == 403
    assert other.post(f"/operator/tenants/{tenant_a.pk}/export/").status_code == 403

    # An operator who has passed the password but not the code: to the code page.
    half = TenantClient(platform_client.host)
    half.force_login(operator)
    response = half.get(urls[0])
    assert response.status_code == 302 and "/operator/login/code/" in response["Location"]
    assert half.post(f"/operator/tenants/{tenant_a.pk}/export/").status_code == 302

    # The tenant's own admin on its own host: there is no such route there.
    from tests.conftest import login_on

    login_on(client_a, tenant_a, admin_of(tenant_a))
    for url in urls:
        assert client_a.get(url).status_code == 404
    assert client_a.post(f"/operator/tenants/{tenant_a.pk}/export/").status_code in (403, 404)

    assert TenantExport.objects.filter(tenant=tenant_a).count() == 1  # only the one made here
    assert not AuditLog.objects.filter(
        action__in=["tenant.export.requested", "tenant.export.downloaded"]
    ).exists()


def test_the_page_of_b_lists_only_b_s_exports(roots, operator_client, tenant_a, tenant_b):
    a_export = finished_export(tenant_a, roots)
    page = operator_client.get(f"/operator/tenants/{tenant_b.pk}/").content.decode()
    assert f"/operator/exports/{a_export.pk}/" not in page
    assert "No exports yet." in page


def test_the_purge_date_shows_on_the_tenant_page_and_in_the_table(operator_client, tenant_a):
    when = timezone.now() + timedelta(days=12)
    Tenant.objects.filter(pk=tenant_a.pk).update(status="cancelled", purge_after=when)
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "Data removed after" in page and when.isoformat()[:10] in page
    table = operator_client.get("/operator/", {"status": "cancelled"}).content.decode()
    assert "data removed after" in table
