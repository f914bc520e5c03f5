"""Celery: tasks carry their tenant and run in its schema; a task without one refuses to run.

The worker test starts a real `celery worker` process against Redis (REDIS_URL) and the test
database; it is skipped, and says so, when REDIS_URL is unset.
"""

import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from config.celery import MissingTenantError
from tests.conftest import run_committed
from tests.samplemodule import tasks
from tests.samplemodule.models import TaskRun
from tests.workers import celery_worker

pytestmark = pytest.mark.django_db


def test_task_sent_from_a_tenant_runs_in_that_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        result = tasks.record.apply(args=["eager-alpha"]).get()
        assert result["schema"] == tenant_a.schema_name
        assert TaskRun.objects.filter(label="eager-alpha").exists()
    with tenant_context(tenant_b):
        assert not TaskRun.objects.filter(label="eager-alpha").exists()


def test_task_without_a_tenant_refuses_to_run():
    with pytest.raises(MissingTenantError):
        tasks.record.apply(args=["nowhere"], headers={"_schema_name": ""}).get()


@pytest.mark.worker
def test_real_worker_runs_each_task_in_its_own_schema(tenant_a, tenant_b):
    label = f"worker-{uuid.uuid4().hex[:6]}"

    def send(tenant, queue):
        with tenant_context(tenant):
            return tasks.record.apply_async(args=[label], queue=queue).get(timeout=60)

    def send_without_tenant(queue):
        connection.set_schema_to_public()
        return tasks.record.apply_async(
            args=[label], queue=queue, headers={"_schema_name": ""}
        ).get(timeout=60, propagate=False)

    def cleanup():
        for tenant in (tenant_a, tenant_b):
            with tenant_context(tenant):
                TaskRun.objects.filter(label=label).delete()

    try:
        with celery_worker() as queue:
            result_a = run_committed(send, tenant_a, queue)
            result_b = run_committed(send, tenant_b, queue)
            refused = run_committed(send_without_tenant, queue)
        assert result_a["schema"] == tenant_a.schema_name
        assert result_b["schema"] == tenant_b.schema_name
        # each row landed in its own tenant's table, committed by the worker
        with tenant_context(tenant_a):
            assert TaskRun.objects.filter(label=label).count() == 1
        with tenant_context(tenant_b):
            assert TaskRun.objects.filter(label=label).count() == 1
        assert isinstance(refused, Exception) and "without a tenant" in str(refused)
    finally:
        run_committed(cleanup)
