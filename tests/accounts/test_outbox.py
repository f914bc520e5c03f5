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
