"""Provisioning paths: pool, clone, migrations; concurrency; staleness; slugs of deleted tenants."""

import threading
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from tenants import provisioning, services
from tenants.models import SchemaKind, Tenant
from tests.conftest import run_committed

pytestmark = pytest.mark.django_db

HASH = make_password("irrelevant-but-hashed-1")


def admin(slug):
    return {"email": f"boss@{slug}.example", "first_name": "Boss", "password": HASH}


def provision(slug, paths):
    return provisioning.provision_tenant(
        name=slug.title(), slug=slug, admin=admin(slug), trial_days=14, paths=paths
    )


def portal_is_ready(tenant) -> bool:
    from django.contrib.auth import get_user_model

    from cms.models import HomePage

    with tenant_context(tenant):
        return (
            get_user_model().objects.filter(email=f"boss@{tenant.slug}.example").exists()
            and HomePage.objects.get().title == tenant.name
        )


def test_pool_path_claims_a_spare_without_ddl():
    spare = provisioning.create_spare()
    assert spare.kind == SchemaKind.SPARE
    (result, _uid) = provision(f"pool-{uuid.uuid4().hex[:6]}", ("pool",))
    assert result.path == "pool"
    assert result.tenant.pk == spare.pk and result.tenant.schema_name == spare.schema_name
    assert result.tenant.kind == SchemaKind.TENANT
    assert portal_is_ready(result.tenant)
    assert not Tenant.objects.spares().filter(pk=spare.pk).exists()


def test_clone_path_copies_the_template():
    (result, _uid) = provision(f"clone-{uuid.uuid4().hex[:6]}", ("clone",))
    assert result.path == "clone"
    assert schema_exists(result.tenant.schema_name)
    assert portal_is_ready(result.tenant)


def test_stale_spares_are_skipped_then_brought_up_to_date():
    """A spare left behind by new migrations is not handed out; the refill migrates it.

    Runs on committed connections (migrations are DDL), touching nothing from the test's own
    transaction so the clean-up can drop what it made.
    """

    def make_stale_spare():
        spare = provisioning.create_spare()
        call_command(
            "migrate_schemas",
            "samplemodule",
            "zero",
            tenant=True,
            schema_name=spare.schema_name,
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()
        return spare

    def scenario(spare):
        stale_before = not provisioning.schema_is_current(spare.schema_name)
        (result, _uid) = provision(f"stale-{uuid.uuid4().hex[:6]}", provisioning.Path.ALL)
        still_spare = Tenant.objects.spares().filter(pk=spare.pk).exists()
        report = provisioning.refill_pool(1)
        return (
            stale_before,
            result,
            still_spare,
            report,
            provisioning.schema_is_current(spare.schema_name),
        )

    spare = run_committed(make_stale_spare)
    made = [spare.schema_name]
    try:
        stale_before, result, still_spare, report, current_after = run_committed(scenario, spare)
        made.append(result.tenant.schema_name)
        assert stale_before
        assert result.path == "clone"  # the only spare was behind, so the template was cloned
        assert still_spare
        assert report["migrated"] == 1
        assert current_after
    finally:
        run_committed(_drop, made)


@pytest.mark.slow
def test_migrations_path_when_nothing_else_is_available():
    def scenario():
        (result, _uid) = provision(f"mig-{uuid.uuid4().hex[:6]}", ("migrate",))
        return (
            result,
            provisioning.schema_is_current(result.tenant.schema_name),
            portal_is_ready(result.tenant),
        )

    result, current, ready = run_committed(scenario)
    try:
        assert result.path == "migrate"
        assert current and ready
    finally:
        run_committed(_drop, [result.tenant.schema_name])


def _drop(schemas):
    for schema in set(schemas):
        provisioning.drop_schema(schema)
    Tenant.objects.filter(schema_name__in=schemas).delete()


def test_refill_tops_the_pool_up():
    before = Tenant.objects.spares().count()
    report = provisioning.refill_pool(target=before + 2)
    assert report["created"] == 2
    assert Tenant.objects.spares().count() == before + 2


def test_no_path_available_is_an_error_not_a_migration():
    assert not Tenant.objects.spares().exists()
    with pytest.raises(RuntimeError, match="No provisioning path"):
        provision(f"none-{uuid.uuid4().hex[:6]}", ("pool",))


def test_concurrent_signups_never_share_a_schema():
    """Eight signups at the same instant against a pool of eight committed spares."""
    count = 8
    spares = [run_committed(provisioning.create_spare) for _ in range(count)]
    barrier = threading.Barrier(count)
    results, errors = [], []

    def claim(i):
        try:
            barrier.wait()
            slug = f"race-{i}-{uuid.uuid4().hex[:4]}"
            (result, _uid) = provision(slug, ("pool", "clone"))
            results.append((result.path, result.tenant.schema_name))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(count)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        schemas = [schema for _path, schema in results]
        assert len(schemas) == count and len(set(schemas)) == count
        assert {path for path, _ in results} <= {"pool", "clone"}
        assert sum(1 for path, _ in results if path == "pool") >= 1
    finally:
        run_committed(_drop, [s.schema_name for s in spares] + [s for _p, s in results])


def test_deleted_tenant_keeps_its_slug_until_its_data_is_gone():
    (result, _uid) = run_committed(provision, f"gone-{uuid.uuid4().hex[:6]}", ("clone",))
    tenant = result.tenant
    try:
        run_committed(lambda: services.tenant_delete(tenant=tenant, actor="test"))
        assert schema_exists(tenant.schema_name)
        errors = services.validate_signup(
            company_name="New",
            subdomain=tenant.slug,
            admin_name="N",
            admin_email="n@n.example",
            admin_password="a-long-enough-passphrase-9",
        )
        assert "taken" in " ".join(errors["subdomain"])
        run_committed(lambda: services.tenant_purge(tenant=tenant, actor="test"))
        assert not schema_exists(tenant.schema_name)
        assert services.slug_available(tenant.slug)
    finally:
        run_committed(_drop, [tenant.schema_name])


def test_schema_names_are_generated_never_taken_from_input():
    names = {provisioning.new_schema_name() for _ in range(100)}
    assert len(names) == 100
    assert all(n.startswith("t_") and len(n) == 18 for n in names)
