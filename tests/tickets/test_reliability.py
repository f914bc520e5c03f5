"""Faults with real Celery workers: a worker killed in the middle of sending a ticket email, or of
turning an inbound email into a reply, leaves work that the sweep hands to the next worker, and
it is done exactly once. Skipped, and said so, without REDIS_URL (the broker)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.conftest import run_committed
from tests.workers import require_broker, worker_env

pytestmark = [pytest.mark.django_db, pytest.mark.worker]


@contextlib.contextmanager
def worker(
    tmp_path: Path, *, block: bool = False, extra_env: dict | None = None
) -> Iterator[subprocess.Popen]:
    """A worker on the default queue (the one after-commit sends and sweeps use; the broker's
    database is this run's own) writing emails into tmp_path/mail; with `block`, sending waits
    while tmp_path/block exists."""
    (tmp_path / "mail").mkdir(exist_ok=True)
    env = {
        **worker_env(),
        "DJANGO_SETTINGS_MODULE": "tests.tickets.worker_settings",
        "TEST_EMAIL_DIR": str(tmp_path / "mail"),
        "TEST_BLOCK_FLAG": str(tmp_path / "block") if block else "",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery",
            "-c", "1", "--pool", "solo", "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-l", "warning",
        ],
        env=env,
        cwd=str(settings.BASE_DIR),
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def wait_for(check, *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def purge_broker() -> None:
    from config.celery import app

    app.control.purge()


@pytest.fixture
def committed(tenant_a):
    """A committed guest ticket in tenant A and an agent, whose own emails are marked sent; all
    removed afterwards."""
    require_broker()
    from modules.accounts.models import OutboxEmail
    from modules.accounts.services import AGENTS
    from modules.tickets import services
    from modules.tickets.models import Channel, Ticket

    tag = uuid.uuid4().hex[:8]

    def make():
        from django.contrib.auth.models import Group

        from tests.conftest import make_customer

        with tenant_context(tenant_a):
            agent = make_customer(f"agent-{tag}@alpha.example")
            agent.groups.add(Group.objects.get(name=AGENTS))
            ticket = services.ticket_create(
                guest_email=f"guest-{tag}@customer.example",
                subject=f"Reliability {tag}",
                description="The printer says E42.",
                channel=Channel.EMAIL,
            )
            OutboxEmail.objects.filter(to_email=ticket.guest_email).update(
                status=OutboxEmail.Status.SENT
            )
            return {"agent_id": agent.pk, "ticket_id": ticket.pk, "tag": tag}

    data = run_committed(make)
    purge_broker()
    yield data

    def cleanup():
        from django.contrib.auth import get_user_model

        from modules.tickets.models import InboundEmail

        with tenant_context(tenant_a):
            InboundEmail.objects.filter(sender__contains=tag).delete()
            OutboxEmail.objects.filter(to_email__contains=tag).delete()
            Ticket.objects.filter(pk=data["ticket_id"]).delete()
            get_user_model().objects.filter(pk=data["agent_id"]).delete()

    run_committed(cleanup)
    purge_broker()


def messages_with(mail_dir: Path, needle: str) -> int:
    """How many sent messages (files of the file backend hold one or more) carry `needle`."""
    return sum(file.read_text().count(needle) for file in mail_dir.glob("*"))


def test_worker_killed_while_sending_the_sweep_sends_once(tenant_a, committed, tmp_path):
    from modules.accounts.models import OutboxEmail
    from modules.accounts.notifications import outbox_sweep
    from modules.tickets import services
    from modules.tickets.models import Ticket

    (tmp_path / "block").touch()

    def reply():
        from django.contrib.auth import get_user_model

        with tenant_context(tenant_a):
            ticket = Ticket.objects.get(pk=committed["ticket_id"])
            agent = get_user_model().objects.get(pk=committed["agent_id"])
            services.ticket_reply(ticket=ticket, author=agent, body="Restart it, please.")
            return OutboxEmail.objects.get(to_email=ticket.guest_email, status="pending").pk

    def row():
        with tenant_context(tenant_a):
            return OutboxEmail.objects.get(pk=row_id)

    with worker(tmp_path, block=True) as first:
        row_id = run_committed(reply)
        wait_for((tmp_path / "block.entered").exists, what="worker 1 inside the send")
        assert run_committed(row).status == OutboxEmail.Status.SENDING
        kill(first)
    (tmp_path / "block").unlink()
    assert messages_with(tmp_path / "mail", "Restart it, please.") == 0

    def age_and_sweep():
        with tenant_context(tenant_a):
            OutboxEmail.objects.filter(pk=row_id).update(
                claimed_at=timezone.now() - timedelta(minutes=10)
            )
            return outbox_sweep.run()

    with worker(tmp_path):
        assert run_committed(age_and_sweep) >= 1
        wait_for(lambda: run_committed(row).status == OutboxEmail.Status.SENT, what="the send")
    assert messages_with(tmp_path / "mail", "Restart it, please.") == 1
    assert run_committed(row).attempts == 2


class RowLock:
    """Hold a row lock on the ticket from another connection, as a slow transaction would, so a
    worker's `process` waits inside its transaction until released."""

    def __init__(self, tenant, ticket_id):
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, args=(tenant, ticket_id))

    def _hold(self, tenant, ticket_id):
        from modules.tickets.models import Ticket

        try:
            with tenant_context(tenant), transaction.atomic():
                Ticket.objects.select_for_update().get(pk=ticket_id)
                self.locked.set()
                self.release.wait(120)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(20)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join()


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_worker_killed_inside_inbound_processing_leaves_it_pending_then_once(
    tenant_a, committed, tmp_path
):
    from modules.tickets import services
    from modules.tickets.models import InboundEmail, Ticket
    from modules.tickets.tasks import inbound_sweep
    from tenants.inbound import route

    def address():
        with tenant_context(tenant_a):
            return services.reply_address(Ticket.objects.get(pk=committed["ticket_id"]))

    reply_to = run_committed(address)
    raw = (
        f"From: guest-{committed['tag']}@customer.example\r\nTo: {reply_to}\r\n"
        f"Subject: Re: printer\r\nMessage-ID: <{committed['tag']}@mail.example>\r\n\r\n"
        "Restarted, still E42.\r\n"
    ).encode()

    def state():
        with tenant_context(tenant_a):
            row = InboundEmail.objects.get(sender__contains=committed["tag"])
            replies = Ticket.objects.get(pk=committed["ticket_id"]).messages.count()
            return row.status, replies

    def unlocked():
        try:
            with tenant_context(tenant_a), transaction.atomic():
                InboundEmail.objects.select_for_update(nowait=True).filter(
                    sender__contains=committed["tag"]
                ).first()
            return True
        except OperationalError:
            return False

    with RowLock(tenant_a, committed["ticket_id"]), worker(tmp_path) as first:
        run_committed(lambda: route(raw=raw, recipients=[reply_to]))
        wait_for(lambda: run_committed(waiting_on_a_lock), what="worker 1 inside process")
        kill(first)
    # the killed worker's transaction is rolled back once PostgreSQL notices it is gone
    wait_for(lambda: run_committed(unlocked), what="the dead worker's lock to go")
    assert run_committed(state) == (InboundEmail.Status.PENDING, 0)

    def age_and_sweep():
        with tenant_context(tenant_a):
            InboundEmail.objects.filter(sender__contains=committed["tag"]).update(
                created_at=timezone.now() - timedelta(minutes=5)
            )
            return inbound_sweep.run()

    with worker(tmp_path):
        assert run_committed(age_and_sweep) == 1
        wait_for(lambda: run_committed(state)[0] != "pending", what="the second worker")
        assert run_committed(age_and_sweep) == 0  # a second sweep finds nothing pending
    assert run_committed(state) == (InboundEmail.Status.PROCESSED, 1)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    import shutil

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed: no private Redis to stop")
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: _answers(port), timeout=20, what="the private Redis")
    return process


def _answers(port: int) -> bool:
    import socket

    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")
    return False


@contextlib.contextmanager
def broker_and_cache(url: str):
    """This process's Celery broker and caches on `url` (a private Redis) for the block."""
    from django.test import override_settings

    from config.celery import app

    saved = app.conf.broker_url
    # the settings' own cache options (what production runs), on the private Redis
    caches = {
        alias: {**config, "BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}
        for alias, config in settings.CACHES.items()
    }

    def reconnect(broker):
        app.conf.broker_url = broker
        app._pool = None
        app.amqp._producer_pool = None

    reconnect(url)
    try:
        with override_settings(CACHES=caches, CELERY_BROKER_URL=url):
            yield
    finally:
        reconnect(saved)


def test_redis_down_the_portal_answers_and_the_email_goes_once_it_is_back(
    tenant_a, committed, tmp_path
):
    from modules.accounts.models import OutboxEmail
    from modules.accounts.notifications import outbox_sweep
    from tests.conftest import TenantClient, host_of, login_on, make_customer

    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port)
    address = f"asker-{committed['tag']}@customer.example"
    try:
        with broker_and_cache(url):
            redis.terminate()  # the private one; the shared Redis is never touched
            redis.wait(timeout=10)

            def submit():
                with tenant_context(tenant_a):
                    user = make_customer(address)
                client = login_on(TenantClient(host_of(tenant_a)), tenant_a, user)
                response = client.post(
                    "/tickets/new/",
                    {"subject": "Redis is down", "description": "Does this still work?"},
                )
                connection.set_schema_to_public()
                return response.status_code

            assert run_committed(submit) in (200, 302)

            def rows():
                with tenant_context(tenant_a):
                    return list(
                        OutboxEmail.objects.filter(to_email=address).values_list(
                            "status", flat=True
                        )
                    )

            assert run_committed(rows) == [OutboxEmail.Status.PENDING]
            redis = start_redis(port)  # back, on the same port

            def age_and_sweep():
                with tenant_context(tenant_a):
                    OutboxEmail.objects.filter(to_email=address).update(
                        created_at=timezone.now() - timedelta(minutes=5)
                    )
                    return outbox_sweep.run()

            env_url = {"REDIS_URL": url}
            with worker(tmp_path, extra_env=env_url):
                assert run_committed(age_and_sweep) == 1
                wait_for(lambda: run_committed(rows) == ["sent"], what="the email")
        assert messages_with(tmp_path / "mail", f"To: {address}") == 1
    finally:
        if redis.poll() is None:
            redis.terminate()
            redis.wait(timeout=10)

        def cleanup():
            from django.contrib.auth import get_user_model

            from modules.tickets.models import Ticket

            with tenant_context(tenant_a):
                Ticket.objects.filter(requester__email=address).delete()
                OutboxEmail.objects.filter(to_email=address).delete()
                get_user_model().objects.filter(email=address).delete()

        run_committed(cleanup)
