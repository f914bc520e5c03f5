"""Celery: Redis broker when REDIS_URL is set, otherwise tasks run eagerly in-process."""

from config import env as envmod

_redis = envmod.get("REDIS_URL")
CELERY_BROKER_URL = _redis or "memory://"
CELERY_RESULT_BACKEND = _redis or None
CELERY_TASK_ALWAYS_EAGER = not _redis
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Recycle worker processes so their database connections (and the per-schema catalog caches
# they hold) do not grow without bound across thousands of tenants.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 500
CELERY_BEAT_SCHEDULE = {
    "refill-spare-schemas": {
        "task": "tenants.tasks.refill_spare_schemas",
        "schedule": 300.0,
    },
    # Trial reminders, trial end → read-only, past due → suspended (tenants.lifecycle).
    "tenant-lifecycle": {
        "task": "tenants.tasks.lifecycle_run",
        "schedule": 3600.0,
    },
    # Every minute; each module task is sent when its own interval is due
    # (ModuleSpec.scheduled_tasks, tenants.tasks.module_schedule_targets).
    "run-module-schedules": {
        "task": "tenants.tasks.fan_out_module_schedules",
        "schedule": 60.0,
    },
}
