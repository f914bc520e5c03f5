"""A fixed-window counter per client address in the cache (Redis when configured), and the
client address itself: used by signup, the operator console, the API, feedback votes and customer
accounts."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip().lower()]
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(
            f"Rate {rate!r} is not of the form N/second|minute|hour|day"
        ) from exc


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the last trusted proxy saw (TRUSTED_PROXY_COUNT)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope: str, key: str, rate: str) -> tuple[bool, int]:
    """Count one attempt. Returns (allowed, seconds until the window resets)."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    if count is None:  # the cache is down (it ignores errors): let the attempt through
        count = 1
    retry_after = period - int(time.time()) % period
    return count <= limit, retry_after


class RateLimited(Exception):
    """Raised by a service whose limit is spent; the API answers 429 with Retry-After
    (api.errors), a page shows its message."""

    def __init__(self, retry_after: int, message: str = ""):
        super().__init__(message or f"Too many attempts; try again in {retry_after} s.")
        self.retry_after = retry_after


def require(scope: str, key: str, rate: str) -> None:
    """Count one attempt at `scope` by `key`, raising RateLimited once `rate` is spent."""
    allowed, retry_after = hit(scope, key, rate)
    if not allowed:
        raise RateLimited(retry_after)
