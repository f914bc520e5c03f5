"""What a tenant uses against its plan's limits, read in the tenant's own schema (the billing page
in its admin): agent seats (active staff accounts), storage (the files under its media folder)
and monthly active customers (customers who signed in during the last 30 days)."""

from __future__ import annotations

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
        storage_bytes=storage_bytes(),
        monthly_active_customers=users.filter(
            is_staff=False, is_superuser=False, last_login__gte=month
        ).count(),
    )
