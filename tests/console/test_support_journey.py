"""In Chromium: an operator signs in with password and authenticator code, opens a tenant and
starts "View as support" with a reason; the browser lands in the tenant's admin with the
read-only notice. The tenant's administrator, in another browser, sees who is looking and why,
and ends it; the operator's next page says the support access has ended. A screenshot of each
step (the administrator's on a phone)."""

from __future__ import annotations

from binascii import unhexlify

import pytest

from tests.conftest import TEST_PASSWORD, run_committed
from tests.console.otp_helpers import code_at
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

OPERATOR = "support-journey.ops@platform.example"
ADMIN = "admin@alpha.example"
REASON = "Ticket 5120: the customer says the FAQ page is empty"


def _prepare() -> dict:
    """An operator with a known authenticator; alpha without support accesses."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import tenant_context

    from cms.models import HomePage
    from tenants.console.services import operator_ensure
    from tenants.models import SupportAccess
    from tests.committed import alpha

    connection.set_schema_to_public()
    tenant = alpha()
    with tenant_context(tenant):
        home = HomePage.objects.filter(depth=2).first()
    connection.set_schema_to_public()
    SupportAccess.objects.filter(tenant=tenant).delete()
    operator_ensure(email=OPERATOR, password=TEST_PASSWORD)
    user = get_user_model().objects.get(username=OPERATOR)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return {"tenant_id": tenant.pk, "key": device.key, "home_id": home.pk, "title": home.title}


def _restore(saved: dict) -> None:
    """Remove everything the journey made: accesses, audit rows, the operator's device and the
    support account in alpha's schema (other tests count alpha's administrators)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import tenant_context

    from tenants.models import AuditLog, SupportAccess
    from tenants.support import support_username
    from tests.committed import alpha

    connection.set_schema_to_public()
    SupportAccess.objects.filter(tenant_id=saved["tenant_id"]).delete()
    AuditLog.objects.filter(actor=OPERATOR).delete()
    AuditLog.objects.filter(actor=ADMIN, action__startswith="tenant.support.").delete()
    TOTPDevice.objects.filter(user__username=OPERATOR).delete()
    with tenant_context(alpha()):
        get_user_model().objects.filter(username=support_username()).delete()
    connection.set_schema_to_public()


def _home_title(home_id: int) -> str:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from cms.models import HomePage
    from tests.committed import alpha

    connection.set_schema_to_public()
    with tenant_context(alpha()):
        return HomePage.objects.get(pk=home_id).get_latest_revision_as_object().title


def test_an_operator_views_as_support_and_the_tenant_admin_ends_it(
    browser, live_settings, screenshot_dir
):
    port = live_settings.PLATFORM_PORT
    portal = f"http://alpha.localhost:{port}"
    platform = f"http://{live_settings.PLATFORM_DOMAIN}:{port}"
    saved = run_committed(_prepare)
    tenant_page = f"{platform}/operator/tenants/{saved['tenant_id']}/"
    operator_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin_context = browser.new_context(**PHONE)
    try:
        ops = operator_context.new_page()
        ops.goto(tenant_page)
        ops.get_by_label("Email").fill(OPERATOR)
        ops.get_by_label("Password").fill(TEST_PASSWORD)
        ops.get_by_role("button", name="Sign in").click()
        ops.wait_for_url("**/operator/login/code/**")
        ops.get_by_label("6-digit code").fill(code_at(unhexlify(saved["key"])))
        ops.get_by_role("button", name="Verify").click()
        ops.wait_for_url(tenant_page)

        # a reason is required: the browser's own check, then the server's for a short one
        panel = ops.locator(".console-support")
        panel.get_by_label("Why you need access").fill("help")
        panel.get_by_label("Duration").select_option("15")
        panel.get_by_role("button", name="View as support").click()
        ops.locator("#support-reason-errors").wait_for()
        assert "at least 10 characters" in ops.locator("#support-reason-errors").inner_text()
        ops.locator(".console-support").scroll_into_view_if_needed()
        ops.screenshot(path=screenshot_dir / "support-1-console-reason-required.png")

        panel = ops.locator(".console-support")
        panel.get_by_label("Why you need access").fill(REASON)
        panel.get_by_label("Duration").select_option("15")
        panel.get_by_role("button", name="View as support").click()
        ops.wait_for_url(f"{portal}/admin/")
        notice = ops.locator(".portal-admin-notice", has_text="viewing as platform support")
        notice.wait_for()
        assert "read-only" in notice.inner_text()
        ops.screenshot(path=screenshot_dir / "support-2-operator-in-tenant-admin.png")

        # looking works, changing does not
        ops.goto(f"{portal}/admin/pages/{saved['home_id']}/edit/")
        assert ops.locator(".portal-admin-notice", has_text="platform support").is_visible()
        ops.get_by_role("button", name="Save draft").click()
        ops.get_by_role("heading", name="Support access is read-only").wait_for()
        ops.screenshot(path=screenshot_dir / "support-2b-operator-write-refused.png")
        assert run_committed(_home_title, saved["home_id"]) == saved["title"]

        admin = admin_context.new_page()
        sign_in(admin, portal, ADMIN, TEST_PASSWORD, "/admin/")
        staff_notice = admin.locator(".portal-admin-notice", has_text="Platform support")
        staff_notice.wait_for()
        text = staff_notice.inner_text()
        assert OPERATOR in text and REASON in text
        assert_no_sideways_scroll(admin, "the admin with the support notice")
        admin.screenshot(path=screenshot_dir / "support-3-tenant-admin-notice.png", full_page=True)

        staff_notice.get_by_role("button", name="End support access").click()
        admin.wait_for_url(f"{portal}/admin/support-access/")
        row = admin.locator("[data-support-access]").first
        assert row.get_attribute("data-status") == "ended"
        assert f"Ended by {ADMIN}" in row.inner_text()
        assert admin.locator(".portal-admin-notice", has_text="Platform support").count() == 0
        assert_no_sideways_scroll(admin, "the support access history")
        admin.screenshot(path=screenshot_dir / "support-4-tenant-admin-history.png", full_page=True)

        # the operator's next page: the access has ended, signed out
        ops.goto(f"{portal}/admin/pages/")
        ops.wait_for_url(f"{portal}/_support/ended/")
        assert ops.get_by_role("heading", name="Support access has ended").is_visible()
        ops.screenshot(path=screenshot_dir / "support-5-operator-ended.png")
        ops.goto(f"{portal}/admin/")
        assert "/admin/login/" in ops.url

        ops.goto(tenant_page)
        history = ops.locator(".console-support [data-support-access]").first
        assert history.get_attribute("data-status") == "ended"
        assert ADMIN in history.inner_text()
        ops.locator(".console-support").scroll_into_view_if_needed()
        ops.screenshot(path=screenshot_dir / "support-6-console-history.png")
        ops.set_viewport_size(PHONE["viewport"])
        assert_no_sideways_scroll(ops, "the tenant's console page on a phone")
        ops.locator(".console-support").screenshot(
            path=screenshot_dir / "support-7-console-panel-phone.png"
        )
    finally:
        operator_context.close()
        admin_context.close()
        run_committed(_restore, saved)
