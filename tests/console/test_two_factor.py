"""Operators' two-step sign-in at the console: password, then a TOTP code (or a backup code);
enrolment with a QR code; replay, tolerance, lockout, audit; the reset command."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import URLPattern

from tests.conftest import TEST_PASSWORD, admin_of
from tests.console.otp_helpers import code_at, enrolled_device, key_from_text, verified_login

OPERATOR_EMAIL = "ops@platform.example"
IP = "198.51.100.4"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_throttle(settings):
    """django-otp spaces out code attempts after a failure (1 s, 2 s, ...). Tests that type a
    right code just after a wrong one turn that off; test_codes_are_throttled keeps it."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def operator(db):
    from tenants.console.services import operator_ensure

    connection.set_schema_to_public()
    return operator_ensure(email=OPERATOR_EMAIL, password=TEST_PASSWORD).user


def sign_in(client, next_url="/operator/"):
    """Step one: the password. Returns the response (a redirect to the code step)."""
    return client.post(
        f"/operator/login/?next={next_url}",
        {"username": OPERATOR_EMAIL, "password": TEST_PASSWORD, "next": next_url},
        REMOTE_ADDR=IP,
    )


def send_code(client, code, next_url="/operator/", url="/operator/login/code/"):
    return client.post(url, {"code": code, "next": next_url}, REMOTE_ADDR=IP)


def audit_actions():
    from tenants.models import AuditLog

    return list(
        AuditLog.objects.filter(action__startswith="operator.2fa.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_enrolment_then_sign_in_with_real_codes(platform_client, operator, no_throttle):
    from django_otp.plugins.otp_static.models import StaticToken

    response = sign_in(platform_client, "/operator/audit/")
    assert response["Location"] == "/operator/login/code/?next=%2Foperator%2Faudit%2F"
    # No authenticator yet: the code page sends the operator to set one up.
    response = platform_client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/operator/login/set-up/?next=%2Foperator%2Faudit%2F"
    # Until then, the console itself stays closed.
    assert platform_client.get("/operator/audit/").status_code == 302

    page = platform_client.get(response["Location"]).content.decode()
    assert "<svg" in page  # the QR code, drawn on the server
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert re.search(r'<label for="id_code">6-digit code</label>', page)
    text_key = re.search(r'<code class="console-key" id="secret-key">([A-Z2-7 ]+)</code>', page)[1]
    key = key_from_text(text_key)
    # Reloading shows the same secret (the operator may have scanned it already).
    assert text_key in platform_client.get("/operator/login/set-up/").content.decode()

    url = "/operator/login/set-up/"
    response = send_code(platform_client, "12345", "/operator/audit/", url)
    assert response.status_code == 400
    assert "Enter the 6 digits your authenticator app shows." in response.content.decode()
    wrong = f"{(int(code_at(key)) + 1) % 1_000_000:06d}"
    response = send_code(platform_client, wrong, "/operator/audit/", url)
    assert response.status_code == 400
    assert "That code does not match" in response.content.decode()

    enrolment_code = code_at(key)
    response = send_code(platform_client, enrolment_code, "/operator/audit/", url)
    assert response.status_code == 200
    page = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/operator/audit/"' in page
    # Stored hashed: the database holds none of the codes as shown or as typed.
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c for code in codes for c in (code, code.replace("-", ""))}
    assert platform_client.get("/operator/audit/").status_code == 200
    assert audit_actions() == ["operator.2fa.enrolled"]

    # Next sign-in: the code page (no second enrolment), and the code used at enrolment
    # cannot be used again.
    platform_client.post("/operator/logout/")
    response = sign_in(platform_client)
    assert platform_client.get(response["Location"]).status_code == 200
    assert platform_client.get("/operator/login/set-up/").status_code == 302
    response = send_code(platform_client, enrolment_code)
    assert response.status_code == 400
    assert "wrong or was already used" in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302

    response = send_code(platform_client, code_at(key, steps=1))
    assert response.status_code == 302
    assert response["Location"] == "/operator/"
    page = platform_client.get("/operator/").content.decode()
    assert "Operator console" in page
    assert audit_actions() == [
        "operator.2fa.enrolled",
        "operator.2fa.failed",
        "operator.2fa.signed_in",
    ]


def test_codes_one_step_either_side_only_and_never_twice(platform_client, operator, no_throttle):
    device = enrolled_device(operator)
    key = device.bin_key

    def fresh_sign_in():
        platform_client.post("/operator/logout/")
        sign_in(platform_client)

    fresh_sign_in()
    assert send_code(platform_client, code_at(key, steps=2)).status_code == 400  # 60 s ahead
    assert send_code(platform_client, code_at(key, steps=-2)).status_code == 400  # 60 s old
    assert send_code(platform_client, code_at(key, steps=-1)).status_code == 302  # 30 s old

    fresh_sign_in()
    assert send_code(platform_client, code_at(key, steps=-1)).status_code == 400  # replay
    assert send_code(platform_client, code_at(key)).status_code == 302

    fresh_sign_in()
    assert send_code(platform_client, code_at(key)).status_code == 400  # replay
    assert send_code(platform_client, code_at(key, steps=1)).status_code == 302  # 30 s ahead


def test_codes_are_throttled_right_after_a_failure(platform_client, operator):
    from tenants.otp import pending_totp_device

    # At enrolment...
    sign_in(platform_client)
    key = pending_totp_device(user=operator).bin_key
    wrong = "000000" if code_at(key) != "000000" else "111111"
    url = "/operator/login/set-up/"
    assert send_code(platform_client, wrong, url=url).status_code == 400
    response = send_code(platform_client, code_at(key), url=url)
    assert response.status_code == 429
    assert "Wait a few seconds before trying another code." in response.content.decode()

    # ...and at sign-in.
    platform_client.post("/operator/logout/")
    pending_totp_device(user=operator).delete()
    device = enrolled_device(operator)
    sign_in(platform_client)
    wrong = "000000" if code_at(device.bin_key) != "000000" else "111111"
    assert send_code(platform_client, wrong).status_code == 400
    response = send_code(platform_client, code_at(device.bin_key))
    assert response.status_code == 429
    assert "Wait a few seconds before trying another code." in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302


def _flatten(patterns, prefix=""):
    """(route, name) of every console URL, those of its included parts too."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name
        else:
            yield from _flatten(pattern.url_patterns, prefix + str(pattern.pattern))


def test_password_only_session_sees_no_console_page(platform_client, operator, tenant_a):
    """Every console URL, with a session that passed the password only: the code page."""
    from tenants.console.urls import urlpatterns
    from tenants.models import Tenant

    enrolled_device(operator)
    sign_in(platform_client)
    sign_in_steps = {"login", "logout", "verify", "verify-backup", "enrol"}
    checked = []
    routes = []
    for route, name in _flatten(urlpatterns):
        if name in sign_in_steps:
            continue
        # any id or key will do: the guard answers before any lookup
        route = re.sub(r"<int:\w+>", str(tenant_a.pk), route)
        route = re.sub(r"<\w+:\w+>", "x", route)
        url = f"/operator/{route}"
        routes.append(url)
        for method in ("get", "post"):
            response = getattr(platform_client, method)(url, {"reason": "x"})
            if response.status_code == 405:  # GET on a POST-only action, or the reverse
                continue
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/operator/login/code/?next="), url
            checked.append((method, url))
    assert Tenant.objects.get(pk=tenant_a.pk).status == "trialing"
    assert {url for _method, url in checked} == set(routes)
    assert set(routes) >= {
        "/operator/",
        "/operator/dashboard/",
        "/operator/audit/",
        f"/operator/tenants/{tenant_a.pk}/",
        f"/operator/tenants/{tenant_a.pk}/suspend/",
        f"/operator/tenants/{tenant_a.pk}/resume/",
        f"/operator/tenants/{tenant_a.pk}/extend-trial/",
        f"/operator/tenants/{tenant_a.pk}/plan/",
        f"/operator/tenants/{tenant_a.pk}/delete/",
    }
    # A session whose device was removed is back to password-only.
    verified_login(platform_client, operator)
    assert platform_client.get("/operator/").status_code == 200
    call_command("create_operator", email=OPERATOR_EMAIL, reset_2fa=True, stdout=io.StringIO())
    response = platform_client.get("/operator/")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/code/")


def test_backup_code_works_once(platform_client, operator):
    from tenants.console.services import operator_2fa_confirm
    from tenants.models import AuditLog
    from tenants.otp import pending_totp_device

    device = pending_totp_device(user=operator)
    codes = operator_2fa_confirm(user=operator, code=code_at(device.bin_key), ip=None).backup_codes
    assert codes is not None

    sign_in(platform_client)
    page = platform_client.get("/operator/login/code/").content.decode()
    assert 'href="/operator/login/backup-code/?next=/operator/"' in page
    url = "/operator/login/backup-code/"
    # Typed in capitals and without the hyphen, it still counts.
    response = send_code(platform_client, codes[3].upper().replace("-", ""), url=url)
    assert response.status_code == 302
    page = platform_client.get("/operator/").content.decode()
    assert "You have 9 backup codes left." in page
    entry = AuditLog.objects.get(action="operator.2fa.backup_code_used")
    assert entry.actor == OPERATOR_EMAIL
    assert entry.detail == {"codes_left": 9}

    platform_client.post("/operator/logout/")
    sign_in(platform_client)
    response = send_code(platform_client, codes[3], url=url)
    assert response.status_code == 400
    assert "That backup code is wrong or was already used." in response.content.decode()
    assert platform_client.get("/operator/").status_code == 302
    assert send_code(platform_client, codes[4], url=url).status_code == 302


def test_wrong_codes_lock_out_and_a_new_password_sign_in_does_not_reset(
    platform_client, operator, no_throttle
):
    from tenants.models import AuditLog

    device = enrolled_device(operator)
    right = code_at(device.bin_key)
    wrong = "000000" if right != "000000" else "111111"
    sign_in(platform_client)
    for _ in range(3):
        assert send_code(platform_client, wrong).status_code == 400
    # Signing in with the password again does not give fresh guesses.
    platform_client.post("/operator/logout/")
    sign_in(platform_client)
    assert send_code(platform_client, wrong).status_code == 400
    response = send_code(platform_client, wrong)  # the fifth wrong code
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert "_auth_user_id" not in platform_client.session  # signed out

    # The password step is locked for this address and username, right password or not.
    response = sign_in(platform_client)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert AuditLog.objects.filter(action="operator.2fa.failed").count() == 5
    failed = AuditLog.objects.filter(action="operator.2fa.failed").first()
    assert failed.actor == OPERATOR_EMAIL
    assert failed.ip == IP


def test_enrolled_operator_cannot_enrol_a_new_device_with_the_password(platform_client, operator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolled_device(operator)
    sign_in(platform_client)
    response = platform_client.get("/operator/login/set-up/")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/code/")
    assert platform_client.post("/operator/login/set-up/", {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=operator).count() == 1


def test_next_cannot_leave_the_console(platform_client, operator, no_throttle):
    device = enrolled_device(operator)
    sign_in(platform_client)
    response = send_code(platform_client, code_at(device.bin_key), "https://evil.example/")
    assert response["Location"] == "/operator/"


def test_tenant_admin_never_reaches_the_console(platform_client, tenant_a, admin_client_a):
    # The tenant admin's session is for the portal's host: the console is not served there.
    assert admin_client_a.get("/operator/").status_code == 404
    assert admin_client_a.get("/operator/login/code/").status_code == 404
    # Their credentials mean nothing on the platform host (the user lives in the tenant schema).
    admin = admin_of(tenant_a)
    connection.set_schema_to_public()
    response = platform_client.post(
        "/operator/login/", {"username": admin.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in platform_client.session
    assert platform_client.get("/operator/login/code/").status_code == 302
    assert platform_client.get("/operator/login/set-up/")["Location"] == "/operator/login/"


def test_reset_2fa_command(platform_client, operator):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenants.console.services import operator_2fa_confirm
    from tenants.models import AuditLog
    from tenants.otp import pending_totp_device

    device = pending_totp_device(user=operator)
    operator_2fa_confirm(user=operator, code=code_at(device.bin_key), ip=None)
    out = io.StringIO()
    call_command("create_operator", email=OPERATOR_EMAIL.upper(), reset_2fa=True, stdout=out)
    assert "Removed 2 two-step sign-in device(s)" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=operator).exists()
    assert not StaticDevice.objects.filter(user=operator).exists()
    entry = AuditLog.objects.get(action="operator.2fa.reset")
    assert entry.detail["operator"] == OPERATOR_EMAIL

    with pytest.raises(CommandError, match="No operator"):
        call_command("create_operator", email="nobody@platform.example", reset_2fa=True)
    with pytest.raises(CommandError, match="does not set a password"):
        call_command(
            "create_operator", email=OPERATOR_EMAIL, reset_2fa=True, password=TEST_PASSWORD
        )

    # After a reset the next sign-in leads to enrolment again.
    response = platform_client.get(sign_in(platform_client)["Location"])
    assert response["Location"].startswith("/operator/login/set-up/")


def test_qr_code_carries_the_secret(operator):
    from base64 import b32decode

    from tenants.otp import otpauth_url, pending_totp_device, qr_svg

    device = pending_totp_device(user=operator)
    url = otpauth_url(device, issuer="platform.localhost operators")
    assert url.startswith("otpauth://totp/platform.localhost%20operators%3Aops%40platform.example?")
    secret = re.search(r"secret=([A-Z2-7]+)", url)[1]
    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "<path" in svg
