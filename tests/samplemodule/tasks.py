from celery import shared_task
from django.db import connection

from tests.samplemodule.models import TaskRun


@shared_task(name="samplemodule.tasks.tick")
def tick():
    TaskRun.objects.create(label="tick")
    return connection.schema_name


@shared_task(name="samplemodule.tasks.record")
def record(label: str) -> dict:
    """Record a row in whatever schema the task runs in and say which schema that was."""
    TaskRun.objects.create(label=label)
    return {"schema": connection.schema_name, "rows": TaskRun.objects.count()}
