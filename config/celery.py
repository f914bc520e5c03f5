"""The Celery app. Every task carries the schema it was sent from and runs inside it."""

import os

from tenant_schemas_celery.app import CeleryApp, get_schema_name_from_task
from tenant_schemas_celery.task import TenantTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


class MissingTenantError(RuntimeError):
    """Raised when a task arrives without the schema it must run in."""


class PortalTask(TenantTask):
    """A task that refuses to run unless the message names its tenant schema.

    tenant-schemas-celery falls back to the public schema when the header is missing; for us a
    missing tenant is a bug (the task would read or write the wrong tenant's data), so we stop.
    Platform-wide tasks run in the public schema and say so explicitly.
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        if not get_schema_name_from_task(self, kwargs):
            raise MissingTenantError(f"Task {self.name} was sent without a tenant schema.")
        return super().__call__(*args, **kwargs)


class PortalCelery(CeleryApp):
    task_cls = "config.celery:PortalTask"


app = PortalCelery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
