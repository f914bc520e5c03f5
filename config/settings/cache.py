"""Caches. Every alias keys by tenant schema (django-tenants' make_key), Wagtail's included."""

from config import env as envmod

REDIS_URL = envmod.get("REDIS_URL")
# Anonymous visitors' rendered pages (cms.page_cache); 0 switches the page cache off.
PAGE_CACHE_SECONDS = envmod.get("PAGE_CACHE_SECONDS")

_KEYS = {
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}

# Redis down: every cache read is a miss and every write is dropped (django-redis logs it), so
# pages are built from the database instead of failing. Sessions live in the database, never
# here, so nobody is signed out or let in by an outage.
_REDIS_OPTIONS = {"IGNORE_EXCEPTIONS": True, "LOG_IGNORED_EXCEPTIONS": True}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": _REDIS_OPTIONS,
            **_KEYS,
        },
        "renditions": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renditions",
            "OPTIONS": _REDIS_OPTIONS,
            **_KEYS,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal-default",
            **_KEYS,
        },
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal-renditions",
            **_KEYS,
        },
    }
