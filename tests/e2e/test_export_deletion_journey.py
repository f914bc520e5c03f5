"""In Chromium: an operator follows a tenant's exports on its console page (queued, running with
its progress bar moving as the task reports, done with a Download link, failed with its
reason), on a desktop and a phone; then the portal's administrator asks, on a phone, for the
portal to be deleted (a wrong password first), sees the critical notice with the date on every
admin page while customers find the portal closed, and undoes it."""

from __future__ import annotations

from binascii import unhexlify
from pathlib import Path

import pytest
from django.utils import formats, timezone

from tests.conftest import TEST_PASSWORD, run_committed
from tests.console.otp_helpers import code_at
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

OPERATOR = "export-journey.ops@platform.example"
GONE_SCHEMA = "t_00journey0gone0"
FIELDS = (
    "status",
    "status_changed_at",
    "purge_after",
    "owner_email",
    "deletion_requested_at",
    "deletion_requested_by",
    "status_before_deletion",
)


def _prepare(exports_root: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenants.console.services import operator_ensure
    from tenants.models import Tenant, TenantExport
    from tests.committed import alpha

    connection.set_schema_to_public()
    tenant = alpha()
    saved = {name: getattr(tenant, name) for name in FIELDS}
    Tenant.objects.filter(pk=tenant.pk).update(owner_email="owner@alpha.example")
    operator_ensure(email=OPERATOR, password=TEST_PASSWORD)
    user = get_user_model().objects.get(username=OPERATOR)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    def row(**fields):
        return TenantExport.objects.create(
            tenant=tenant,
            tenant_label=tenant.slug,
            schema_name=tenant.schema_name,
            requested_by=OPERATOR,
            **fields,
        )

    row(status="failed", progress=12, error="OSError: [Errno 28] No space left on device")
    done = row(status="done", progress=100, step="Done", finished_at=timezone.now())
    folder = Path(exports_root) / tenant.schema_name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"journey-{done.pk}.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    TenantExport.objects.filter(pk=done.pk).update(
        file=f"{tenant.schema_name}/journey-{done.pk}.zip", size_bytes=2_345_678
    )
    TenantExport.objects.create(
        tenant=None,
        tenant_label="gone-company",
        schema_name=GONE_SCHEMA,
        reason="final",
        requested_by="system",
        status="done",
        progress=100,
        file=f"{tenant.schema_name}/journey-{done.pk}.zip",
        size_bytes=48_123_456,
    )
    running = row(status="running", progress=37, step="Table 45 of 120: wagtailcore_page")
    queued = row(status="queued")
    return {
        "saved": saved,
        "tenant_id": tenant.pk,
        "key": device.key,
        "running": running.pk,
        "queued": queued.pk,
        "done": done.pk,
    }


def _progress(export_id: int, fields: dict) -> None:
    from tenants.models import TenantExport

    TenantExport.objects.filter(pk=export_id).update(**fields)


def _restore(state: dict) -> None:
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenants.models import AuditLog, Tenant, TenantExport

    connection.set_schema_to_public()
    Tenant.objects.filter(pk=state["tenant_id"]).update(**state["saved"])
    TenantExport.objects.filter(tenant_id=state["tenant_id"]).delete()
    TenantExport.objects.filter(schema_name=GONE_SCHEMA).delete()
    TOTPDevice.objects.filter(user__username=OPERATOR).delete()
    AuditLog.objects.filter(actor=OPERATOR).delete()
    AuditLog.objects.filter(actor="admin@alpha.example", tenant_id=state["tenant_id"]).delete()


def test_exports_in_the_console_and_a_deletion_the_owner_undoes(
    browser, live_settings, screenshot_dir, tmp_path
):
    live_settings.EXPORTS_ROOT = str(tmp_path / "exports")
    port = live_settings.PLATFORM_PORT
    portal = f"http://alpha.localhost:{port}"
    platform = f"http://{live_settings.PLATFORM_DOMAIN}:{port}"
    state = run_committed(_prepare, live_settings.EXPORTS_ROOT)
    tenant_id = state["tenant_id"]
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    phone = browser.new_context(**PHONE)
    try:
        ops = desktop.new_page()
        ops.goto(f"{platform}/operator/tenants/{tenant_id}/")
        ops.get_by_label("Email").fill(OPERATOR)
        ops.get_by_label("Password").fill(TEST_PASSWORD)
        ops.get_by_role("button", name="Sign in").click()
        ops.wait_for_url("**/operator/login/code/**")
        ops.get_by_label("6-digit code").fill(code_at(unhexlify(state["key"])))
        ops.get_by_role("button", name="Verify").click()
        ops.wait_for_url(f"{platform}/operator/tenants/{tenant_id}/")

        panel = ops.locator(".console-exports")
        running = panel.locator(f'[data-export="{state["running"]}"]')
        assert running.locator("progress").get_attribute("value") == "37"
        assert "Table 45 of 120" in running.inner_text()
        assert panel.locator(f'[data-export="{state["queued"]}"]').inner_text().count("Queued")
        done = panel.locator(f'[data-export="{state["done"]}"]')
        assert done.get_by_role("link", name="Download the export of").is_visible()
        assert "No space left on device" in panel.inner_text()
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=screenshot_dir / "exports-1-console-desktop.png")

        # The task reports progress; the open page follows it without a reload.
        run_committed(_progress, state["running"], {"progress": 81, "step": "Media file 3 of 9"})
        running.locator("[data-export-percent]").get_by_text("81%").wait_for(timeout=5000)
        assert "Media file 3 of 9" in running.inner_text()
        run_committed(
            _progress, state["queued"], {"status": "running", "progress": 5, "step": "Starting"}
        )
        queued = panel.locator(f'[data-export="{state["queued"]}"]')
        queued.get_by_text("Running").wait_for(timeout=5000)
        # It finishes: the row turns into a download, still without a reload.
        done = {"status": "done", "progress": 100, "file": "missing.zip", "size_bytes": 1024}
        run_committed(_progress, state["running"], done)
        running.get_by_role("link", name="Download the export of").wait_for(timeout=5000)
        assert running.locator("[data-export-status]").inner_text() == "Done"
        panel.screenshot(path=screenshot_dir / "exports-2-console-progress-done.png")

        mobile_ops = phone.new_page()
        for cookie in desktop.cookies():
            phone.add_cookies([cookie])
        mobile_ops.goto(f"{platform}/operator/tenants/{tenant_id}/")
        mobile_panel = mobile_ops.locator(".console-exports")
        mobile_panel.scroll_into_view_if_needed()
        assert_no_sideways_scroll(mobile_ops, "the console tenant page")
        mobile_panel.screenshot(path=screenshot_dir / "exports-3-console-phone.png")

        # The final exports of purged tenants stay downloadable.
        ops.get_by_role("link", name="Final exports of deleted tenants").click()
        ops.wait_for_url("**/operator/exports/?final=1")
        assert ops.get_by_role("link", name="Download export").count() == 1
        assert "gone-company" in ops.locator("main").inner_text()
        ops.screenshot(path=screenshot_dir / "exports-4-final-desktop.png", full_page=True)
        mobile_ops.goto(f"{platform}/operator/exports/")
        assert_no_sideways_scroll(mobile_ops, "the exports page")
        mobile_ops.screenshot(path=screenshot_dir / "exports-5-all-phone.png", full_page=True)

        # The owner asks for the portal to be deleted, on a phone.
        admin = phone.new_page()
        sign_in(admin, portal, "admin@alpha.example", TEST_PASSWORD, "/admin/portal-deletion/")
        assert admin.get_by_role("heading", name="Delete this portal and all its data").is_visible()
        assert_no_sideways_scroll(admin, "the deletion page")
        admin.screenshot(path=screenshot_dir / "deletion-1-form-phone.png", full_page=True)
        admin.get_by_label("The portal's address name").fill("alpha")
        admin.get_by_label("Your password").fill("not my password")
        admin.get_by_role("button", name="Delete this portal").click()
        admin.get_by_text("That password is not right. Nothing was deleted.").wait_for()
        admin.screenshot(
            path=screenshot_dir / "deletion-2-wrong-password-phone.png", full_page=True
        )
        admin.get_by_label("Your password").fill(TEST_PASSWORD)
        admin.get_by_role("button", name="Delete this portal").click()
        admin.get_by_role("heading", name="This portal is being deleted").wait_for()

        from tenants.models import Tenant

        purge_after = Tenant.objects.get(pk=tenant_id).purge_after
        date = formats.date_format(timezone.localtime(purge_after), "DATE_FORMAT")
        notice = admin.locator(".portal-admin-notice--critical")
        assert f"This portal will be deleted on {date}" in notice.inner_text()
        assert_no_sideways_scroll(admin, "the deletion page once asked")
        admin.screenshot(path=screenshot_dir / "deletion-3-requested-phone.png", full_page=True)

        visitor = phone.new_page()
        response = visitor.goto(f"{portal}/")
        assert response.status == 503
        assert visitor.get_by_role("heading", name="This portal is closed").is_visible()
        visitor.screenshot(path=screenshot_dir / "deletion-4-portal-closed-phone.png")

        # The closed portal's admin still lets its administrators sign in.
        wide = desktop.new_page()
        wide.goto(f"{portal}/admin/login/?next=/admin/")
        wide.fill("#id_username", "admin@alpha.example")
        wide.fill("#id_password", TEST_PASSWORD)
        wide.locator("form button[type=submit]").first.click()
        wide.wait_for_url(f"{portal}/admin/")
        wide_notice = wide.locator(".portal-admin-notice--critical")
        assert f"This portal will be deleted on {date}" in wide_notice.inner_text()
        wide.screenshot(path=screenshot_dir / "deletion-5-admin-notice-desktop.png")
        wide.goto(f"{portal}/admin/portal-deletion/")
        wide.screenshot(path=screenshot_dir / "deletion-6-requested-desktop.png", full_page=True)

        # Undo from the notice: the portal is back.
        admin.goto(f"{portal}/admin/")
        admin.locator(".portal-admin-notice--critical").get_by_role("button", name="Undo").click()
        admin.get_by_text("Deletion undone: the portal is open again.").wait_for()
        assert admin.locator(".portal-admin-notice--critical").count() == 0
        admin.screenshot(path=screenshot_dir / "deletion-7-undone-phone.png", full_page=True)
        assert visitor.goto(f"{portal}/").status == 200
    finally:
        desktop.close()
        phone.close()
        run_committed(_restore, state)
