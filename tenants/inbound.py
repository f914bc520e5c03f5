"""Email into portals: which portal a received message is for, and handing it over.

Messages reach the platform two ways, both ending in `route`:

- an email provider posts them to `/inbound/email/<provider>/inbound/` on the platform host
  (django-anymail's webhooks, authenticated with `ANYMAIL["WEBHOOK_SECRET"]`), which sends
  Anymail's `inbound` signal, handled by `anymail_inbound` below;
- `manage.py read_maildir <path>` reads a Maildir a local mail server delivers into.

An address at `settings.TICKETS_INBOUND_DOMAIN` names a portal by its slug: `<slug>@` or
`<slug>+<tag>@`. For each portal the message is addressed to (a live tenant, with the tickets
module switched on), the module's "inbound_email" hook (`receive(recipient=, raw=)`) is called
in that portal's schema; the hook stores the message once per Message-ID, so a provider's retry
or a second reading of the same file changes nothing. Anything else (an unknown portal, the
module switched off, an address at another domain) is logged and skipped: the provider gets a
200 either way, so it does not retry forever.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tenants.utils import tenant_context

from modules import registry

log = logging.getLogger(__name__)

RECEIVED = "received"
DUPLICATE = "duplicate"
UNKNOWN_PORTAL = "unknown portal"
MODULE_OFF = "tickets off"


@dataclass(frozen=True)
class Delivery:
    """What became of a message for one portal."""

    slug: str
    recipient: str
    outcome: str


def portal_addresses(addresses: Iterable[str]) -> dict[str, str]:
    """slug → the address to hand over, for the addresses at the inbound domain. When a message
    names one portal twice (its support address and a ticket's reply address), the more precise
    reply address wins: the message is stored once per portal, under one recipient."""
    domain = settings.TICKETS_INBOUND_DOMAIN.strip().lower()
    chosen: dict[str, str] = {}
    for address in addresses:
        address = (address or "").strip().strip("<>").lower()
        local, _at, host = address.rpartition("@")
        if not local or host != domain:
            continue
        slug, plus, _tag = local.partition("+")
        if not slug:
            continue
        if slug not in chosen or (plus and "+" not in chosen[slug]):
            chosen[slug] = address
    return chosen


def _live_tenant(slug: str):
    from tenants.models import Tenant, TenantStatus

    return (
        Tenant.objects.real()
        .filter(
            slug=slug,
            deleted_at__isnull=True,
            status__in=[TenantStatus.TRIALING, TenantStatus.ACTIVE, TenantStatus.PAST_DUE],
        )
        .first()
    )


def route(*, raw: bytes, recipients: Iterable[str]) -> list[Delivery]:
    """Hand the message `raw` to every portal among `recipients`; what became of it for each.

    Each portal's hook runs in a transaction of its own inside that portal's schema, so the
    processing it queues after commit is sent with that schema."""
    deliveries = []
    for slug, address in portal_addresses(recipients).items():
        tenant = _live_tenant(slug)
        if tenant is None:
            log.info("inbound email for %s: no live portal %r, ignored", address, slug)
            deliveries.append(Delivery(slug, address, UNKNOWN_PORTAL))
            continue
        with tenant_context(tenant):
            spec = registry.get("tickets")
            if spec is None or not registry.is_enabled("tickets"):
                log.info("inbound email for %s: tickets are off on %r, ignored", address, slug)
                deliveries.append(Delivery(slug, address, MODULE_OFF))
                continue
            receive = import_string(spec.extra["inbound_email"])
            with transaction.atomic():
                row = receive(recipient=address, raw=raw)
        deliveries.append(Delivery(slug, address, RECEIVED if row is not None else DUPLICATE))
    return deliveries


def message_recipients(message) -> list[str]:
    """The addresses an email was delivered to: the envelope's when the provider says (it
    includes Bcc), then Delivered-To, X-Original-To, To and Cc. Headers count too because some
    providers post one message naming a single envelope recipient; a portal named twice still
    stores it once (Message-ID)."""
    from email.utils import getaddresses

    values = [str(getattr(message, "envelope_recipient", None) or "")]
    values += [
        str(value)
        for key in ("Delivered-To", "X-Original-To", "To", "Cc")
        for value in (message.get_all(key) or [])
    ]
    return [address for _name, address in getaddresses(values) if address]


def anymail_inbound(sender, event, esp_name, **kwargs) -> None:
    """Anymail's `inbound` signal: a provider posted a message to the webhook."""
    message = event.message
    if message is None:
        return
    deliveries = route(raw=message.as_bytes(), recipients=message_recipients(message))
    if not deliveries:
        log.info("inbound email from %s for no portal address, ignored", esp_name)


def connect() -> None:
    """Listen to Anymail's inbound webhooks (once, however often it is called)."""
    from anymail.signals import inbound

    inbound.connect(anymail_inbound, dispatch_uid="tenants.inbound.anymail_inbound")
