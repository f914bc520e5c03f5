"""The retention window and deletion: a cancelled tenant's data is kept for
TENANT_RETENTION_DAYS, then a final export is stored and only then its schema dropped and its slug
freed; the owner can ask for deletion in the admin (typed slug and password) and undo it until
then. Every step is audited; nothing is dropped early; B's admin never reaches A's request."""

from __future__ import annotations

import json
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone
from django_tenants.utils import tenant_context

from tenants import exports, lifecycle, provisioning, services
from tenants.models import AuditLog, SchemaKind, Tenant, TenantExport, TenantStatus
from tests.conftest import (
    TEST_PASSWORD,
    TenantClient,
    admin_of,
    host_of,
    login_on,
    make_customer,
    run_committed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def roots(settings, tmp_path):
    settings.EXPORTS_ROOT = str(tmp_path / "exports")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TENANT_RETENTION_DAYS = 30
    return tmp_path


def date_of(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def schema_listed(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema])
        return cursor.fetchone() is not None


def shell(status=TenantStatus.ACTIVE, **fields) -> Tenant:
    """A tenant row without a schema (the lifecycle reads the public schema only)."""
    n = uuid.uuid4().hex[:8]
    return Tenant.objects.create(
        schema_name=f"t_ret_{n}", slug=f"ret-{n}", name=f"Ret {n}", status=status, **fields
    )


# --- The window starts and ends in one place -----------------------------------------------


def test_becoming_cancelled_starts_the_window_and_paying_again_ends_it(settings):
    settings.TENANT_RETENTION_DAYS = 10
    tenant = shell()
    before = timezone.now()
    services.tenant_set_status(tenant=tenant, status="cancelled", actor="stripe", reason="x")
    tenant.refresh_from_db()
    assert before + timedelta(days=10) <= tenant.purge_after <= timezone.now() + timedelta(days=10)
    entry = AuditLog.objects.get(tenant=tenant, action="tenant.status.cancelled")
    assert entry.detail["purge_after"] == tenant.purge_after.isoformat()

    services.tenant_set_status(tenant=tenant, status="active", actor="stripe", reason="paid")
    tenant.refresh_from_db()
    assert tenant.purge_after is None
    assert AuditLog.objects.get(tenant=tenant, action="tenant.status.active").detail[
        "purge_cancelled"
    ]


def test_an_operator_delete_starts_the_window_and_the_owner_cannot_undo_it(roots):
    tenant = shell(status=TenantStatus.TRIALING)
    services.tenant_delete(tenant=tenant, actor="ops@platform.example")
    tenant.refresh_from_db()
    assert tenant.deleted_at and tenant.status == "cancelled"
    assert tenant.purge_after > timezone.now() + timedelta(days=29)
    assert AuditLog.objects.get(tenant=tenant, action="tenant.delete").detail["purge_after"]
    with pytest.raises(ValidationError):
        services.tenant_deletion_undo(tenant=tenant, actor="owner@x.example")
    # A payment arriving now does not bring it back either.
    services.tenant_set_status(tenant=tenant, status="active", actor="stripe")
    tenant.refresh_from_db()
    assert tenant.status == "cancelled"


# --- The purge step ------------------------------------------------------------------------


def test_the_purge_step_costs_one_query_when_none_is_due():
    now = timezone.now()
    for _n in range(5):
        shell(status=TenantStatus.CANCELLED, purge_after=now + timedelta(days=3))
        shell(status=TenantStatus.ACTIVE)
    with CaptureQueriesContext(connection) as queries:
        result = lifecycle.purge_expired(now)
    assert (result.purged, result.failed) == (0, 0)
    assert len(queries.captured_queries) == 1
    assert not any("search_path" in q["sql"] for q in queries.captured_queries)


def test_a_failed_final_export_leaves_the_tenant_for_the_next_run(roots):
    # A row whose schema is missing: the final export fails, so nothing is dropped.
    tenant = shell(status=TenantStatus.CANCELLED, purge_after=timezone.now() - timedelta(hours=1))
    report = lifecycle.run()
    assert (report.purged, report.purge_failed) == (0, 1)
    tenant.refresh_from_db()
    assert tenant.deleted_at is None and tenant.slug
    export = TenantExport.objects.get(tenant=tenant)
    assert export.reason == "final" and export.status == "failed" and export.error
    failed = AuditLog.objects.get(tenant=tenant, action="tenant.purge.failed")
    assert failed.detail["export"] == export.pk
    assert not AuditLog.objects.filter(tenant=tenant, action="tenant.purge").exists()
    assert not services.slug_available(tenant.slug)


def _provision(slug: str):
    from django.contrib.auth.hashers import make_password

    result, _uid = provisioning.provision_tenant(
        name="Goodbye Co",
        slug=slug,
        admin={
            "email": f"boss@{slug}.example",
            "first_name": "Boss",
            "password": make_password("x"),
        },
        trial_days=14,
        paths=("clone",),
    )
    return result.tenant


def _cleanup(slug: str, schemas: list[str]) -> None:
    for schema in schemas:
        provisioning.drop_schema(schema)
    Tenant.objects.filter(slug=slug).delete()
    TenantExport.objects.filter(schema_name__in=schemas).delete()
    AuditLog.objects.filter(tenant_label=slug).delete()
    AuditLog.objects.filter(detail__slug=slug).delete()


def test_after_the_window_a_final_export_is_stored_then_the_schema_goes_and_the_slug_is_free(
    roots,
):
    slug = f"bye-{uuid.uuid4().hex[:6]}"
    tenant = run_committed(_provision, slug)
    schema = tenant.schema_name
    schemas = [schema]
    media = Path(roots) / "media" / schema / "documents" / "handbook.txt"
    media.parent.mkdir(parents=True)
    media.write_bytes(b"the handbook")
    try:
        # Stripe ends the subscription: cancelled, and the window starts.
        run_committed(
            lambda: services.tenant_set_status(
                tenant=Tenant.objects.get(pk=tenant.pk),
                status="cancelled",
                actor="stripe",
                reason="stripe canceled",
            )
        )
        purge_after = Tenant.objects.get(pk=tenant.pk).purge_after
        assert purge_after > timezone.now() + timedelta(days=29)

        # Before the window ends, nothing is dropped.
        report = run_committed(lifecycle.run)
        assert report.purged == 0
        assert schema_listed(schema) and Tenant.objects.filter(pk=tenant.pk).exists()
        assert not TenantExport.objects.filter(schema_name=schema).exists()

        # The window ends.
        run_committed(
            lambda: Tenant.objects.filter(pk=tenant.pk).update(
                purge_after=timezone.now() - timedelta(minutes=1)
            )
        )
        report = run_committed(lifecycle.run)
        assert (report.purged, report.purge_failed) == (1, 0)

        assert not schema_listed(schema)
        assert not Tenant.objects.filter(pk=tenant.pk).exists()
        assert not media.parent.parent.exists()  # the media folder went with it
        final = TenantExport.objects.get(schema_name=schema)
        assert (final.reason, final.status, final.tenant_id) == ("final", "done", None)
        assert final.tenant_label == slug
        with zipfile.ZipFile(exports.export_path(final)) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            assert manifest["tenant"]["slug"] == slug
            assert manifest["snapshot"] == "repeatable read"
            assert zf.read("media/documents/handbook.txt") == b"the handbook"
            users = next(t for t in manifest["tables"] if t["name"] == "auth_user")
            assert users["rows"] >= 1

        actions = list(
            AuditLog.objects.filter(tenant_label=slug)
            .order_by("at")
            .values_list("action", flat=True)
        )
        for step in ("tenant.status.cancelled", "tenant.export.done", "tenant.purge"):
            assert step in actions, actions
        purge = AuditLog.objects.get(tenant_label=slug, action="tenant.purge")
        assert purge.detail["final_export"] == final.pk and purge.detail["schema"] == schema

        # The slug can be signed up for again.
        assert services.slug_available(slug)
        again = run_committed(
            lambda: (
                services.tenant_signup(
                    company_name="New Owner",
                    subdomain=slug,
                    admin_name="New Owner",
                    admin_email=f"new@{slug}.example",
                    admin_password="a-long-enough-passphrase-9",
                    paths=("clone",),
                ).tenant
            )
        )
        schemas.append(again.schema_name)
        assert again.slug == slug and again.pk != tenant.pk
    finally:
        run_committed(_cleanup, slug, schemas)


# --- The owner's request in the admin ------------------------------------------------------


def _post_request(client, slug="alpha", password=TEST_PASSWORD):
    return client.post("/admin/portal-deletion/", {"confirm_slug": slug, "password": password})


def test_the_owner_asks_for_deletion_and_undoes_it(
    roots, tenant_a, admin_client_a, client_a, django_capture_on_commit_callbacks
):
    Tenant.objects.filter(pk=tenant_a.pk).update(owner_email="owner@alpha.example")
    assert client_a.get("/").status_code == 200
    page = admin_client_a.get("/admin/portal-deletion/").content.decode()
    assert "Delete this portal and all its data" in page and "For 30 days you can undo" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = _post_request(admin_client_a)
    assert response.status_code == 302
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert tenant.status == "cancelled" and tenant.status_before_deletion == "trialing"
    assert tenant.deletion_requested_by == "admin@alpha.example"
    assert tenant.purge_after > timezone.now() + timedelta(days=29, hours=23)
    date = date_of(tenant.purge_after)
    requested = AuditLog.objects.get(tenant=tenant, action="tenant.deletion.requested")
    assert requested.actor == "admin@alpha.example" and requested.detail["previous"] == "trialing"
    assert AuditLog.objects.filter(tenant=tenant, action="tenant.status.cancelled").exists()

    # The owner is told the date and how to undo it.
    (email,) = mail.outbox
    assert email.to == ["owner@alpha.example"] and date in email.subject
    assert "/admin/portal-deletion/" in email.body and "undo" in email.body.lower()

    # Customers find the portal closed, with nothing about how to undo.
    response = client_a.get("/")
    assert response.status_code == 503
    assert "This portal is closed" in response.content.decode()
    # The admin stays readable, with a critical notice, the date and an Undo button.
    html = admin_client_a.get("/admin/").content.decode()
    assert f"This portal will be deleted on {date}" in html
    assert 'action="/admin/portal-deletion/undo/"' in html and "Undo" in html
    assert 'portal-admin-notice--critical" role="alert"' in html
    # A change in the admin is refused, saying when the data goes.
    refused = admin_client_a.post("/admin/pages/add_subpage/2/", {})
    assert refused.status_code == 403
    assert f"will be deleted with all its data on <strong>{date}" in refused.content.decode()

    # Signing in again on the closed portal works, and so does the undo.
    fresh = TenantClient(host_of(tenant_a))
    signed_in = fresh.post(
        "/admin/login/", {"username": "admin@alpha.example", "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert fresh.post("/admin/portal-deletion/undo/").status_code == 302
    tenant.refresh_from_db()
    assert (tenant.status, tenant.purge_after, tenant.deletion_requested_at) == (
        "trialing",
        None,
        None,
    )
    assert tenant.status_before_deletion == "" and tenant.deletion_requested_by == ""
    undone = AuditLog.objects.get(tenant=tenant, action="tenant.deletion.undone")
    assert undone.detail["restored"] == "trialing"
    assert client_a.get("/").status_code == 200
    assert "portal-deletion/undo" not in admin_client_a.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("slug", "password", "message"),
    [
        ("beta", TEST_PASSWORD, "That is not this portal&#x27;s name"),
        ("", TEST_PASSWORD, "This field is required"),
        ("alpha", "not-my-password", "That password is not right. Nothing was deleted."),
        ("alpha", "", "This field is required"),
    ],
)
def test_a_wrong_slug_or_password_changes_nothing(
    tenant_a, admin_client_a, slug, password, message
):
    response = _post_request(admin_client_a, slug, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert (tenant.status, tenant.purge_after, tenant.deletion_requested_at) == (
        "trialing",
        None,
        None,
    )
    assert not AuditLog.objects.filter(tenant=tenant, action__startswith="tenant.deletion").exists()


def test_an_agent_can_neither_ask_nor_undo(tenant_a):
    with tenant_context(tenant_a):
        agent = make_customer("agent@alpha-deletion.example", is_staff=True)
        agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, agent)
    assert "/admin/portal-deletion/" not in client.get("/admin/").content.decode()  # no menu item
    # Wagtail sends a refused admin page back to the dashboard with a message.
    for response in (client.get("/admin/portal-deletion/"), _post_request(client)):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert Tenant.objects.get(pk=tenant_a.pk).deletion_requested_at is None

    services.tenant_deletion_request(tenant=tenant_a, actor="admin@alpha.example")
    html = client.get("/admin/").content.decode()
    assert "This portal will be deleted on" in html  # agents are told
    assert "portal-deletion/undo" not in html  # but get no Undo
    assert client.post("/admin/portal-deletion/undo/").status_code == 403  # the closed portal
    assert Tenant.objects.get(pk=tenant_a.pk).status == "cancelled"
    assert not AuditLog.objects.filter(action="tenant.deletion.undone").exists()


def test_b_s_admin_cannot_undo_a_s_request(tenant_a, tenant_b, admin_client_b):
    services.tenant_deletion_request(tenant=tenant_a, actor="admin@alpha.example")
    # On B's own host the undo concerns B, which asked for nothing.
    response = admin_client_b.post("/admin/portal-deletion/undo/", follow=True)
    assert "There is no deletion request to undo." in response.content.decode()
    # B's session cookie means nothing on A's host (sessions live in each tenant's schema).
    stray = TenantClient(host_of(tenant_a))
    stray.cookies = admin_client_b.cookies
    response = stray.post("/admin/portal-deletion/undo/")
    assert response.status_code in (302, 403) and "/admin/login/" in response.get(
        "Location", "/admin/login/"
    )
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert tenant.status == "cancelled" and tenant.deletion_requested_at is not None
    assert Tenant.objects.get(pk=tenant_b.pk).status == "trialing"
    assert not AuditLog.objects.filter(action="tenant.deletion.undone").exists()
    # Nor does B's admin see A's notice.
    assert "will be deleted" not in admin_client_b.get("/admin/").content.decode()


def test_a_payment_does_not_reopen_a_portal_whose_owner_asked_for_deletion(tenant_a):
    services.tenant_deletion_request(tenant=tenant_a, actor="admin@alpha.example")
    services.tenant_set_status(tenant=tenant_a, status="active", actor="stripe", reason="paid")
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert tenant.status == "cancelled" and tenant.purge_after is not None


def test_a_subscription_that_ended_shows_the_date_and_the_way_to_a_plan(tenant_a, admin_client_a):
    services.tenant_set_status(tenant=tenant_a, status="cancelled", actor="stripe")
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    html = admin_client_a.get("/admin/").content.decode()
    assert f"its data will be deleted on {date_of(tenant.purge_after)} unless a plan" in html
    assert 'href="/admin/billing/"' in html
    assert "portal-deletion/undo" not in html


def test_the_undo_is_refused_once_the_window_has_ended(tenant_a):
    services.tenant_deletion_request(tenant=tenant_a, actor="admin@alpha.example")
    Tenant.objects.filter(pk=tenant_a.pk).update(purge_after=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.tenant_deletion_undo(
            tenant=Tenant.objects.get(pk=tenant_a.pk), actor="admin@alpha.example"
        )
    assert Tenant.objects.get(pk=tenant_a.pk).kind == SchemaKind.TENANT


def test_only_a_portal_s_administrators_can_write_to_a_closed_portal(tenant_a):
    user = type("U", (), {"is_authenticated": True, "is_active": True, "is_superuser": False})()
    admin = type("A", (), {"is_authenticated": True, "is_active": True, "is_superuser": True})()
    assert lifecycle.closed_allowed("/admin/login/", None)
    assert lifecycle.closed_allowed("/admin/portal-deletion/undo/", admin)
    assert not lifecycle.closed_allowed("/admin/portal-deletion/undo/", user)
    assert not lifecycle.closed_allowed("/admin/pages/2/edit/", admin)
    assert admin_of(tenant_a).is_superuser


def test_platform_support_looking_at_the_admin_can_neither_ask_nor_undo(tenant_a):
    from tenants import deletion_admin, support

    with tenant_context(tenant_a):
        account = support.support_user_ensure()
    assert account.is_superuser and not deletion_admin.can_delete_portal(account)
    assert deletion_admin.can_delete_portal(admin_of(tenant_a))
