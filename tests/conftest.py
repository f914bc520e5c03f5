"""Test fixtures: a real PostgreSQL database with real schemas.

The session creates the public schema, the platform host, the template schema, and two tenants
(`alpha`, `beta`) cloned from the template, all committed. Each test then runs in a transaction
that is rolled back (pytest-django's `db`), so tests can create, claim and change freely.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client

TEST_PASSWORD = "correct-horse-battery-staple-42"

# Browser fixtures (one Chromium for the whole run), for journeys anywhere under tests/.
pytest_plugins = ["tests.e2e.fixtures"]


def _make_tenant(slug: str, name: str):
    from tenants.models import Tenant
    from tenants.provisioning import provision_tenant

    existing = Tenant.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    provisioned, _user_id = provision_tenant(
        name=name,
        slug=slug,
        admin={
            "email": f"admin@{slug}.example",
            "first_name": "Admin",
            "last_name": name,
            "password": make_password(TEST_PASSWORD),
        },
        trial_days=14,
        paths=("clone",),
    )
    return provisioned.tenant


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tenants.provisioning import ensure_template
    from tenants.services import platform_ensure

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        platform_ensure()
        ensure_template()
        _make_tenant("alpha", "Alpha Corp")
        _make_tenant("beta", "Beta Ltd")
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _end_other_sessions()


def _end_other_sessions() -> None:
    """Threads that served the browser journeys or ran committed work may leave idle database
    connections behind; end them so the test database can be dropped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: its database changes are rolled back, so a page
    cached by an earlier test (cms.page_cache) or a cached setting would describe rows that
    no longer exist."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def tenant_a(db):
    from tenants.models import Tenant

    return Tenant.objects.get(slug="alpha")


@pytest.fixture
def tenant_b(db):
    from tenants.models import Tenant

    return Tenant.objects.get(slug="beta")


def run_committed(fn, *args):
    """Run fn in a thread with its own autocommit connection, so what it writes is committed
    (visible to other connections, e.g. concurrent signups, a live server or a Celery worker)
    and DDL such as migrations runs as it does in production. The caller cleans up."""
    import threading

    box = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def make_customer(
    email: str, *, verified: bool = True, days_old: int = 30, password=TEST_PASSWORD, **extra
):
    """A customer of the current schema: username the lowercased email (customer accounts'
    rule), a profile, a confirmed address unless `verified=False` (only confirmed customers may
    take part), joined `days_old` days ago (no new-account limits)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from modules.accounts.models import CustomerProfile

    user = get_user_model().objects.create_user(
        username=email.lower(), email=email.lower(), password=password, **extra
    )
    user.date_joined = timezone.now() - timedelta(days=days_old)
    user.save(update_fields=["date_joined"])
    CustomerProfile.objects.create(
        user=user, email_verified_at=timezone.now() if verified else None
    )
    return get_user_model().objects.select_related("customer_profile").get(pk=user.pk)


def switch_module(tenant, key: str, on: bool) -> None:
    """Switch module `key` on or off for `tenant` (what an admin does under Settings → Modules)."""
    from django_tenants.utils import tenant_context

    from cms.models import ModuleSettings

    with tenant_context(tenant):
        row = ModuleSettings.load()
        row.switches = {**(row.switches or {}), key: on}
        row.save()


def host_of(tenant) -> str:
    return tenant.primary_domain


class TenantClient(Client):
    """A test client bound to one host (a tenant's domain, or the platform's)."""

    def __init__(self, host: str, **kwargs):
        super().__init__(HTTP_HOST=host, **kwargs)
        self.host = host


@pytest.fixture
def platform_client(db, settings):
    return TenantClient(settings.PLATFORM_DOMAIN)


@pytest.fixture
def client_a(tenant_a):
    return TenantClient(host_of(tenant_a))


@pytest.fixture
def client_b(tenant_b):
    return TenantClient(host_of(tenant_b))


def admin_of(tenant):
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    with tenant_context(tenant):
        return get_user_model().objects.get(email=f"admin@{tenant.slug}.example")


def login_on(client: TenantClient, tenant, user) -> TenantClient:
    """Log `user` in on `tenant`'s host (the session row lives in the tenant's schema)."""
    from django_tenants.utils import tenant_context

    with tenant_context(tenant):
        client.force_login(user)
    return client


@pytest.fixture
def admin_client_a(tenant_a):
    return login_on(TenantClient(host_of(tenant_a)), tenant_a, admin_of(tenant_a))


@pytest.fixture
def admin_client_b(tenant_b):
    return login_on(TenantClient(host_of(tenant_b)), tenant_b, admin_of(tenant_b))


@pytest.fixture
def celery_eager():
    """Run Celery tasks in the test's own process, also when REDIS_URL points at a broker (as in
    .ci/run): for tests about what a task does, not about the worker (tests/test_celery.py runs a
    real worker)."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
