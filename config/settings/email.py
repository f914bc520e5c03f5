"""Email: EMAIL_URL (console by default)."""

import environ

from config import env as envmod

vars().update(environ.Env.email_url_config(envmod.get("EMAIL_URL")))
DEFAULT_FROM_EMAIL = envmod.get("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
