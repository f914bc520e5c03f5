"""Customer accounts: the data every module shares about the people using a portal.

The notification outbox lives here because every module that tells a customer something (forum
replies, idea status changes, ticket updates) goes through it: one table, one sender, one place
where a customer's preferences are honoured.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a customer can switch notifications on or off for (their profile lists these)."""

    REPLIES = "replies", _("Replies to my posts and followed topics")
    MENTIONS = "mentions", _("Mentions of me")
    STATUS_CHANGES = "status_changes", _("Status changes of ideas and requests I follow")
    DIGESTS = "digests", _("A daily digest of my subscriptions")
    ACCOUNT = "account", _("Account messages (verification, password reset)")


# Kinds sent unless the customer switched them off; digests must be asked for. Account messages
# cannot be switched off (a password reset the customer asked for always goes out).
DEFAULT_ON = {
    NotificationKind.REPLIES,
    NotificationKind.MENTIONS,
    NotificationKind.STATUS_CHANGES,
    NotificationKind.ACCOUNT,
}


class NotificationSetting(models.Model):
    """One customer's choice for one kind of notification (no row: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="accounts_one_setting_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'on' if self.email else 'off'}"


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as the change it tells about.

    A Celery task sends it after commit; `dedupe_key` makes the same event queue one email
    however often it is reported, and the status column makes the sender claim a row before
    sending, so two workers never both send it (see modules.accounts.notifications).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_email = models.EmailField()
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="accounts_outbox_status")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email}: {self.subject}"
