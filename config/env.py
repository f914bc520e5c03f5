"""The one reader of environment variables. Every setting the platform reads is declared here,
with its default, so the README's configuration table and this file can be compared line by line.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A `.env` file in the project root is read when present (never committed).
_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))

# name: (cast, default, description) — mirrored in the README's configuration table.
VARIABLES: dict[str, tuple[type, object, str]] = {
    "DJANGO_SETTINGS_MODULE": (str, "config.settings.local", "Settings module"),
    "SECRET_KEY": (
        str,
        None,
        "Signing key; local/test generate one under var/, production requires it",
    ),
    "DEBUG": (bool, False, "Django debug mode (local settings default to on)"),
    "DATABASE_URL": (str, "", "PostgreSQL URL; empty starts an embedded PostgreSQL under var/"),
    "DB_CONN_MAX_AGE": (int, 60, "Seconds a database connection is reused before it is recycled"),
    "REDIS_URL": (
        str,
        "",
        "Redis URL for cache and Celery; empty runs Celery eagerly with an in-process cache",
    ),
    "PAGE_CACHE_SECONDS": (
        int,
        300,
        "Seconds a rendered page is kept for anonymous visitors; 0 switches the page cache off",
    ),
    "OPENSEARCH_URL": (str, "", "OpenSearch URL; empty uses PostgreSQL search"),
    "OPENSEARCH_INDEX_PREFIX": (
        str,
        "portal_",
        "Prefix of the shared OpenSearch index names (one index per searchable root model)",
    ),
    "STRIPE_SECRET_KEY": (str, "", "Stripe secret key; empty runs billing offline"),
    "STRIPE_WEBHOOK_SECRET": (
        str,
        "",
        "Signing secret of /billing/stripe/webhook/; empty refuses every delivery",
    ),
    "PLATFORM_DOMAIN": (
        str,
        "localhost",
        "Domain of the platform; portals live at <slug>.<domain>",
    ),
    "PLATFORM_SCHEME": (str, "http", "Scheme used in links to portals (https in production)"),
    "PLATFORM_PORT": (str, "", "Port appended to portal links (e.g. 8000 in development)"),
    "ALLOWED_HOSTS": (list, ["*"], "Host header allow-list; the Domain table is the real filter"),
    "SIGNUP_RATE_LIMIT": (
        str,
        "10/hour",
        "Signups allowed per client IP (n/second|minute|hour|day)",
    ),
    "TRIAL_DAYS": (int, 14, "Length of the free trial"),
    "BILLING_GRACE_DAYS": (
        int,
        7,
        "Days a past-due tenant keeps working before it is suspended",
    ),
    "TENANT_RETENTION_DAYS": (
        int,
        30,
        "Days a cancelled tenant's data is kept (or a deletion can be undone) before a final "
        "export is stored and its schema dropped",
    ),
    "SUPPORT_ACCESS_MAX_MINUTES": (
        int,
        60,
        "Longest an operator's 'view as' support access to a tenant's admin may last",
    ),
    "EXPORTS_ROOT": (
        str,
        str(BASE_DIR / "var" / "exports"),
        "Where tenant export archives are stored (never served as media)",
    ),
    "SPARE_SCHEMAS": (int, 3, "Pre-migrated spare schemas kept ready for instant signups"),
    "TRUSTED_PROXY_COUNT": (int, 0, "Reverse proxies in front of the app (for the client IP)"),
    "EMAIL_URL": (str, "consolemail://", "Email backend URL (smtp://user:pass@host:587 ...)"),
    "DEFAULT_FROM_EMAIL": (str, "Portal <noreply@localhost>", "Sender of platform emails"),
    "INBOUND_EMAIL_DOMAIN": (
        str,
        "",
        "Domain that receives email for tickets (<slug>@ and <slug>+<ticket>@); "
        "empty means inbound.<PLATFORM_DOMAIN>",
    ),
    "INBOUND_WEBHOOK_SECRET": (
        str,
        "",
        "user:password the email provider's inbound webhook sends (Anymail); empty refuses it",
    ),
    "MEDIA_ROOT": (str, str(BASE_DIR / "var" / "media"), "Where uploaded files are stored"),
    "STATIC_ROOT": (str, str(BASE_DIR / "var" / "static"), "Where collectstatic gathers files"),
    "LOG_LEVEL": (str, "INFO", "Root log level"),
    "SECURE_SSL_REDIRECT": (bool, True, "Production: redirect HTTP to HTTPS"),
    "SECURE_HSTS_SECONDS": (int, 31536000, "Production: HSTS max-age"),
}


def get(name: str):
    cast, default, _ = VARIABLES[name]
    if default is None:
        return env(name, default=None)
    if cast is bool:
        return env.bool(name, default=default)
    if cast is int:
        return env.int(name, default=default)
    if cast is list:
        return env.list(name, default=default)
    return env.str(name, default=default)
