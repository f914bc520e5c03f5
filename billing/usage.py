"""What a tenant uses against its plan's limits, read in the tenant's own schema (the billing page
in its admin): agent seats (active staff accounts), storage (the files under its media folder)
and monthly active customers (customers who signed in during the last 30 days)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from cms.support import support_username


@dataclass(frozen=True)
class Usage:
    seats: int
    storage_bytes: int
    monthly_active_customers: int

    @property
    def storage_mb(self) -> float:
        return round(self.storage_bytes / (1024 * 1024), 1)


def storage_bytes(schema_name: str | None = None) -> int:
    """Bytes of every file in the tenant's media folder (MEDIA_ROOT/<schema>)."""
    root = Path(settings.MEDIA_ROOT) / (schema_name or connection.schema_name)
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(folder, name))
            except OSError:  # removed while walking
                continue
    return total


STORAGE_CACHE_SECONDS = 60


def _storage_key(schema_name: str) -> str:
    return f"billing:storage-used:{schema_name}"


def storage_used(schema_name: str) -> int:
    """Bytes in the tenant's media folder, walked at most once a minute per tenant (the billing
    page, the console and the upload doors all read this figure)."""
    from django.core.cache import cache

    key = _storage_key(schema_name)
    used = cache.get(key)
    if used is None:
        used = storage_bytes(schema_name)
        cache.set(key, used, STORAGE_CACHE_SECONDS)
    return int(used)


def storage_reserve(schema_name: str, size: int) -> None:
    """Count `size` bytes an upload the quota just let in, until the next walk."""
    from django.core.cache import cache

    # ValueError: the figure expired meanwhile; the next walk counts the file
    with contextlib.suppress(ValueError):
        cache.incr(_storage_key(schema_name), int(size))


def seats_used() -> int:
    """Active staff accounts of the current schema (each role member and each administrator takes
    a seat), the platform's support account left out."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(username=support_username())
        .count()
    )


def usage() -> Usage:
    users = get_user_model().objects.filter(is_active=True)
    month = timezone.now() - timedelta(days=30)
    return Usage(
        seats=seats_used(),
        storage_bytes=storage_used(connection.schema_name),
        monthly_active_customers=users.filter(
            is_staff=False, is_superuser=False, last_login__gte=month
        ).count(),
    )
