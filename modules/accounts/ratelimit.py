"""Brute-force protection for sign-in: failure counters in the cache (Redis when configured).

The cache keys by tenant schema, so one portal's counters never lock out another's customers.
A window is fixed from the first failure: after `limit` failures in it, sign-in is refused,
even with the right password, until the window ends.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5
IP_LIMIT = 20
# Sign-ups and reset requests per client address and hour (each sends an email)
SIGNUP_PER_HOUR = 10
RESET_PER_HOUR = 20


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the last trusted proxy saw (TRUSTED_PROXY_COUNT)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"accounts:login-failures:{scope}:{digest}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def is_locked(*, email: str, ip: str) -> bool:
    return _count(_key("account", email)) >= ACCOUNT_LIMIT or _count(_key("ip", ip)) >= IP_LIMIT


def record_failure(*, email: str, ip: str) -> None:
    for key in (_key("account", email), _key("ip", ip)):
        if not cache.add(key, 1, timeout=WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=WINDOW_SECONDS)


def clear_account(*, email: str) -> None:
    """A successful sign-in forgets the account's earlier failures (not the address's)."""
    cache.delete(_key("account", email))


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt at `scope` by `key` (e.g. sign-ups from an address); False once more
    than `limit` were made in the current window of `window` seconds."""
    cache_key = _key(scope, key)
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit
