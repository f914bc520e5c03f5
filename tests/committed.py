"""Committed data for browser tests (a live server reads it from another connection): the
tenant it goes into. Each module's tests/<module>/committed.py makes and drops its own rows."""

from __future__ import annotations


def alpha():
    """Tenant alpha, where the browser journeys run."""
    from tenants.models import Tenant

    return Tenant.objects.get(slug="alpha")
