"""Tenant export archives (tenants.exports): what an operator gets when they download one.

The zip holds a manifest whose row counts are the tables' real counts, one CSV per table, the
schema's DDL, and the tenant's media files byte for byte; progress climbs to 100 through
intermediate values; a failed export is marked failed and leaves no file; and tenant B's archive
never holds A's rows or files (a symbolic link planted in B's media folder included)."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tenants import exports
from tenants.models import AuditLog, TenantExport
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def roots(settings, tmp_path):
    settings.EXPORTS_ROOT = str(tmp_path / "exports")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def put_media(tenant, relative: str, data: bytes) -> Path:
    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / tenant.schema_name / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def build(tenant, actor="ops@platform.example") -> TenantExport:
    connection.set_schema_to_public()
    export = exports.export_create(tenant=tenant, actor=actor, reason=TenantExport.Reason.OPERATOR)
    return exports.export_run(export_id=export.pk)


def archive(export: TenantExport) -> zipfile.ZipFile:
    assert export.status == TenantExport.Status.DONE, export.error
    return zipfile.ZipFile(exports.export_path(export))


def real_count(schema: str, table: str) -> int:
    from psycopg import sql

    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)).as_string()
        )
        return cursor.fetchone()[0]


def test_the_archive_holds_every_table_with_its_real_count_and_the_media_byte_for_byte(
    roots, tenant_a
):
    with tenant_context(tenant_a):
        make_customer("first@export-a.example")
        make_customer("second@export-a.example")
    image = put_media(tenant_a, "original_images/logo.png", b"\x89PNG" + os.urandom(3000))
    private = put_media(tenant_a, "private/tickets/1/contract.txt", b"signed, sealed" * 50)

    export = build(tenant_a)
    assert export.progress == 100 and export.file.startswith(f"{tenant_a.schema_name}/")
    assert export.size_bytes == exports.export_path(export).stat().st_size
    with archive(export) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
        assert manifest["tenant"]["slug"] == "alpha"
        assert manifest["tenant"]["schema"] == tenant_a.schema_name
        assert manifest["tenant"]["plan"] == tenant_a.plan
        assert manifest["export"]["exported_at"] and manifest["tenant"]["created_at"]
        assert any(m["app"] == "wagtailcore" for m in manifest["migrations"])
        tables = {t["name"]: t for t in manifest["tables"]}
        assert {"auth_user", "wagtailcore_page", "django_migrations"} <= set(tables)
        for name, table in tables.items():
            assert table["rows"] == real_count(tenant_a.schema_name, name), name
            assert table["file"] in names
        users = list(csv.DictReader(io.StringIO(zf.read(tables["auth_user"]["file"]).decode())))
        assert len(users) == tables["auth_user"]["rows"]
        assert {"first@export-a.example", "second@export-a.example"} <= {u["email"] for u in users}
        assert zf.read("media/original_images/logo.png") == image.read_bytes()
        assert zf.read("media/private/tickets/1/contract.txt") == private.read_bytes()
        assert manifest["media"] == {
            "files": 2,
            "bytes": image.stat().st_size + private.stat().st_size,
        }
        if manifest["ddl"]["included"]:
            ddl = zf.read("schema.sql").decode()
            assert f"CREATE TABLE {tenant_a.schema_name}.auth_user" in ddl
        else:
            assert manifest["ddl"]["note"]
    # Nothing half-written is left beside it.
    assert [p.name for p in exports.export_path(export).parent.iterdir()] == [
        Path(export.file).name
    ]
    assert AuditLog.objects.filter(tenant=tenant_a, action="tenant.export.done").exists()


def test_without_pg_dump_the_manifest_says_the_ddl_is_left_out(roots, tenant_a, monkeypatch):
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)
    with archive(build(tenant_a)) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["ddl"] == {"included": False, "note": "pg_dump not found"}
        assert "schema.sql" not in zf.namelist()


def test_progress_climbs_through_intermediate_values_to_100(roots, tenant_a, monkeypatch):
    for n in range(4):
        put_media(tenant_a, f"documents/file-{n}.txt", b"x" * (1000 * (n + 1)))
    seen: list[int] = []
    save = exports._save_progress

    def record(export_id, percent, step):
        seen.append(percent)
        save(export_id, percent, step)

    monkeypatch.setattr(exports, "PROGRESS_EVERY_SECONDS", 0)
    monkeypatch.setattr(exports, "_save_progress", record)
    export = build(tenant_a)
    assert export.status == TenantExport.Status.DONE and export.progress == 100
    assert seen == sorted(seen)
    assert any(0 < p < 50 for p in seen)  # tables
    assert any(50 <= p < 100 for p in seen)  # media
    assert export.step == "Done"


def test_progress_is_written_a_few_times_a_second_at_most(monkeypatch):
    """With a clock the test moves: the first report is written, reports within
    PROGRESS_EVERY_SECONDS of the last write are not, a forced one always is, and the percent
    never goes backwards."""
    writes: list[int] = []
    monkeypatch.setattr(
        exports, "_save_progress", lambda _id, percent, _step: writes.append(percent)
    )
    clock = [1000.0]
    monkeypatch.setattr(exports.time, "monotonic", lambda: clock[0])
    progress = exports._Progress(export_id=0)
    every = exports.PROGRESS_EVERY_SECONDS
    progress.report(10, "tables")
    for step, percent in ((every / 5, 20), (every / 2, 30)):
        clock[0] = 1000.0 + step
        progress.report(percent, "tables")
    assert writes == [10]  # within the interval: nothing written
    clock[0] = 1000.0 + every * 1.2
    progress.report(25, "tables")  # past the interval: written
    progress.report(15, "media", force=True)  # forced, but lower than what was shown: kept
    progress.report(40, "media", force=True)
    assert writes == [10, 25, 25, 40]


def test_a_failing_export_is_marked_failed_and_leaves_no_file(roots, tenant_a, monkeypatch):
    put_media(tenant_a, "documents/kept.txt", b"kept")
    real = exports._media_files

    def vanishing(schema):  # a file removed between listing and reading
        return [*real(schema), (Path(roots) / "media" / "gone.bin", "media/gone.bin", 10)]

    monkeypatch.setattr(exports, "_media_files", vanishing)
    export = build(tenant_a)
    assert export.status == TenantExport.Status.FAILED
    assert "FileNotFoundError" in export.error
    assert export.file == "" and export.finished_at is not None
    folder = Path(roots) / "exports" / tenant_a.schema_name
    assert list(folder.iterdir()) == []
    entry = AuditLog.objects.get(tenant=tenant_a, action="tenant.export.failed")
    assert entry.detail["export"] == export.pk
    with pytest.raises(Exception):  # noqa: B017 - Http404: nothing to download
        exports.export_path(export)


def test_b_s_archive_never_holds_a_s_rows_or_files(roots, tenant_a, tenant_b):
    with tenant_context(tenant_a):
        make_customer("only-in-alpha@export.example")
    put_media(tenant_a, "private/secret-of-alpha.txt", b"alpha's secret")
    put_media(tenant_b, "documents/beta.txt", b"beta's own")
    # A symbolic link planted in B's folder, to A's folder and to one of A's files.
    b_root = Path(roots) / "media" / tenant_b.schema_name
    os.symlink(Path(roots) / "media" / tenant_a.schema_name, b_root / "alpha-folder")
    os.symlink(
        Path(roots) / "media" / tenant_a.schema_name / "private" / "secret-of-alpha.txt",
        b_root / "documents" / "alpha-file.txt",
    )
    with archive(build(tenant_b)) as zf:
        assert json.loads(zf.read("manifest.json"))["tenant"]["schema"] == tenant_b.schema_name
        assert [n for n in zf.namelist() if n.startswith("media/")] == ["media/documents/beta.txt"]
        for name in zf.namelist():
            data = zf.read(name)
            assert b"only-in-alpha@export.example" not in data, name
            assert b"alpha's secret" not in data, name
            assert tenant_a.schema_name.encode() not in data, name


def test_a_requested_export_runs_in_the_celery_task_after_commit(
    roots, tenant_a, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = exports.export_request(tenant=tenant_a, actor="ops@platform.example")
        assert export.status == TenantExport.Status.QUEUED
        # Asking again while it is queued returns the same export, not a second one.
        again = exports.export_request(tenant=tenant_a, actor="ops@platform.example")
        assert again.pk == export.pk
    assert len(callbacks) == 1
    export.refresh_from_db()
    assert export.status == TenantExport.Status.DONE
    assert exports.export_path(export).is_file()
    requested = AuditLog.objects.filter(tenant=tenant_a, action="tenant.export.requested")
    assert requested.count() == 1 and requested.get().detail["export"] == export.pk


def test_an_export_whose_worker_died_does_not_block_a_new_one(roots, tenant_a):
    from django.utils import timezone

    dead = exports.export_create(tenant=tenant_a, actor="ops@platform.example", reason="operator")
    TenantExport.objects.filter(pk=dead.pk).update(
        status=TenantExport.Status.RUNNING,
        created_at=timezone.now() - exports.STALE_AFTER - timedelta(minutes=1),
    )
    fresh = exports.export_request(tenant=tenant_a, actor="ops@platform.example")
    assert fresh.pk != dead.pk
    dead.refresh_from_db()
    assert dead.status == TenantExport.Status.FAILED and "Interrupted" in dead.error
    # one still within its time is waited for
    assert exports.export_request(tenant=tenant_a, actor="ops@platform.example").pk == fresh.pk


def test_a_redelivered_task_does_not_build_twice(roots, tenant_a):
    export = build(tenant_a)
    assert exports.export_run(export_id=export.pk).file == export.file
    assert len(list(exports.export_path(export).parent.iterdir())) == 1


def test_only_tenant_schemas_are_read(roots, tenant_a):
    from tenants.models import Tenant

    platform = Tenant.objects.get(schema_name="public")
    with pytest.raises(exports.ExportError):
        exports.export_create(tenant=platform, actor="x", reason="operator")
    bad = TenantExport.objects.create(
        tenant=tenant_a, schema_name='alpha"; DROP SCHEMA public; --', requested_by="x"
    )
    assert exports.export_run(export_id=bad.pk).status == TenantExport.Status.FAILED
