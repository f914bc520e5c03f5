"""Notifications to customers: an outbox row committed with the change, sent once by Celery.

    notify(recipient=user, kind=NotificationKind.REPLIES, subject=..., template="forum/email/reply",
           context={...}, dedupe_key=f"forum-reply:{reply.pk}:{user.pk}")

- The row is written in the caller's transaction: if the change rolls back, so does the email.
- After commit, `send_outbox_email` is queued. It claims the row (pending → sending) with one
  UPDATE, so a second worker given the same id does nothing; it sends, then marks it sent.
- A worker that dies after claiming leaves the row "sending": `outbox_sweep` (every minute, per
  tenant) hands rows whose claim is older than CLAIM_SECONDS, and rows still pending because the
  broker was down at commit time, back to the sender. Every copy of one row carries the same
  Message-ID, so the rare resend after a crash between the SMTP server's "OK" and our "sent"
  mark is recognisable as the same message by mail clients.
- A customer's switched-off kinds produce no row at all.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from modules.accounts.models import DEFAULT_ON, NotificationKind, NotificationSetting, OutboxEmail

log = logging.getLogger(__name__)
CLAIM_SECONDS = 300
MAX_ATTEMPTS = 5


def wants(user, kind: str) -> bool:
    """Whether `user` gets emails of `kind` (their setting, else the kind's default)."""
    if kind == NotificationKind.ACCOUNT:
        return True
    if not getattr(user, "email", "") or not getattr(user, "is_active", False):
        return False
    setting = NotificationSetting.objects.filter(user=user, kind=kind).first()
    return setting.email if setting is not None else kind in DEFAULT_ON


def user_language(user) -> str:
    """The language a user reads email in: their profile's, when the accounts profile has one."""
    profile = getattr(user, "customer_profile", None)
    return getattr(profile, "language", "") or settings.LANGUAGE_CODE


def notify(
    *,
    recipient,
    kind: str,
    subject: str | Promise,
    template: str,
    context: dict,
    dedupe_key: str,
    to_email: str | None = None,
) -> OutboxEmail | None:
    """Queue one email to `recipient` (a user, or None with `to_email` for a guest).

    `template` names `<template>.txt` (required) and `<template>.html` (optional), rendered now
    in the recipient's language with `context` plus `recipient`. `subject` is rendered in that
    language too when it is a lazy translation. Returns the outbox row, or None when the
    recipient does not want this kind or the same `dedupe_key` was queued before.
    """
    if recipient is not None and not wants(recipient, kind):
        return None
    address = to_email or getattr(recipient, "email", "")
    if not address:
        return None
    if OutboxEmail.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    language = user_language(recipient) if recipient is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        full_context = {**context, "recipient": recipient}
        body_text = render_to_string(f"{template}.txt", full_context)
        try:
            body_html = render_to_string(f"{template}.html", full_context)
        except TemplateDoesNotExist:
            body_html = ""
        subject_text = " ".join(str(subject).split())[:250]
    with transaction.atomic():
        row, created = OutboxEmail.objects.get_or_create(
            dedupe_key=dedupe_key[:200],
            defaults={
                "recipient": recipient,
                "to_email": address,
                "kind": kind,
                "subject": subject_text,
                "body_text": body_text,
                "body_html": body_html,
            },
        )
    if not created:
        return None
    transaction.on_commit(lambda: _enqueue(row.pk))
    return row


def _enqueue(outbox_id: int) -> None:
    try:
        send_outbox_email.delay(outbox_id)
    except Exception:  # the broker is down: the sweep sends it when it is back
        log.warning("outbox email %s not queued; the sweep will send it", outbox_id)


def _message_id(row: OutboxEmail) -> str:
    from django.db import connection

    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<outbox-{connection.schema_name}-{row.pk}@{domain}>"


def claim(outbox_id: int) -> OutboxEmail | None:
    """Take the row for sending, or None when it is sent, being sent, or given up on."""
    now = timezone.now()
    stale = now - timedelta(seconds=CLAIM_SECONDS)
    with transaction.atomic():
        row = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, attempts__lt=MAX_ATTEMPTS)
            .first()
        )
        if row is None:
            return None
        if row.status == OutboxEmail.Status.SENDING and row.claimed_at and row.claimed_at > stale:
            return None
        if row.status not in (OutboxEmail.Status.PENDING, OutboxEmail.Status.SENDING):
            return None
        row.status = OutboxEmail.Status.SENDING
        row.claimed_at = now
        row.attempts += 1
        row.save(update_fields=["status", "claimed_at", "attempts"])
    return row


def deliver(row: OutboxEmail) -> None:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        to=[row.to_email],
        headers={"Message-ID": _message_id(row), "Auto-Submitted": "auto-generated"},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    message.send()


@shared_task(name="accounts.send_outbox_email")
def send_outbox_email(outbox_id: int) -> bool:
    """Send one outbox row if nobody else has; returns whether this call sent it."""
    row = claim(outbox_id)
    if row is None:
        return False
    try:
        deliver(row)
    except Exception as exc:  # SMTP trouble: back to pending, the sweep retries
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxEmail.Status.PENDING
            if row.attempts < MAX_ATTEMPTS
            else OutboxEmail.Status.FAILED,
            last_error=str(exc)[:2000],
        )
        log.warning("outbox email %s failed: %s", row.pk, exc)
        return False
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now()
    )
    return True


@shared_task(name="accounts.outbox_sweep")
def outbox_sweep() -> int:
    """Queue again what is still pending a minute after it was written (the broker was down, or
    a send failed) and what a dead worker left claimed. Returns how many were queued."""
    now = timezone.now()
    pending = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.PENDING,
        created_at__lt=now - timedelta(minutes=1),
        attempts__lt=MAX_ATTEMPTS,
    )
    stuck = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS),
        attempts__lt=MAX_ATTEMPTS,
    )
    ids = list(pending.values_list("pk", flat=True)[:500]) + list(
        stuck.values_list("pk", flat=True)[:500]
    )
    for outbox_id in ids:
        send_outbox_email.delay(outbox_id)
    return len(ids)


def active_users():
    return get_user_model().objects.filter(is_active=True)
