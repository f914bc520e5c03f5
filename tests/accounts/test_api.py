"""/api/v1/account/: the signed-in customer's profile, export and deletion, with the same
checks as the pages, problem+json errors, throttling and an OpenAPI description."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from api.services import api_key_create
from modules.accounts.models import NotificationSetting
from tests.accounts.conftest import PASSWORD, make_customer
from tests.conftest import TenantClient, admin_of, host_of, login_on

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def customer_client(tenant, email="api@example.com", **kwargs):
    user = make_customer(tenant, email, **kwargs)
    return user, login_on(TenantClient(host_of(tenant)), tenant, user)


def test_me_shows_and_changes_the_profile(tenant_a):
    user, client = customer_client(tenant_a)
    me = client.get("/api/v1/account/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == "api@example.com"
    assert body["email_verified"] is True and body["can_participate"] is True
    assert body["is_staff"] is False and body["organization"] is None
    assert body["notifications"] == {
        "replies": True,
        "mentions": True,
        "status_changes": True,
        "digests": False,
    }
    changed = client.patch(
        "/api/v1/account/me/",
        {"display_name": "Api Person", "notifications": {"digests": True, "replies": False}},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["display_name"] == "Api Person"
    assert changed.json()["notifications"]["digests"] is True
    with tenant_context(tenant_a):
        assert user.customer_profile.__class__.objects.get(user=user).display_name == "Api Person"
        assert NotificationSetting.objects.get(user=user, kind="replies").email is False


def test_bad_input_is_problem_json(tenant_a):
    _user, client = customer_client(tenant_a)
    bad = client.patch(
        "/api/v1/account/me/", {"language": "klingon"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM
    assert "language" in bad.json()["errors"]
    too_long = client.patch(
        "/api/v1/account/me/", {"display_name": "x" * 200}, content_type="application/json"
    )
    assert too_long.status_code == 400 and "display_name" in too_long.json()["errors"]
    broken = client.patch("/api/v1/account/me/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken["Content-Type"] == PROBLEM


def test_anonymous_gets_401_problem(client_a):
    for method, path in (
        ("get", "/api/v1/account/me/"),
        ("get", "/api/v1/account/export/"),
        ("post", "/api/v1/account/delete/"),
    ):
        response = getattr(client_a, method)(path)
        assert response.status_code in (401, 403) and response["Content-Type"] == PROBLEM


def test_export_is_a_zip_of_my_data(tenant_a):
    _user, client = customer_client(tenant_a, "zip@example.com")
    response = client.get("/api/v1/account/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["account"]["email"] == "zip@example.com"


def test_delete_needs_the_password_and_ends_the_session(tenant_a):
    user, client = customer_client(tenant_a, "gone@example.com")
    wrong = client.post(
        "/api/v1/account/delete/", {"password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and "password" in wrong.json()["errors"]
    missing = client.post("/api/v1/account/delete/", {}, content_type="application/json")
    assert missing.status_code == 400
    done = client.post(
        "/api/v1/account/delete/", {"password": PASSWORD}, content_type="application/json"
    )
    assert done.status_code == 204
    assert client.get("/api/v1/account/me/").status_code in (401, 403)
    with tenant_context(tenant_a):
        assert not get_user_model().objects.get(pk=user.pk).is_active


def test_an_api_key_cannot_delete_its_user(tenant_a):
    with tenant_context(tenant_a):
        _key, token = api_key_create(user=admin_of(tenant_a), name="robot")
    client = TenantClient(host_of(tenant_a), HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/account/me/").status_code == 200
    refused = client.post(
        "/api/v1/account/delete/", {"password": PASSWORD}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    with tenant_context(tenant_a):
        assert admin_of(tenant_a).is_active


def test_exports_are_limited_per_account_on_the_api_and_the_page_alike(tenant_a):
    _user, client = customer_client(tenant_a, "greedy@example.com")
    api = [client.get("/api/v1/account/export/").status_code for _ in range(5)]
    page = [client.get("/account/privacy/export/").status_code for _ in range(5)]
    assert api == [200] * 5 and page == [200] * 5  # ten in an hour, however asked
    limited = client.get("/api/v1/account/export/")
    assert limited.status_code == 429 and limited["Content-Type"] == PROBLEM
    assert limited.json()["retry_after"] > 0 and "Retry-After" in limited
    refused_page = client.get("/account/privacy/export/")
    assert refused_page.status_code == 429
    assert "many times this hour" in refused_page.content.decode()
    # the password check of a deletion counts against the same limit: no guessing on the page
    guess = client.post("/account/privacy/", {"password": "guess", "confirm": "on"})
    assert guess.status_code in (400, 429) and "many times this hour" in guess.content.decode()


def test_documented_in_the_openapi_schema(client_a):
    spec = client_a.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert set(spec["paths"]["/api/v1/account/me/"]) >= {"get", "patch"}
    assert "get" in spec["paths"]["/api/v1/account/export/"]
    assert "post" in spec["paths"]["/api/v1/account/delete/"]
    assert "Profile" in spec["components"]["schemas"]


def test_me_reads_the_preferences_once(tenant_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _user, client = customer_client(tenant_a, "counted@example.com")
    client.get("/api/v1/account/me/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/account/me/").status_code == 200
    settings_reads = [q for q in queries.captured_queries if "notificationsetting" in q["sql"]]
    assert len(settings_reads) == 1
    with CaptureQueriesContext(connection) as queries:
        changed = client.patch(
            "/api/v1/account/me/", {"display_name": "Once"}, content_type="application/json"
        )
    assert changed.status_code == 200 and changed.json()["display_name"] == "Once"
    # the profile is looked up once (a save's own signal handlers may read it back by id)
    profile_reads = [
        q for q in queries.captured_queries
        if 'FROM "accounts_customerprofile" WHERE "accounts_customerprofile"."user_id"' in q["sql"]
    ]  # fmt: skip
    assert len(profile_reads) == 1
