"""Brute-force protection for the console sign-in: after MAX_FAILURES failed attempts for one
username from one IP, that pair is locked out for LOCKOUT_SECONDS, correct password or not.

Counts live in the cache (Redis in production, so every worker sees them). The window starts at
the first failure rather than on a clock boundary, so a lockout always lasts the full period.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60


def _key(kind: str, ip: str, username: str) -> str:
    # Hashed: usernames are user input and cache backends limit key characters and length.
    digest = hashlib.sha256(f"{ip}\n{username.strip().lower()}".encode()).hexdigest()
    return f"console-login:{kind}:{digest}"


def is_locked(*, ip: str, username: str) -> bool:
    return bool(cache.get(_key("locked", ip, username)))


def record_failure(*, ip: str, username: str) -> bool:
    """Count a failed attempt; returns True when this one locked the pair out."""
    failures = _key("failures", ip, username)
    cache.add(failures, 0, timeout=LOCKOUT_SECONDS)
    try:
        count = cache.incr(failures)
    except ValueError:  # expired between add and incr
        cache.set(failures, 1, timeout=LOCKOUT_SECONDS)
        count = 1
    if count >= MAX_FAILURES:
        cache.set(_key("locked", ip, username), True, timeout=LOCKOUT_SECONDS)
        cache.delete(failures)
        return True
    return False


def clear(*, ip: str, username: str) -> None:
    """Forget failures after a successful sign-in."""
    cache.delete(_key("failures", ip, username))
