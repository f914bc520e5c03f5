"""Platform tasks. They run in the public schema and say so in their headers."""

from __future__ import annotations

import logging
import threading
import time

from celery import shared_task
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

log = logging.getLogger(__name__)


@shared_task(name="tenants.tasks.refill_spare_schemas")
def refill_spare_schemas(target: int | None = None) -> dict:
    from tenants.provisioning import refill_pool

    return refill_pool(target)


def queue_refill() -> None:
    """Top up the spare pool after a signup took one, off the request path.

    With a broker the worker does it; with eager Celery (no REDIS_URL) a background thread does,
    so the request that triggered it never waits for migrations.
    """
    if settings.SPARE_SCHEMAS <= 0:
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:

        def run():
            try:
                with schema_context("public"):
                    refill_spare_schemas.apply(headers={"_schema_name": "public"})
            finally:
                connection.close()

        threading.Thread(target=run, name="refill-spares", daemon=True).start()
    else:
        refill_spare_schemas.apply_async(headers={"_schema_name": "public"})


FAN_OUT_SECONDS = 60  # how often beat runs the fan-out (config/settings/celery.py)


def _due(every_seconds: int, now: float) -> bool:
    """Whether a task run every `every_seconds` is due in the fan-out run at `now`: one of its
    interval's boundaries fell within the last FAN_OUT_SECONDS (every run, for intervals no
    longer than that)."""
    every = max(int(every_seconds), 1)
    return int(now // every) != int((now - FAN_OUT_SECONDS) // every)


def module_schedule_targets(now: float | None = None) -> list[tuple[str, str]]:
    """(schema, task name) for every scheduled task that is due at `now` (default: the current
    time), for every live tenant that has the task's module switched on. Tasks of always-on
    modules (customer accounts' outbox sweep) go to every live tenant without opening its
    schema; a tenant's switches are read only when a switchable module has a task due, and
    nothing due means no query at all."""
    from modules import registry
    from tenants.models import Tenant, TenantStatus

    now = time.time() if now is None else now
    always: list[str] = []
    switchable: dict[str, list[str]] = {}
    for spec in registry.all_modules():
        names = [task.name for task in spec.scheduled_tasks if _due(task.every_seconds, now)]
        if names and spec.always_on:
            always.extend(names)
        elif names:
            switchable[spec.key] = names
    if not always and not switchable:
        return []
    live = Tenant.objects.real().filter(
        deleted_at__isnull=True,
        status__in=[
            TenantStatus.TRIALING,
            TenantStatus.ACTIVE,
            TenantStatus.READ_ONLY,
            TenantStatus.PAST_DUE,
        ],
    )
    targets = []
    for schema_name in live.values_list("schema_name", flat=True).iterator():
        targets.extend((schema_name, name) for name in always)
        if not switchable:
            continue
        with schema_context(schema_name):
            enabled = registry.enabled_keys()
        for key, names in switchable.items():
            if key in enabled:
                targets.extend((schema_name, name) for name in names)
    return targets


@shared_task(name="tenants.tasks.fan_out_module_schedules")
def fan_out_module_schedules() -> int:
    """Send each module's scheduled tasks to every live tenant that has the module on."""
    from config.celery import app

    targets = module_schedule_targets()
    for schema_name, task_name in targets:
        app.send_task(task_name, headers={"_schema_name": schema_name})
    return len(targets)


@shared_task(name="tenants.tasks.search_reindex_tenant")
def search_reindex_tenant(schema_name: str) -> int:
    """Write a newly provisioned portal's pages into the search cluster. A portal made from the
    pool or a clone has its pages copied in PostgreSQL, but a search cluster outside the
    database knows nothing of them until they are indexed."""
    from cms.search_reindex import reindex_schema

    return reindex_schema(schema_name)


def queue_search_reindex(schema_name: str) -> None:
    """After a signup, when search runs on OpenSearch: index the new portal's pages."""
    from cms import search_opensearch

    if search_opensearch.is_active():
        search_reindex_tenant.apply_async(args=[schema_name], headers={"_schema_name": schema_name})


@shared_task(name="tenants.tasks.lifecycle_run")
def lifecycle_run() -> dict:
    """Trial reminders, ended trials and overdue payments (tenants.lifecycle), hourly: each
    step is idempotent, so running it more often than nightly only makes it timelier."""
    from tenants import lifecycle

    return lifecycle.run().as_dict()


@shared_task(name="tenants.tasks.tenant_export_run")
def tenant_export_run(export_id: int) -> str:
    """Build one tenant export archive (tenants.exports), recording its progress on the row.
    Sent from the public schema: it reads the tenant's schema by its name on the row."""
    from tenants.exports import export_run

    return export_run(export_id=export_id).status
