"""The platform's own support account in every portal: an operator's "view as" visit
(tenants.support) signs in as it. It is the platform's, not the tenant's: it takes no agent seat
(billing.usage), nobody in the portal can create an account with its name (the accounts admin),
and nobody assigns work to it (the tickets assignee list). Kept here so modules can know it
without knowing about tenants."""

from __future__ import annotations

from django.conf import settings

SUPPORT_USERNAME_PREFIX = "support@"


def support_username() -> str:
    return f"{SUPPORT_USERNAME_PREFIX}{settings.PLATFORM_DOMAIN}"
