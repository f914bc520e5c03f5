"""A real Celery worker sends an outbox email once, even when the task is delivered twice
(a broker redelivery, or the sweep and the after-commit send racing). Skipped, and said so,
without REDIS_URL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from tests.conftest import run_committed

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


def _worker_env() -> dict:
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
    return env


def test_real_worker_sends_an_outbox_email_once_when_delivered_twice(tenant_a):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is unset: no broker for a real worker (run through .ci/run)")
    from modules.accounts.models import NotificationKind, OutboxEmail
    from modules.accounts.notifications import send_outbox_email

    queue = f"test-{uuid.uuid4().hex[:8]}"
    key = f"worker-test:{uuid.uuid4().hex}"

    def make_row():
        with tenant_context(tenant_a):
            return OutboxEmail.objects.create(
                to_email="worker@example.com",
                kind=NotificationKind.REPLIES,
                dedupe_key=key,
                subject="Sent once",
                body_text="Hello",
            ).pk

    row_id = run_committed(make_row)
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
            "-c", "1", "--pool", "solo", "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-l", "warning",
        ],
        env=_worker_env(),
        cwd=str(settings.BASE_DIR),
    )  # fmt: skip
    try:

        def deliver_twice():
            with tenant_context(tenant_a):
                first = send_outbox_email.apply_async(args=[row_id], queue=queue)
                second = send_outbox_email.apply_async(args=[row_id], queue=queue)
                return [first.get(timeout=60), second.get(timeout=60)]

        results = run_committed(deliver_twice)
        assert sorted(results) == [False, True]  # one delivery sent it, the other did nothing

        def row_state():
            with tenant_context(tenant_a):
                row = OutboxEmail.objects.get(pk=row_id)
                return row.status, row.attempts, row.sent_at is not None

        assert run_committed(row_state) == (OutboxEmail.Status.SENT, 1, True)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()

        def cleanup():
            with tenant_context(tenant_a):
                OutboxEmail.objects.filter(dedupe_key=key).delete()

        run_committed(cleanup)
