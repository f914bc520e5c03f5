"""Production: every secret must come from the environment; HTTPS everywhere."""

from config import env as envmod
from config.settings.base import *

SECRET_KEY = envmod.env.str("SECRET_KEY")  # no default: refuse to start without it
DEBUG = False
PLATFORM_SCHEME = envmod.env.str("PLATFORM_SCHEME", default="https")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envmod.get("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = envmod.get("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
