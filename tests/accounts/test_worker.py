"""A real Celery worker sends an outbox email once, even when the task is delivered twice
(a broker redelivery, or the sweep and the after-commit send racing). Skipped, and said so,
without REDIS_URL."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import tenant_context

from tests.conftest import run_committed
from tests.workers import celery_worker, require_broker

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


def test_real_worker_sends_an_outbox_email_once_when_delivered_twice(tenant_a):
    require_broker()
    from modules.accounts.models import NotificationKind, OutboxEmail
    from modules.accounts.notifications import send_outbox_email

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

    def deliver_twice(queue):
        with tenant_context(tenant_a):
            first = send_outbox_email.apply_async(args=[row_id], queue=queue)
            second = send_outbox_email.apply_async(args=[row_id], queue=queue)
            return [first.get(timeout=60), second.get(timeout=60)]

    def row_state():
        with tenant_context(tenant_a):
            row = OutboxEmail.objects.get(pk=row_id)
            return row.status, row.attempts, row.sent_at is not None

    def cleanup():
        with tenant_context(tenant_a):
            OutboxEmail.objects.filter(dedupe_key=key).delete()

    try:
        with celery_worker() as queue:
            results = run_committed(deliver_twice, queue)
        assert sorted(results) == [False, True]  # one delivery sent it, the other did nothing
        assert run_committed(row_state) == (OutboxEmail.Status.SENT, 1, True)
    finally:
        run_committed(cleanup)
