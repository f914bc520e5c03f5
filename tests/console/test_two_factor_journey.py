"""An operator sets up two-step sign-in on a phone in Chromium, then signs in again with a code
from the same secret (screenshots of the enrolment, backup codes and code pages)."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, run_committed
from tests.console.otp_helpers import code_at, key_from_text
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

EMAIL = "journey.ops@platform.example"


def _make_operator():
    from django.db import connection

    from tenants.console.services import operator_ensure

    connection.set_schema_to_public()
    operator_ensure(email=EMAIL, password=TEST_PASSWORD)


def _remove_devices():
    """Leave no device or audit rows behind; the user row stays (deleting a public user would
    cascade into per-tenant tables this schema does not have) and the next run enrols again."""
    from django.db import connection
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenants.models import AuditLog

    connection.set_schema_to_public()
    TOTPDevice.objects.filter(user__username=EMAIL).delete()
    StaticDevice.objects.filter(user__username=EMAIL).delete()
    AuditLog.objects.filter(actor=EMAIL).delete()


def test_operator_enrols_and_signs_in_with_a_code(browser, live_settings, screenshot_dir):
    base = f"http://{live_settings.PLATFORM_DOMAIN}:{live_settings.PLATFORM_PORT}"
    run_committed(_remove_devices)  # a run stopped halfway may have left some
    run_committed(_make_operator)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{base}/operator/")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/operator/login/set-up/**")
        assert page.locator(".console-qr svg").is_visible()
        key = key_from_text(page.locator("#secret-key").inner_text())
        code_input = page.get_by_label("6-digit code")
        assert code_input.get_attribute("autocomplete") == "one-time-code"
        assert_no_sideways_scroll(page, "the enrolment page")
        page.screenshot(path=screenshot_dir / "operator-2fa-1-enrol.png", full_page=True)

        code_input.fill(code_at(key))
        page.get_by_role("button", name="Confirm and continue").click()
        codes = page.locator(".console-backup-codes code")
        codes.first.wait_for()
        assert codes.count() == 10
        assert_no_sideways_scroll(page, "the backup codes page")
        page.screenshot(path=screenshot_dir / "operator-2fa-2-backup-codes.png", full_page=True)
        page.get_by_role("link", name="I have saved them, continue").click()
        page.wait_for_url(f"{base}/operator/")
        page.get_by_role("button", name="Sign out").click()

        page.goto(f"{base}/operator/audit/")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/operator/login/code/**")
        assert_no_sideways_scroll(page, "the code page")
        page.screenshot(path=screenshot_dir / "operator-2fa-3-code.png", full_page=True)
        page.get_by_label("6-digit code").fill(code_at(key, steps=1))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url(f"{base}/operator/audit/")
        assert page.get_by_role("heading", name="Audit log").is_visible()
    finally:
        context.close()
        run_committed(_remove_devices)
