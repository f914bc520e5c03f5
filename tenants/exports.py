"""Tenant export archives: every table of a tenant's schema and every file of its media folder,
in one zip under EXPORTS_ROOT/<schema>/, for platform operators.

An operator asks for one in the console (`export_request`); a Celery task builds it
(`tenants.tasks.tenant_export_run` → `export_run`) and records its progress on the
`TenantExport` row, which the console polls. The nightly run builds a final one before a
cancelled tenant's schema is dropped (`tenants.lifecycle.purge_expired`), synchronously.

The archive holds:

- `manifest.json`: the tenant (slug, name, schema, plan, status, created), when and why it was
  exported, the Django migrations applied in its schema, each table with its row count, the
  media files' count and size, and whether the DDL is included;
- `tables/<table>.csv`: each table of the schema, `COPY … TO STDOUT WITH CSV HEADER`, streamed;
- `schema.sql`: the schema's DDL from `pg_dump --schema-only` (left out, and said so in the
  manifest, when `pg_dump` is missing or fails);
- `media/…`: every regular file under MEDIA_ROOT/<schema>/ (private files included; symbolic
  links are never followed, so nothing outside the tenant's own folder gets in).

Tables are read in one REPEATABLE READ snapshot (a dedicated connection) so that the archive is
consistent; progress goes through Django's own connection, committed as it goes. When the caller
already holds a transaction, that transaction is the snapshot.

The archive is written under a temporary name and renamed when complete: a file under its final
name is always whole, and a failed export leaves no file and is marked failed with the error.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import IsolationLevel, sql

from tenants.models import SchemaKind, Tenant, TenantExport

log = logging.getLogger(__name__)

ARCHIVE_FORMAT = 1
# At most this often is progress written to the database while an export runs.
PROGRESS_EVERY_SECONDS = 0.5
PG_DUMP_TIMEOUT_SECONDS = 600
# Media already compressed: stored as they are (deflating them again costs time and wins nothing).
STORED_SUFFIXES = frozenset(
    {
        *(".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".pdf"),
        *(".mp4", ".webm", ".mov", ".m4v", ".mp3", ".ogg"),
        *(".zip", ".gz", ".bz2", ".xz", ".7z", ".docx", ".xlsx", ".pptx", ".odt"),
    }
)
# Tenant schemas are generated server-side (`t_` + hex, `s_` for spares); nothing else is read.
_SCHEMA_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_FILE_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
ACTIVE = (TenantExport.Status.QUEUED, TenantExport.Status.RUNNING)
# An export still queued or running this long after it was asked for lost its worker (killed,
# redeployed): it is marked failed so that a new one can be asked for.
STALE_AFTER = timedelta(hours=6)


class ExportError(Exception):
    """An export that cannot be built (a bad schema name, a missing schema)."""


def exports_root() -> Path:
    return Path(settings.EXPORTS_ROOT)


# --- Writes ---------------------------------------------------------------------------------


def export_request(
    *,
    tenant: Tenant,
    actor: str,
    reason: str = TenantExport.Reason.OPERATOR,
    ip=None,
) -> TenantExport:
    """Ask for an archive of `tenant`'s data (operators, from the console): a queued
    `TenantExport`, built by a Celery task once this transaction commits. While one is queued
    or running for the tenant, that one is returned instead of a second (unless it is stale:
    its worker died; it is then marked failed). Audited
    `tenant.export.requested`."""
    from tenants.services import audit

    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        TenantExport.objects.filter(
            tenant=tenant, status__in=ACTIVE, created_at__lt=timezone.now() - STALE_AFTER
        ).update(
            status=TenantExport.Status.FAILED,
            finished_at=timezone.now(),
            error="Interrupted: no result six hours after it was asked for.",
        )
        running = TenantExport.objects.filter(tenant=tenant, status__in=ACTIVE).first()
        if running is not None:
            return running
        export = export_create(tenant=tenant, actor=actor, reason=reason)
        audit(
            actor=actor,
            action="tenant.export.requested",
            tenant=tenant,
            ip=ip,
            export=export.pk,
            reason=reason,
        )
        transaction.on_commit(partial(_queue, export.pk))
    return export


def can_export(tenant: Tenant) -> bool:
    """Whether `tenant` has data to export: a real tenant (not the platform, a spare or the
    template) whose schema has not been purged."""
    return tenant.kind == SchemaKind.TENANT and bool(tenant.schema_name)


def export_create(*, tenant: Tenant, actor: str, reason: str) -> TenantExport:
    """A queued export row for `tenant` (no task: see export_request, export_run)."""
    if not can_export(tenant):
        raise ExportError(_("Only a tenant's data can be exported."))
    return TenantExport.objects.create(
        tenant=tenant,
        tenant_label=tenant.slug or tenant.schema_name,
        schema_name=tenant.schema_name,
        reason=reason,
        requested_by=actor,
    )


def _queue(export_id: int) -> None:
    from tenants.tasks import tenant_export_run

    # A platform task: it reads the tenant's schema by name, from the public schema.
    tenant_export_run.apply_async(args=[export_id], headers={"_schema_name": "public"})


def export_run(*, export_id: int) -> TenantExport:
    """Build the archive of a queued export (the Celery task, and the nightly final export).

    Claims the row (queued → running) so a redelivered task does nothing; on success the row is
    done with the file's name and size, on any error it is failed with the error kept and no
    file left behind. Audited `tenant.export.done` / `tenant.export.failed`."""
    from tenants.services import audit

    claimed = TenantExport.objects.filter(pk=export_id, status=TenantExport.Status.QUEUED).update(
        status=TenantExport.Status.RUNNING,
        started_at=timezone.now(),
        progress=0,
        step=_("Starting"),
    )
    export = TenantExport.objects.select_related("tenant").get(pk=export_id)
    if not claimed:
        return export
    final_path = None
    part_path = None
    try:
        tenant = export.tenant
        if tenant is None or tenant.schema_name != export.schema_name:
            raise ExportError(_("The tenant of this export no longer exists."))
        folder = exports_root() / _checked_schema(export.schema_name)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%dT%H%M%S}-{export.pk}.zip"
        final_path = folder / name
        handle, part_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
        os.close(handle)
        part_path = Path(part_name)
        _build(export, tenant, part_path)
        os.replace(part_path, final_path)
        part_path = None
        size = final_path.stat().st_size
        TenantExport.objects.filter(pk=export.pk).update(
            status=TenantExport.Status.DONE,
            progress=100,
            step=_("Done"),
            finished_at=timezone.now(),
            file=str(final_path.relative_to(exports_root())),
            size_bytes=size,
            error="",
        )
        audit(
            actor="system",
            action="tenant.export.done",
            tenant=tenant,
            export=export.pk,
            reason=export.reason,
            size_bytes=size,
        )
    except Exception as exc:
        log.exception("export %s of %s failed", export.pk, export.schema_name)
        for leftover in (part_path, final_path):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
        if connection.needs_rollback:
            # A failed query inside the caller's transaction: nothing more can be written in it.
            raise
        TenantExport.objects.filter(pk=export.pk).update(
            status=TenantExport.Status.FAILED,
            finished_at=timezone.now(),
            file="",
            size_bytes=0,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        audit(
            actor="system",
            action="tenant.export.failed",
            tenant=export.tenant,
            export=export.pk,
            reason=export.reason,
            error=f"{type(exc).__name__}: {exc}"[:500],
        )
    export.refresh_from_db()
    return export


def export_path(export: TenantExport) -> Path:
    """The archive of a finished export on disk (Http404 when it is not there)."""
    if export.status != TenantExport.Status.DONE or not export.file:
        raise Http404("export not ready")
    root = exports_root().resolve()
    path = (root / export.file).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404("export file missing")
    return path


def export_download_name(export: TenantExport) -> str:
    label = _FILE_SAFE.sub("-", export.tenant_label or export.schema_name)
    return f"{label}-export-{export.created_at:%Y-%m-%d}-{export.pk}.zip"


def export_mark_downloaded(*, export: TenantExport, actor: str, ip=None) -> None:
    from tenants.services import audit

    audit(
        actor=actor,
        action="tenant.export.downloaded",
        tenant=export.tenant,
        ip=ip,
        export=export.pk,
        schema=export.schema_name,
        label=export.tenant_label,
    )


# --- Reads ----------------------------------------------------------------------------------


def export_get(*, export_id: int) -> TenantExport:
    """One export (operators only: callers are behind operator_required), or 404."""
    export = TenantExport.objects.select_related("tenant").filter(pk=export_id).first()
    if export is None:
        raise Http404("no such export")
    return export


def exports_for_tenant(*, tenant: Tenant, limit: int = 10):
    """A tenant's latest exports, newest first (the console's tenant page)."""
    return list(TenantExport.objects.filter(tenant=tenant).order_by("-created_at", "-pk")[:limit])


def exports_list(*, final_only: bool = False):
    """Every export, newest first: final exports of purged tenants (tenant gone) included."""
    rows = TenantExport.objects.select_related("tenant").order_by("-created_at", "-pk")
    if final_only:
        rows = rows.filter(Q(reason=TenantExport.Reason.FINAL) | Q(tenant__isnull=True))
    return rows


def export_progress(export: TenantExport) -> dict:
    """What the console's progress poll needs."""
    return {
        "id": export.pk,
        "status": export.status,
        "status_label": export.get_status_display(),
        "progress": export.progress,
        "step": export.step,
        "size_bytes": export.size_bytes,
        "error": export.error if export.status == TenantExport.Status.FAILED else "",
        "finished": export.status not in ACTIVE,
    }


# --- Building the archive ---------------------------------------------------------------------


def _checked_schema(schema_name: str) -> str:
    if not _SCHEMA_NAME.match(schema_name or "") or schema_name == "public":
        raise ExportError(_("Not a tenant schema: %(schema)s") % {"schema": schema_name})
    return schema_name


class _Progress:
    """Writes progress to the export row, at most every PROGRESS_EVERY_SECONDS (and the
    first time), never going backwards."""

    def __init__(self, export_id: int):
        self.export_id = export_id
        self.last_write = 0.0
        self.percent = 0

    def report(self, percent: float, step: str, *, force: bool = False) -> None:
        percent = max(self.percent, min(99, int(percent)))
        now = time.monotonic()
        if not force and now - self.last_write < PROGRESS_EVERY_SECONDS:
            return
        self.last_write = now
        self.percent = percent
        _save_progress(self.export_id, percent, step[:200])


def _save_progress(export_id: int, percent: int, step: str) -> None:
    TenantExport.objects.filter(pk=export_id).update(progress=percent, step=step)


@dataclass
class _Reader:
    """Where the tables are read from: a psycopg connection holding one snapshot, and, for a
    dedicated connection, the snapshot's id (for pg_dump --snapshot)."""

    raw: object
    snapshot: str = ""


@contextmanager
def _reader() -> Iterator[_Reader]:
    if connection.in_atomic_block:
        # The caller's transaction is already one view of the data; read inside it.
        connection.ensure_connection()
        yield _Reader(raw=connection.connection)
        return
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.isolation_level = IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        yield _Reader(raw=raw, snapshot=snapshot)
    finally:
        raw.close()


def _tables(cursor, schema: str) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "ORDER BY c.relname",
        [schema],
    )
    return [row[0] for row in cursor.fetchall()]


def _migrations(cursor, schema: str, tables: list[str]) -> list[dict]:
    if "django_migrations" not in tables:
        return []
    cursor.execute(
        sql.SQL("SELECT app, name, applied FROM {} ORDER BY id").format(
            sql.Identifier(schema, "django_migrations")
        )
    )
    return [
        {"app": app, "name": name, "applied": applied.isoformat()}
        for app, name, applied in cursor.fetchall()
    ]


def _media_files(schema: str) -> list[tuple[Path, str, int]]:
    """(path, name in the archive, size) of every regular file in the tenant's media folder.
    Symbolic links are skipped, files and folders alike: the folder is the tenant's boundary."""
    root = Path(settings.MEDIA_ROOT) / schema
    if not root.is_dir() or root.is_symlink():
        return []
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files):
            path = Path(folder) / name
            try:
                if path.is_symlink() or not path.is_file():
                    continue
                size = path.stat().st_size
            except OSError:  # removed while walking
                continue
            found.append((path, "media/" + path.relative_to(root).as_posix(), size))
    return found


def _pg_dump(schema: str, snapshot: str, target: Path) -> str:
    """The schema's DDL into `target`; returns "" when done, else why it was left out."""
    binary = shutil.which("pg_dump")
    if binary is None:
        return "pg_dump not found"
    db = connection.settings_dict
    env = {**os.environ}
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    command = [
        binary,
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        f"--schema={schema}",
        f"--file={target}",
    ]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    try:
        # The command is ours: the binary found on PATH and a schema name checked above.
        done = subprocess.run(  # noqa: S603
            command,
            env=env,
            capture_output=True,
            timeout=PG_DUMP_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"pg_dump failed: {exc}"
    if done.returncode != 0:
        return "pg_dump failed: " + done.stderr.decode(errors="replace").strip()[:500]
    return ""


def _build(export: TenantExport, tenant: Tenant, target: Path) -> None:
    schema = _checked_schema(export.schema_name)
    progress = _Progress(export.pk)
    media = _media_files(schema)
    manifest: dict = {
        "format": ARCHIVE_FORMAT,
        "tenant": {
            "slug": tenant.slug,
            "name": tenant.name,
            "schema": schema,
            "plan": tenant.plan,
            "status": tenant.status,
            "created_at": tenant.created_at.isoformat(),
        },
        "export": {
            "id": export.pk,
            "reason": export.reason,
            "requested_by": export.requested_by,
            "exported_at": timezone.now().isoformat(),
        },
    }
    with (
        _reader() as reader,
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf,
    ):
        with reader.raw.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s", [schema])
            if cursor.fetchone() is None:
                raise ExportError(_("The schema %(schema)s does not exist.") % {"schema": schema})
            tables = _tables(cursor, schema)
            manifest["migrations"] = _migrations(cursor, schema, tables)
        manifest["snapshot"] = "repeatable read" if reader.snapshot else "caller's transaction"

        ddl = Path(f"{target}.sql")
        try:
            skipped = _pg_dump(schema, reader.snapshot, ddl)
            if skipped:
                manifest["ddl"] = {"included": False, "note": skipped}
            else:
                zf.write(ddl, "schema.sql")
                manifest["ddl"] = {"included": True, "file": "schema.sql"}
        finally:
            ddl.unlink(missing_ok=True)

        listed = []
        total = len(tables) or 1
        for index, table in enumerate(tables):
            progress.report(
                50 * index / total,
                _("Table %(number)d of %(count)d: %(table)s")
                % {"number": index + 1, "count": len(tables), "table": table},
            )
            member = f"tables/{_FILE_SAFE.sub('_', table)}.csv"
            query = sql.SQL("COPY (SELECT * FROM {}) TO STDOUT WITH (FORMAT csv, HEADER)").format(
                sql.Identifier(schema, table)
            )
            with reader.raw.cursor() as cursor:
                with zf.open(member, "w", force_zip64=True) as out, cursor.copy(query) as copy:
                    for chunk in copy:
                        out.write(chunk)
                rows = cursor.rowcount  # COPY's own count (gone once the cursor closes)
            listed.append({"name": table, "rows": rows, "file": member})
        manifest["tables"] = listed

        media_bytes = sum(size for _path, _name, size in media) or 1
        written = 0
        for index, (path, member, size) in enumerate(media):
            progress.report(
                50 + 50 * written / media_bytes,
                _("Media file %(number)d of %(count)d")
                % {"number": index + 1, "count": len(media)},
            )
            stored = path.suffix.lower() in STORED_SUFFIXES
            zf.write(
                path, member, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            )
            written += size
        manifest["media"] = {"files": len(media), "bytes": sum(size for _p, _n, size in media)}
        progress.report(99, _("Writing the manifest"), force=True)
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
