"""Email: EMAIL_URL (console by default)."""

import environ

from config import env as envmod

vars().update(environ.Env.email_url_config(envmod.get("EMAIL_URL")))
DEFAULT_FROM_EMAIL = envmod.get("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Email into tickets: <slug>@<domain> opens a ticket on that portal, <slug>+<number>-<token>@
# replies to one. Providers post it to /inbound/email/<provider>/ on the platform host (Anymail).
TICKETS_INBOUND_DOMAIN = (
    envmod.get("INBOUND_EMAIL_DOMAIN") or f"inbound.{envmod.get('PLATFORM_DOMAIN')}"
)
ANYMAIL = {"WEBHOOK_SECRET": envmod.get("INBOUND_WEBHOOK_SECRET") or None}
