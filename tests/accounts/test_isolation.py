"""Tenant A's customers do not exist on tenant B's portal: not by sign-in, session cookie,
verification or reset link, export, or API."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.core import mail
from django_tenants.utils import tenant_context

from modules.accounts import services
from tests.accounts.conftest import PASSWORD, link_in, make_customer
from tests.conftest import TenantClient, host_of

pytestmark = pytest.mark.django_db


def test_the_same_address_is_two_accounts_on_two_portals(tenant_a, tenant_b, client_a, client_b):
    """The address has an account on both portals, with different passwords: each password
    opens its own portal only (a shared user table would let one in on the other)."""
    make_customer(tenant_a, "both@example.com", password=PASSWORD)
    make_customer(tenant_b, "both@example.com", password="b-" + PASSWORD)
    wrong_portal = client_b.post(
        "/account/login/", {"email": "both@example.com", "password": PASSWORD}
    )
    assert wrong_portal.status_code == 400 and "_auth_user_id" not in client_b.session
    other = client_a.post(
        "/account/login/", {"email": "both@example.com", "password": "b-" + PASSWORD}
    )
    assert other.status_code == 400 and "_auth_user_id" not in client_a.session
    assert (
        client_a.post(
            "/account/login/", {"email": "both@example.com", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert (
        client_b.post(
            "/account/login/", {"email": "both@example.com", "password": "b-" + PASSWORD}
        ).status_code
        == 302
    )


def test_a_session_cookie_of_a_replayed_on_b_is_anonymous(tenant_a, tenant_b, client_a):
    make_customer(tenant_a, "cookie@example.com")
    # a customer of B with the same user id exists, to show the cookie is not taken for them
    make_customer(tenant_b, "cookie-b@example.com")
    signed_in = client_a.post(
        "/account/login/", {"email": "cookie@example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    cookie = client_a.cookies[settings.SESSION_COOKIE_NAME].value
    assert client_a.get("/account/").status_code == 200
    replay = TenantClient(host_of(tenant_b))
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get("/account/").status_code == 302
    assert replay.get("/api/v1/account/me/").status_code in (401, 403)
    home = replay.get("/faq/")
    assert b"/account/login/" in home.content and b"My account" not in home.content


def test_links_made_for_a_do_nothing_on_b(
    tenant_a, tenant_b, client_a, client_b, django_capture_on_commit_callbacks
):
    # the same address has an account on each portal, with the same user id on both
    make_customer(tenant_b, "twin@example.com", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            "/account/signup/", {"email": "twin@example.com", "password": "a-long-passphrase-3"}
        )
        client_a.post("/account/password-reset/", {"email": "twin@example.com"})
    verify, reset = (link_in(message) for message in mail.outbox)
    assert verify.startswith("/account/verify/") and reset.startswith("/account/password-reset/")
    assert client_b.get(verify).status_code == 400
    assert client_b.get(reset).status_code == 400
    assert client_b.post(reset, {"password": "b-hijacked-pass-999"}).status_code == 400
    with tenant_context(tenant_b):
        from django.contrib.auth import get_user_model

        twin = get_user_model().objects.get(username="twin@example.com")
        assert twin.customer_profile.email_verified_at is None
        assert twin.check_password(PASSWORD)


def test_export_of_a_never_holds_b_data(tenant_a, tenant_b):
    user_a = make_customer(tenant_a, "same@example.com")
    user_b = make_customer(tenant_b, "same@example.com")
    with tenant_context(tenant_b):
        services.profile_update(user=user_b, display_name="Beta Secret", language="lt")
        services.organization_create(name="Beta Org", email_domains=["example.com"])
    with tenant_context(tenant_a):
        services.profile_update(user=user_a, display_name="Alpha Person", language="")
        export = services.customer_export(user=user_a)
    text = zipfile.ZipFile(io.BytesIO(export.content)).read("data.json").decode()
    assert "Alpha Person" in text
    assert "Beta Secret" not in text and "Beta Org" not in text
    assert json.loads(text)["account"]["organization"] is None
