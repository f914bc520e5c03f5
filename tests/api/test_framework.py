"""The API framework: problem+json for every 4xx, API keys, sessions, throttling, pagination,
OpenAPI schema and docs."""

import pytest
from django_tenants.utils import tenant_context

from api.services import api_key_create, api_key_revoke
from tests.conftest import TenantClient, admin_of

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"] and "type" in body
    return body


def test_openapi_schema_and_docs_on_tenant_and_platform_hosts(client_a, platform_client):
    schema = client_a.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/portal/" in spec["paths"]
    assert "/api/v1/api-keys/" in spec["paths"]
    docs = client_a.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn." not in docs.content  # assets are self-hosted (sidecar)
    public = platform_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert "/api/v1/signup/" in public.json()["paths"]


def test_unknown_endpoint_is_problem_json(client_a, platform_client):
    assert_problem(client_a.get("/api/v1/nope/"), 404)
    assert_problem(client_a.get("/api/nothing"), 404)
    assert_problem(platform_client.get("/api/v1/nope/"), 404)


def test_anonymous_is_401_with_problem(client_a):
    body = assert_problem(client_a.get("/api/v1/api-keys/"), 401)
    assert "credentials" in body["detail"].lower()


def test_wrong_method_is_405_problem(client_a):
    assert_problem(client_a.delete("/api/v1/portal/"), 405)


def test_api_key_lifecycle(tenant_a):
    with tenant_context(tenant_a):
        key, token = api_key_create(user=admin_of(tenant_a), name="reporting")
        assert key.digest not in token and len(key.digest) == 64  # only a digest is stored
    client = TenantClient(tenant_a.primary_domain, HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/api-keys/").status_code == 200
    bad = TenantClient(tenant_a.primary_domain, HTTP_AUTHORIZATION=f"Api-Key {token}x")
    assert_problem(bad.get("/api/v1/api-keys/"), 401)
    with tenant_context(tenant_a):
        api_key_revoke(key=key)
    assert_problem(client.get("/api/v1/api-keys/"), 401)


def test_admin_creates_and_revokes_keys_through_the_api(admin_client_a, tenant_a):
    # session auth enforces CSRF; the Django test client skips CSRF checks by default
    created = admin_client_a.post(
        "/api/v1/api-keys/", {"name": "zapier"}, content_type="application/json"
    )
    assert created.status_code == 201
    token = created.json()["key"]
    listed = admin_client_a.get("/api/v1/api-keys/").json()
    assert listed["count"] == 1 and "key" not in listed["results"][0]
    key_id = created.json()["id"]
    revoked = admin_client_a.post(f"/api/v1/api-keys/{key_id}/revoke/")
    assert revoked.json()["is_active"] is False
    client = TenantClient(tenant_a.primary_domain, HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert_problem(client.get("/api/v1/api-keys/"), 401)


def test_validation_errors_are_field_specific(admin_client_a):
    body = assert_problem(
        admin_client_a.post("/api/v1/api-keys/", {}, content_type="application/json"), 400
    )
    assert "name" in body["errors"]


def test_session_writes_need_csrf(tenant_a):
    from tests.conftest import login_on

    client = login_on(
        TenantClient(tenant_a.primary_domain, enforce_csrf_checks=True),
        tenant_a,
        admin_of(tenant_a),
    )
    response = client.post("/api/v1/api-keys/", {"name": "x"}, content_type="application/json")
    body = assert_problem(response, 403)
    assert "csrf" in body["detail"].lower()


def test_pagination(tenant_a):
    with tenant_context(tenant_a):
        admin = admin_of(tenant_a)
        tokens = [api_key_create(user=admin, name=f"k{i}")[1] for i in range(3)]
    client = TenantClient(tenant_a.primary_domain, HTTP_AUTHORIZATION=f"Api-Key {tokens[0]}")
    page = client.get("/api/v1/api-keys/", {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert len(client.get(page["next"]).json()["results"]) == 1
    assert_problem(client.get("/api/v1/api-keys/", {"page": 99}), 404)


def test_throttling_answers_429_problem(client_a, settings, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    # DRF's anon/user throttles copied the rates when imported; both are put back afterwards
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    ip = {"REMOTE_ADDR": "10.44.0.1"}
    assert client_a.get("/api/v1/portal/", **ip).status_code == 200
    assert client_a.get("/api/v1/portal/", **ip).status_code == 200
    body = assert_problem(client_a.get("/api/v1/portal/", **ip), 429)
    assert body["retry_after"] > 0


def test_api_keys_need_the_same_permissions_as_the_admin_screen(tenant_a):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from tests.conftest import login_on

    with tenant_context(tenant_a):
        editor = get_user_model().objects.create_user("ed@alpha.example", "ed@alpha.example")
        editor.groups.add(Group.objects.get(name="Editors"))  # Wagtail's default editors
    client = login_on(TenantClient(tenant_a.primary_domain), tenant_a, editor)
    assert_problem(client.get("/api/v1/api-keys/"), 403)
    assert_problem(
        client.post("/api/v1/api-keys/", {"name": "x"}, content_type="application/json"), 403
    )
    with tenant_context(tenant_a):
        editor.user_permissions.add(Permission.objects.get(codename="add_apikey"))
    created = client.post("/api/v1/api-keys/", {"name": "x"}, content_type="application/json")
    assert created.status_code == 201
    assert_problem(client.post(f"/api/v1/api-keys/{created.json()['id']}/revoke/"), 403)


def test_a_services_refusal_becomes_a_problem_document_with_its_reason():
    """Services raise Django's ValidationError and PermissionDenied; the API answers them as
    RFC 7807 documents with the same field errors and reason, without a try/except per view."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from api.errors import problem_exception_handler

    invalid = problem_exception_handler(ValidationError({"title": ["Too long."]}), {})
    assert invalid.status_code == 400
    assert invalid.data["errors"] == {"title": ["Too long."]}
    assert invalid.data["type"].endswith("validation-error")
    plain = problem_exception_handler(ValidationError("No votes left."), {})
    assert plain.data["errors"] == {"non_field_errors": ["No votes left."]}
    refused = problem_exception_handler(PermissionDenied("Verify your email address."), {})
    assert refused.status_code == 403
    assert refused.data["detail"] == "Verify your email address."
