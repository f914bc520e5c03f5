"""A real Celery worker for tests: a subprocess consuming one private queue from the Redis broker
of `REDIS_URL`, against the test database. Tests that use it are marked `worker` and skip,
saying so, when REDIS_URL is unset."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings


def worker_env() -> dict:
    """The worker's environment: the test settings, the test database, the same broker."""
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


def require_broker() -> None:
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is unset: no broker for a real worker (run through .ci/run)")


@contextlib.contextmanager
def celery_worker() -> Iterator[str]:
    """Start a one-process worker on a queue of its own; yields the queue's name. The worker
    is stopped (terminated, killed if it will not stop) when the block ends."""
    require_broker()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
            "-c", "1", "--pool", "solo", "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-l", "warning",
        ],
        env=worker_env(),
        cwd=str(settings.BASE_DIR),
    )  # fmt: skip
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
