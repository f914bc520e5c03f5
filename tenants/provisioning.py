"""How a tenant schema comes to be, fastest first.

1. **Pool**: claim a spare schema that was migrated and furnished ahead of time. The spare is a
   `Tenant` row of kind SPARE; claiming it is an UPDATE of that row under `FOR UPDATE SKIP LOCKED`,
   so two signups at the same moment never get the same schema, and no DDL runs at all.
2. **Clone**: copy the template schema (kind TEMPLATE, kept migrated and furnished) with
   django-tenants' `clone_schema`, inside the signup's transaction.
3. **Migrations**: create an empty schema and run every tenant migration (tens of seconds), only
   when neither of the above is available.

Spares and the template are Tenant rows, so `migrate_schemas` migrates them with every real tenant
when new migrations land; a spare or template found behind the code's migrations at claim time is
skipped (the refill task brings it up to date), so a signup never runs migrations in a request
unless there is nothing else.
"""

from __future__ import annotations

import functools
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from tenants.db import use_public_schema
from tenants.models import Domain, SchemaKind, Tenant, TenantStatus

log = logging.getLogger(__name__)

TEMPLATE_SCHEMA = "tpl_base"
REFILL_LOCK = 0x7E4A_4E7  # pg advisory lock key for the pool refill


class Path:
    POOL = "pool"
    CLONE = "clone"
    MIGRATE = "migrate"
    ALL = ("pool", "clone", "migrate")


@dataclass
class Provisioned:
    tenant: Tenant
    path: str


def new_schema_name(prefix: str = "t") -> str:
    """Schema names are made here, never taken from input: a prefix and 64 random bits."""
    return f"{prefix}_{secrets.token_hex(8)}"


@functools.cache
def expected_migrations() -> tuple[str, ...]:
    """The latest migration of every tenant app, as 'app.name' (computed once per process)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = {
        config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS
    }
    return tuple(
        sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if app in labels)
    )


def schema_is_current(schema_name: str) -> bool:
    expected = expected_migrations()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{schema_name}".django_migrations '  # noqa: S608 (server-made name)
            "WHERE app || '.' || name = ANY(%s)",
            [list(expected)],
        )
        (found,) = cursor.fetchone()
    return found == len(expected)


def migrate_schema(schema_name: str) -> None:
    """Create (if needed) and migrate one schema. Slow: never on a request path but the last."""
    if not schema_exists(schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
    )
    use_public_schema()


def furnish_schema(schema_name: str) -> None:
    """Give a fresh schema what every portal starts with: a home page with sample blocks, one
    default Site and the settings rows. Done ahead of time for spares and the template."""
    from cms.setup import furnish_portal

    with schema_context(schema_name):
        furnish_portal()


def _personalise(tenant: Tenant, *, admin: dict, domain: str) -> int:
    """Inside the tenant's schema: name the portal after the company and create its admin.
    Returns the admin's user id."""
    from cms.setup import personalise_portal

    with schema_context(tenant.schema_name):
        return personalise_portal(site_name=tenant.name, hostname=domain, admin=admin)


def _claim_spare() -> Tenant | None:
    """Lock one up-to-date spare for this transaction, skipping spares other signups hold.

    Staleness is checked before locking, so a stale spare is never held by a signup (the
    refill task must be able to migrate it meanwhile).
    """
    candidates = Tenant.objects.spares().order_by("created_at").values_list("pk", "schema_name")
    for pk, schema_name in candidates[:20]:
        if not schema_is_current(schema_name):
            log.warning("Spare schema %s is behind the migrations; skipping it", schema_name)
            continue
        spare = Tenant.objects.spares().select_for_update(skip_locked=True).filter(pk=pk).first()
        if spare is not None:
            return spare
    return None


def _template_ready() -> bool:
    return (
        Tenant.objects.filter(kind=SchemaKind.TEMPLATE, schema_name=TEMPLATE_SCHEMA).exists()
        and schema_exists(TEMPLATE_SCHEMA)
        and schema_is_current(TEMPLATE_SCHEMA)
    )


def provision_tenant(
    *,
    name: str,
    slug: str,
    admin: dict,
    trial_days: int,
    plan: str = "trial",
    paths: tuple[str, ...] = Path.ALL,
) -> tuple[Provisioned, int]:
    """Create a ready tenant (schema, row, primary domain, portal, admin) by the first of `paths`
    that is available. Either everything is created or nothing is. Returns the tenant, the path
    taken and the admin's user id.

    `admin` holds username, email, first_name, last_name and an already-hashed password.
    """
    domain = f"{slug}.{settings.PLATFORM_DOMAIN}"
    now = timezone.now()
    fields = {
        "name": name,
        "slug": slug,
        "kind": SchemaKind.TENANT,
        "status": TenantStatus.TRIALING,
        "plan": plan,
        "trial_ends_at": now + timedelta(days=trial_days),
        "created_at": now,
        "status_changed_at": now,
        "owner_email": (admin.get("email") or "").strip().lower(),
    }

    if Path.POOL in paths:
        with transaction.atomic():
            spare = _claim_spare()
            if spare is not None:
                for key, value in fields.items():
                    setattr(spare, key, value)
                spare.save()
                Domain.objects.create(tenant=spare, domain=domain, is_primary=True)
                user_id = _personalise(spare, admin=admin, domain=domain)
                return Provisioned(spare, Path.POOL), user_id

    if Path.CLONE in paths and _template_ready():
        with transaction.atomic():
            tenant = Tenant.objects.create(schema_name=new_schema_name(), **fields)
            CloneSchema().clone_schema(TEMPLATE_SCHEMA, tenant.schema_name, set_connection=False)
            Domain.objects.create(tenant=tenant, domain=domain, is_primary=True)
            user_id = _personalise(tenant, admin=admin, domain=domain)
            return Provisioned(tenant, Path.CLONE), user_id

    if Path.MIGRATE not in paths:
        raise RuntimeError(f"No provisioning path available among {paths}.")

    schema_name = new_schema_name()
    try:
        migrate_schema(schema_name)
        furnish_schema(schema_name)
        with transaction.atomic():
            tenant = Tenant.objects.create(schema_name=schema_name, **fields)
            Domain.objects.create(tenant=tenant, domain=domain, is_primary=True)
            user_id = _personalise(tenant, admin=admin, domain=domain)
    except BaseException:
        drop_schema(schema_name)
        raise
    return Provisioned(tenant, Path.MIGRATE), user_id


def drop_schema(schema_name: str) -> None:
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')


def ensure_template() -> Tenant:
    """Create the template schema, or bring it up to date."""
    template = Tenant.objects.filter(schema_name=TEMPLATE_SCHEMA).first()
    if template is None:
        migrate_schema(TEMPLATE_SCHEMA)
        furnish_schema(TEMPLATE_SCHEMA)
        template = Tenant.objects.create(
            schema_name=TEMPLATE_SCHEMA, kind=SchemaKind.TEMPLATE, name="", status="active"
        )
    elif not schema_is_current(TEMPLATE_SCHEMA):
        migrate_schema(TEMPLATE_SCHEMA)
    return template


def create_spare(*, clone: bool = True) -> Tenant:
    schema_name = new_schema_name("s")
    if clone and _template_ready():
        with transaction.atomic():
            CloneSchema().clone_schema(TEMPLATE_SCHEMA, schema_name, set_connection=False)
            return Tenant.objects.create(schema_name=schema_name, kind=SchemaKind.SPARE)
    try:
        migrate_schema(schema_name)
        furnish_schema(schema_name)
        return Tenant.objects.create(schema_name=schema_name, kind=SchemaKind.SPARE)
    except BaseException:
        drop_schema(schema_name)
        raise


def _fresh_connection() -> None:
    """Start the next clone on a new connection: a PostgreSQL backend that runs clone after
    clone caches the catalog of every schema it made and grows slower (and larger) each time."""
    if not connection.in_atomic_block:
        connection.close()


def refill_pool(target: int | None = None, *, progress=None) -> dict:
    """Bring the template and every spare up to date and top the pool up to `target` spares.

    Only one refill runs at a time (a PostgreSQL advisory lock); a second returns at once.
    `progress(done, total, message)` is called as work proceeds.
    """
    target = settings.SPARE_SCHEMAS if target is None else target
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFILL_LOCK])
        (locked,) = cursor.fetchone()
    if not locked:
        return {"skipped": "another refill is running"}
    try:
        report = {"migrated": 0, "created": 0}
        ensure_template()
        stale = [s for s in Tenant.objects.spares() if not schema_is_current(s.schema_name)]
        missing = max(0, target - Tenant.objects.spares().count())
        total = len(stale) + missing
        done = 0
        for spare in stale:
            migrate_schema(spare.schema_name)
            report["migrated"] += 1
            done += 1
            if progress:
                progress(done, total, f"migrated {spare.schema_name}")
        for _ in range(missing):
            spare = create_spare()
            report["created"] += 1
            _fresh_connection()
            done += 1
            if progress:
                progress(done, total, f"created {spare.schema_name}")
        report["spares"] = Tenant.objects.spares().count()
        return report
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFILL_LOCK])
