"""Customer accounts: the data every module shares about the people using a portal.

The notification outbox lives here because every module that tells a customer something (forum
replies, idea status changes, ticket updates) goes through it: one table, one sender, one place
where a customer's preferences are honoured.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


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
    # Where a reply by email goes (a ticket's reply-by-email address), when not the sender
    reply_to = models.CharField(max_length=250, blank=True)
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


class Organization(models.Model):
    """A company the tenant's customers belong to. Tenant admins group customers by hand or by
    email domain (a customer whose verified address is at one of `email_domains` joins on
    verification); members allowed to (`CustomerProfile.can_see_organization`) see their whole
    company's content, e.g. its tickets."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    email_domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        verbose_name=_("email domains"),
        help_text=_(
            "Customers verifying an address at one of these domains join (comma-separated)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    @property
    def domains_display(self) -> str:
        return ", ".join(self.email_domains or [])


def avatar_path(instance: CustomerProfile, filename: str) -> str:
    # a fresh random name on every upload: old links stop working, nobody can guess one
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"avatars/{uuid.uuid4().hex}.{extension}"


class CustomerProfile(models.Model):
    """What the portal knows about a person beyond Django's user: shown beside their posts
    (display name, avatar), used to write to them (language) and to decide what they may do
    (verified email, organization)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_profile"
    )
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("organization"),
    )
    can_see_organization = models.BooleanField(
        _("can see the organization's content"),
        default=False,
        help_text=_("The customer sees everything their organization's members post privately."),
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_active(self) -> bool:
        return self.user.is_active


@register_setting(icon="user")
class AccountSettings(BaseGenericSetting):
    """How customers join this portal. Edited under Settings → Customer accounts."""

    self_signup = models.BooleanField(
        _("customers can sign up"),
        default=True,
        help_text=_("Switch off to create customer accounts only in the admin (Customers → Add)."),
    )
    signup_domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        verbose_name=_("allowed email domains"),
        help_text=_(
            "Only addresses at these domains may sign up (comma-separated). Empty: any address."
        ),
    )

    panels = [FieldPanel("self_signup"), FieldPanel("signup_domains")]

    class Meta:
        verbose_name = _("Customer accounts")
