"""Notifications to customers: an outbox row committed with the change, sent once by Celery.

    notify_many(recipients=followers, kind=NotificationKind.REPLIES,
                subject=gettext_lazy("New reply in “%(title)s”"), subject_params={"title": ...},
                template="forum/email/reply", context={...},
                dedupe_key=f"forum-reply:{reply.pk}:{{user}}")
    notify(recipient=user, ...)  # one person, or a guest's address with to_email=

- The row is written in the caller's transaction: if the change rolls back, so does the email.
- After commit, `send_outbox_email` is queued. It claims the row (pending → sending) with one
  UPDATE, so a second worker given the same id does nothing; it sends, then marks it sent.
- A worker that dies after claiming leaves the row "sending": `outbox_sweep` (every five minutes,
  per tenant) hands rows whose claim is older than CLAIM_SECONDS, and rows still pending because the
  broker was down at commit time, back to the sender. Every copy of one row carries the same
  Message-ID, so the rare resend after a crash between the SMTP server's "OK" and our "sent"
  mark is recognisable as the same message by mail clients.
- A customer's switched-off kinds produce no row at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
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


def preferences(users, kind: str) -> dict[int, bool]:
    """user id → whether that user gets emails of `kind` (their setting, else the kind's
    default), for many users in one query. Inactive users and users without an address get none;
    account messages cannot be switched off."""
    users = list(users)
    choices = dict(
        NotificationSetting.objects.filter(
            user_id__in=[user.pk for user in users], kind=kind
        ).values_list("user_id", "email")
    )
    return {user.pk: _wanted(user, kind, choices.get(user.pk)) for user in users}


def _wanted(user, kind: str, choice: bool | None) -> bool:
    """The rule for one person and kind, given their stored choice (None: none stored)."""
    if kind == NotificationKind.ACCOUNT:
        return True
    reachable = bool(getattr(user, "email", "") and getattr(user, "is_active", False))
    return reachable and bool(kind in DEFAULT_ON if choice is None else choice)


def preferences_of(user) -> dict[str, bool]:
    """kind → whether `user` gets emails of it, for every kind, in one query."""
    choices = dict(NotificationSetting.objects.filter(user=user).values_list("kind", "email"))
    return {kind: _wanted(user, kind, choices.get(kind)) for kind in NotificationKind.values}


def wants(user, kind: str) -> bool:
    """Whether `user` gets emails of `kind`."""
    return preferences([user], kind)[user.pk]


def user_language(user) -> str:
    """The language a user reads email in: their profile's, when the accounts profile has one."""
    profile = getattr(user, "customer_profile", None)
    return getattr(profile, "language", "") or settings.LANGUAGE_CODE


def portal_url(path: str) -> str:
    """An absolute address on this portal, for emails (no request at hand)."""
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if tenant is not None and hasattr(tenant, "portal_url"):
        return tenant.portal_url(path)
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site is not None else "") + path


def _compose(*, template, context, subject, subject_params, language) -> tuple:
    """(subject, text, html) in `language`. A lazy `subject` is translated first and gets its
    `subject_params` after, so a "“%(title)s” is now planned" reads in the recipient's language
    (a lazy string formatted with % at the call site would already be in the sender's)."""
    with translation.override(language):
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = ""
        title = str(subject)
        if subject_params:
            title = title % subject_params
    return " ".join(title.split())[:250], text, html


def notify_many(
    *,
    recipients,
    kind: str,
    subject: str | Promise,
    template: str,
    dedupe_key: str,
    context: dict | None = None,
    subject_params: dict | None = None,
    per_recipient: Callable[[Any], dict] | None = None,
    reply_to: str = "",
) -> list[OutboxEmail]:
    """Queue one email of `kind` to each of `recipients` (users), in the caller's transaction.

    Whatever their number, it costs three queries: their choices for `kind`, which of them were
    told before, and one INSERT; then one send task per row after commit. `dedupe_key` is a
    format string with `{user}` (the recipient's id), e.g. "ideas-status:42:{user}": the same event
    never queues a second email to the same person. Each email is rendered in its recipient's
    language (load `customer_profile` with the users to spare a query each): `<template>.txt`,
    and `<template>.html` when it exists, with `context`, once per language; `per_recipient(user)`
    adds what differs from one person to the next (each email is then rendered on its own).
    `reply_to`: where the recipient's answer by email goes (e.g. a ticket's reply address).
    Returns the rows queued now.
    """
    people = list(recipients)
    wanted = preferences(people, kind)
    keys = {user.pk: dedupe_key.format(user=user.pk)[:200] for user in people}
    told = set(
        OutboxEmail.objects.filter(dedupe_key__in=list(keys.values())).values_list(
            "dedupe_key", flat=True
        )
    )
    rows, shared = [], {}
    for user in people:
        if not wanted.get(user.pk) or keys[user.pk] in told:
            continue
        told.add(keys[user.pk])
        language = user_language(user)
        if per_recipient is None and language in shared:
            title, text, html = shared[language]
        else:
            extra = per_recipient(user) if per_recipient is not None else {}
            title, text, html = _compose(
                template=template,
                context={**(context or {}), **extra},
                subject=subject,
                subject_params=subject_params,
                language=language,
            )
            if per_recipient is None:
                shared[language] = (title, text, html)
        rows.append(
            OutboxEmail(
                recipient=user,
                to_email=user.email,
                reply_to=reply_to,
                kind=kind,
                dedupe_key=keys[user.pk],
                subject=title,
                body_text=text,
                body_html=html,
            )
        )
    return _store(rows)


def notify(
    *,
    recipient,
    kind: str,
    subject: str | Promise,
    template: str,
    context: dict,
    dedupe_key: str,
    to_email: str | None = None,
    subject_params: dict | None = None,
    reply_to: str = "",
) -> OutboxEmail | None:
    """Queue one email to `recipient` (a user), or to `to_email` for a guest with no account;
    see notify_many. Returns the outbox row, or None when the recipient does not want this kind
    or the same `dedupe_key` was queued before."""
    if recipient is not None and not to_email:
        rows = notify_many(
            recipients=[recipient],
            kind=kind,
            subject=subject,
            template=template,
            context=context,
            subject_params=subject_params,
            dedupe_key=dedupe_key.replace("{", "{{").replace("}", "}}"),
            reply_to=reply_to,
        )
        return rows[0] if rows else None
    if recipient is not None and not wants(recipient, kind):
        return None
    address = to_email or getattr(recipient, "email", "")
    if not address or OutboxEmail.objects.filter(dedupe_key=dedupe_key[:200]).exists():
        return None
    language = user_language(recipient) if recipient is not None else settings.LANGUAGE_CODE
    title, text, html = _compose(
        template=template,
        context=context,
        subject=subject,
        subject_params=subject_params,
        language=language,
    )
    rows = _store(
        [
            OutboxEmail(
                recipient=recipient,
                to_email=address,
                reply_to=reply_to,
                kind=kind,
                dedupe_key=dedupe_key[:200],
                subject=title,
                body_text=text,
                body_html=html,
            )
        ]
    )
    return rows[0] if rows else None


def _store(rows: list[OutboxEmail]) -> list[OutboxEmail]:
    """INSERT the rows (a row whose key another transaction wrote first is skipped), and queue
    the send of each after commit."""
    if not rows:
        return []
    OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True)
    # (bulk_create cannot return the ids of rows inserted with ignore_conflicts)
    stored = list(OutboxEmail.objects.filter(dedupe_key__in=[row.dedupe_key for row in rows]))
    ids = [row.pk for row in stored]
    transaction.on_commit(lambda: [_enqueue(outbox_id) for outbox_id in ids])
    return stored


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
        reply_to=[row.reply_to] if row.reply_to else None,
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
    # A row whose last allowed attempt died while sending is given up on, not left "sending".
    OutboxEmail.objects.filter(
        status=OutboxEmail.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS),
        attempts__gte=MAX_ATTEMPTS,
    ).update(status=OutboxEmail.Status.FAILED, last_error="No worker finished sending it.")
    for outbox_id in ids:
        send_outbox_email.delay(outbox_id)
    return len(ids)
