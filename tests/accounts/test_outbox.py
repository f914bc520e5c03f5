"""The notification outbox: one email per event, sent once, resent only when a worker died,
and never for a kind the customer switched off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.accounts import services
from modules.accounts.models import NotificationKind, OutboxEmail
from modules.accounts.notifications import notify, outbox_sweep, send_outbox_email
from tests.accounts.conftest import make_customer

pytestmark = pytest.mark.django_db


def _notify(user, key="reply:1", kind=NotificationKind.REPLIES):
    return notify(
        recipient=user,
        kind=kind,
        subject="New reply",
        template="accounts/email/verify",
        context={"link": "https://example.invalid/x"},
        dedupe_key=key,
    )


def test_one_email_per_dedupe_key(tenant_a, django_capture_on_commit_callbacks):
    user = make_customer(tenant_a, "once@example.com")
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        assert _notify(user) is not None
        assert _notify(user) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "New reply"
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<outbox-{tenant_a.schema_name}-")
    with tenant_context(tenant_a):
        row = OutboxEmail.objects.get(dedupe_key="reply:1")
        assert row.status == OutboxEmail.Status.SENT and row.attempts == 1


def test_a_second_send_of_the_same_row_sends_nothing(tenant_a, django_capture_on_commit_callbacks):
    user = make_customer(tenant_a, "twice@example.com")
    with tenant_context(tenant_a):
        with django_capture_on_commit_callbacks(execute=True):
            row = _notify(user)
        assert len(mail.outbox) == 1
        assert send_outbox_email.apply(args=[row.pk]).get() is False
        assert send_outbox_email.apply(args=[row.pk]).get() is False
    assert len(mail.outbox) == 1


def test_a_row_left_sending_by_a_dead_worker_is_resent_by_the_sweep(tenant_a):
    user = make_customer(tenant_a, "stuck@example.com")
    with tenant_context(tenant_a):
        row = _notify(user)  # on_commit never runs here: the row stays pending
        # a worker claimed it, then died before sending
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxEmail.Status.SENDING,
            attempts=1,
            claimed_at=timezone.now() - timedelta(minutes=10),
        )
        assert outbox_sweep.apply().get() == 1
        row.refresh_from_db()
        assert row.status == OutboxEmail.Status.SENT and row.attempts == 2
        assert len(mail.outbox) == 1
        assert outbox_sweep.apply().get() == 0  # nothing left
    assert len(mail.outbox) == 1


def test_a_fresh_claim_is_left_alone(tenant_a):
    user = make_customer(tenant_a, "busy@example.com")
    with tenant_context(tenant_a):
        row = _notify(user)
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxEmail.Status.SENDING, attempts=1, claimed_at=timezone.now()
        )
        assert outbox_sweep.apply().get() == 0
        assert send_outbox_email.apply(args=[row.pk]).get() is False
    assert mail.outbox == []


def test_notify_honours_a_switched_off_kind(tenant_a, django_capture_on_commit_callbacks):
    user = make_customer(tenant_a, "quiet@example.com")
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.profile_update(
            user=user, display_name="", language="", notifications={"replies": False}
        )
        assert _notify(user, key="reply:quiet") is None
        # digests are off until asked for; account messages always go
        assert _notify(user, key="digest:1", kind=NotificationKind.DIGESTS) is None
        assert _notify(user, key="account:1", kind=NotificationKind.ACCOUNT) is not None
        assert _notify(user, key="mention:1", kind=NotificationKind.MENTIONS) is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["quiet@example.com"] * 2
    with tenant_context(tenant_a):
        assert not OutboxEmail.objects.filter(dedupe_key="reply:quiet").exists()


def test_email_is_written_in_the_recipient_language(tenant_a, django_capture_on_commit_callbacks):
    user = make_customer(tenant_a, "ru@example.com", verified=False)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.profile_update(user=user, display_name="", language="ru")
        user.refresh_from_db()
        services.verification_send(user=user, base_url="http://alpha.localhost/")
    assert len(mail.outbox) == 1
    assert "/account/verify/" in mail.outbox[0].body


def test_telling_many_people_costs_the_same_queries_as_telling_two(
    tenant_a, django_capture_on_commit_callbacks
):
    """notify_many reads choices, earlier sends and languages for all recipients at once: the
    number of queries does not grow with the number of people told."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.translation import gettext_lazy

    from modules.accounts.notifications import notify_many

    people = [make_customer(tenant_a, f"many{n}@example.com") for n in range(12)]
    with tenant_context(tenant_a):
        services.profile_update(
            user=people[0],
            display_name="",
            language="",
            notifications={NotificationKind.REPLIES: False},
        )
        users = get_user_model().objects.filter(pk__in=[p.pk for p in people])
        users = users.select_related("customer_profile").order_by("pk")

        def tell(who, event):
            with CaptureQueriesContext(connection) as queries:
                rows = notify_many(
                    recipients=who,
                    kind=NotificationKind.REPLIES,
                    subject=gettext_lazy("Confirm your email address"),
                    template="accounts/email/verify",
                    context={"link": "https://example.invalid/x"},
                    dedupe_key=f"many:{event}:{{user}}",
                )
            return rows, len(queries.captured_queries)

        with django_capture_on_commit_callbacks(execute=True):
            two, few = tell(list(users[:3]), 1)  # the first switched replies off
            twelve, many = tell(list(users), 2)
            again, _ = tell(list(users), 2)  # the same event: nobody is told twice
    assert [row.recipient_id for row in two] == [people[1].pk, people[2].pk]
    assert len(twelve) == 11 and again == []
    assert many == few, (few, many)
    assert len(mail.outbox) == 13


def test_each_recipient_reads_the_subject_in_their_own_language(tenant_a):
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext_lazy

    from modules.accounts.notifications import notify_many

    ru = make_customer(tenant_a, "ru@example.com")
    en = make_customer(tenant_a, "en@example.com")
    with tenant_context(tenant_a):
        services.profile_update(user=ru, display_name="", language="ru")
        people = get_user_model().objects.filter(pk__in=[ru.pk, en.pk])
        rows = notify_many(
            recipients=people.select_related("customer_profile"),
            kind=NotificationKind.ACCOUNT,
            subject=gettext_lazy("Confirm your email address"),
            template="accounts/email/verify",
            context={"link": "https://example.invalid/x"},
            dedupe_key="lang:{user}",
        )
    subjects = {row.to_email: row.subject for row in rows}
    assert subjects == {
        "ru@example.com": "Подтвердите адрес электронной почты",
        "en@example.com": "Confirm your email address",
    }


def test_a_row_whose_last_attempt_died_is_given_up_not_left_sending(tenant_a):
    from modules.accounts.notifications import MAX_ATTEMPTS

    user = make_customer(tenant_a, "dying@example.com")
    with tenant_context(tenant_a):
        row = _notify(user, key="dying")
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxEmail.Status.SENDING,
            attempts=MAX_ATTEMPTS,
            claimed_at=timezone.now() - timedelta(hours=1),
        )
        assert outbox_sweep.apply().get() == 0
        assert OutboxEmail.objects.get(pk=row.pk).status == OutboxEmail.Status.FAILED
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_one_email(tenant_a, settings):
    """Two workers handed the same row at the same moment (a redelivery racing the first
    delivery): each on its own database connection, started together by a barrier, while the
    mail server is slow. One claims and sends; the other finds it claimed and does nothing."""
    import threading
    import time as clock

    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    class SlowServer(EmailBackend):
        def send_messages(self, messages):
            clock.sleep(0.3)
            return super().send_messages(messages)

    settings.EMAIL_BACKEND = f"{__name__}.SlowServer"
    globals()["SlowServer"] = SlowServer
    with tenant_context(tenant_a):  # written, not yet handed to any sender
        row = OutboxEmail.objects.create(
            to_email="raced@example.com",
            kind=NotificationKind.REPLIES,
            dedupe_key="raced",
            subject="Sent once",
            body_text="Hello",
        )
    start, results = threading.Barrier(2), []

    def deliver():
        try:
            with tenant_context(tenant_a):
                start.wait()
                # (the test is not a task: an eager task running in another thread of this
                # process, e.g. a spare-pool refill, must not make Celery refuse the join)
                result = send_outbox_email.apply(args=[row.pk])
                results.append(result.get(disable_sync_subtasks=False))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    with tenant_context(tenant_a):
        assert OutboxEmail.objects.get(pk=row.pk).status == OutboxEmail.Status.SENT
