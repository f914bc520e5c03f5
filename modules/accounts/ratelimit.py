"""Brute-force protection for sign-in: failure counters in the cache (Redis when configured).
Attempts that are counted whatever their outcome (sign-ups, reset requests) use the platform's
fixed-window limiter, cms.ratelimit, with the rates below.

The cache keys by tenant schema, so one portal's counters never lock out another's customers.
A window is fixed from the first failure: after `limit` failures in it, sign-in is refused,
even with the right password, until the window ends.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5
IP_LIMIT = 20
# Sign-ups and reset requests per client address (each sends an email)
SIGNUP_RATE = "10/hour"
# Downloads of all one's data (a zip of everything) and account deletions (a password check),
# per account, on the pages and in the API alike
DATA_RATE = "10/hour"
RESET_RATE = "20/hour"


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
