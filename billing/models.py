"""Billing records, all in the public schema: the plans on offer, each tenant's Stripe
subscription, and the Stripe events already handled (so a replay changes nothing)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A plan a tenant can be on, as data: operators edit prices and limits without a deploy.

    Shown on the pricing and billing pages and in the operator console; `entitlements` turns it
    into the limits the platform enforces. `Tenant.plan` holds the key.
    """

    key = models.SlugField(_("key"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    price_cents = models.PositiveIntegerField(_("monthly price (cents)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="eur")
    stripe_price_id = models.CharField(
        _("Stripe price id"), max_length=100, null=True, blank=True, unique=True
    )
    modules = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("modules included"),
        default=list,
        blank=True,
        help_text=_("Module keys; empty means every module."),
    )
    agent_seats = models.PositiveIntegerField(_("agent seats"), default=1)
    storage_mb = models.PositiveIntegerField(_("storage quota (MB)"), default=500)
    custom_domain = models.BooleanField(_("custom domain"), default=False)
    remove_branding = models.BooleanField(_("remove platform branding"), default=False)
    api_access = models.BooleanField(_("API access"), default=False)
    public = models.BooleanField(_("offered publicly"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "price_cents", "key"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.name or self.key


class Subscription(models.Model):
    """A tenant's Stripe customer and subscription, as last read from Stripe.

    The webhook finds tenants only through these stored ids (never through the request host);
    shown to operators in the console with links to Stripe.
    """

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="subscription"
    )
    stripe_customer_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    stripe_subscription_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    status = models.CharField(_("Stripe status"), max_length=32, blank=True)
    price_id = models.CharField(max_length=100, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant} {self.stripe_subscription_id or '-'} {self.status or '-'}"


class StripeEvent(models.Model):
    """Each Stripe event id handled, once: a replayed or duplicated delivery finds its row and
    changes nothing. `outcome` says what the event did, for operators reading the log."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type} {self.outcome}"
