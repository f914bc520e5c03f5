"""Celery: tasks carry their tenant and run in its schema; a task without one refuses to run.

The worker test starts a real `celery worker` process against Redis (REDIS_URL) and the test
database; it is skipped, and says so, when REDIS_URL is unset.
"""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from config.celery import MissingTenantError
from tests.conftest import run_committed
from tests.samplemodule import tasks
from tests.samplemodule.models import TaskRun

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
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is unset: no broker for a real worker (run through .ci/run)")
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
    }
    if str(db.get("HOST", "")).startswith("/"):
        env["DATABASE_URL"] = f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env=env,
        cwd=str(settings.BASE_DIR),
    )
    label = f"worker-{uuid.uuid4().hex[:6]}"
    try:

        def send(tenant):
            with tenant_context(tenant):
                return tasks.record.apply_async(args=[label], queue=queue).get(timeout=60)

        result_a = run_committed(send, tenant_a)
        result_b = run_committed(send, tenant_b)
        assert result_a["schema"] == tenant_a.schema_name
        assert result_b["schema"] == tenant_b.schema_name
        # each row landed in its own tenant's table, committed by the worker
        with tenant_context(tenant_a):
            assert TaskRun.objects.filter(label=label).count() == 1
        with tenant_context(tenant_b):
            assert TaskRun.objects.filter(label=label).count() == 1

        def send_without_tenant():
            connection.set_schema_to_public()
            return tasks.record.apply_async(
                args=[label], queue=queue, headers={"_schema_name": ""}
            ).get(timeout=60, propagate=False)

        refused = run_committed(send_without_tenant)
        assert isinstance(refused, Exception) and "without a tenant" in str(refused)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()

        def cleanup():
            for tenant in (tenant_a, tenant_b):
                with tenant_context(tenant):
                    TaskRun.objects.filter(label=label).delete()

        run_committed(cleanup)
