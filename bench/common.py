"""What the benchmarks share: a production-like Django process, percentiles, and bench tenants
provisioned the way signups are. Import it first thing in a bench script:

    from common import bench_setup  # bench/ is the script's own folder on sys.path
    bench_setup()
"""

from __future__ import annotations

import logging
import math
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_setup() -> None:
    """Django with local settings, DEBUG off (no per-query logging, as in production), no spare
    pool refills in the background during measurements, emails kept in memory."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "False"
    import django

    django.setup()
    logging.getLogger("wagtail").setLevel(logging.WARNING)
    from django.conf import settings

    settings.DEBUG = False
    settings.SPARE_SCHEMAS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


def prepare_platform() -> None:
    """The public schema migrated, the platform host and the template schema in place."""
    from django.core.management import call_command

    from tenants import provisioning
    from tenants.services import platform_ensure

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    platform_ensure()
    provisioning.ensure_template()


def ensure_tenant(slug: str, name: str, *, paths=("pool", "clone")):
    """The bench tenant `slug`, provisioned (from the spare pool, else by cloning the template)
    the first time."""
    from django.contrib.auth.hashers import make_password

    from tenants import provisioning
    from tenants.models import Tenant

    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is not None:
        return tenant
    provisioned, _ = provisioning.provision_tenant(
        name=name,
        slug=slug,
        admin={
            "email": f"admin@{slug}.example",
            "first_name": "Bench",
            "last_name": name,
            "password": make_password(None),
        },
        trial_days=14,
        paths=paths,
    )
    return provisioned.tenant
