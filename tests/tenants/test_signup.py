"""Signup through the HTML form, the JSON API and the management command."""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import tenant_context

from tenants.models import AuditLog, Domain, Handoff, Tenant, TenantStatus
from tests.conftest import TEST_PASSWORD, TenantClient

pytestmark = pytest.mark.django_db


def signup_payload(**overrides):
    payload = {
        "company_name": "Gamma Widgets",
        "subdomain": f"gamma-{uuid.uuid4().hex[:6]}",
        "admin_name": "Grace Gamma",
        "admin_email": "grace@gamma.example",
        "admin_password": TEST_PASSWORD,
    }
    payload.update(overrides)
    return payload


def post_api(client, payload, ip="10.1.1.1"):
    return client.post(
        "/api/v1/signup/",
        data=json.dumps(payload),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_api_signup_creates_tenant_portal_admin_and_trial(platform_client, settings):
    payload = signup_payload()
    response = post_api(platform_client, payload)
    assert response.status_code == 201, response.content
    body = response.json()
    slug = payload["subdomain"]
    assert body["portal_url"] == f"http://{slug}.{settings.PLATFORM_DOMAIN}:8000/"
    assert body["admin_url"].endswith("/admin/")
    tenant = Tenant.objects.get(slug=slug)
    assert tenant.status == TenantStatus.TRIALING
    assert tenant.name == "Gamma Widgets"
    days = (tenant.trial_ends_at - tenant.created_at).days
    assert days == 14
    assert Domain.objects.get(tenant=tenant, is_primary=True).domain == f"{slug}.localhost"
    assert tenant.schema_name.startswith("t_") and slug not in tenant.schema_name
    with tenant_context(tenant):
        admin = get_user_model().objects.get(email="grace@gamma.example")
        assert admin.is_superuser and admin.check_password(TEST_PASSWORD)
        assert admin.password.startswith("argon2$")
        from wagtail.models import Site

        site = Site.objects.get(is_default_site=True)
        assert site.site_name == "Gamma Widgets"
        assert site.root_page.specific.title == "Gamma Widgets"
    assert AuditLog.objects.filter(tenant=tenant, action="tenant.signup").exists()
    # the portal answers on its own host
    portal = TenantClient(f"{slug}.localhost")
    assert "Gamma Widgets" in portal.get("/").content.decode()


def test_html_signup_lands_logged_in_on_the_admin_via_single_use_handoff(platform_client):
    payload = signup_payload()
    response = platform_client.post("/signup/", payload, REMOTE_ADDR="10.1.1.2")
    assert response.status_code == 302
    handoff_url = response["Location"]
    slug = payload["subdomain"]
    assert handoff_url.startswith(f"http://{slug}.localhost:8000/_handoff/")
    path = handoff_url.split(":8000", 1)[1]
    portal = TenantClient(f"{slug}.localhost")
    landed = portal.get(path)
    assert landed.status_code == 302 and landed["Location"] == "/admin/"
    admin_page = portal.get("/admin/")
    assert admin_page.status_code == 200
    assert "Grace" in admin_page.content.decode()
    # the token is single-use: a second browser cannot reuse it
    again = TenantClient(f"{slug}.localhost").get(path)
    assert again.status_code == 400
    assert TenantClient(f"{slug}.localhost").get("/admin/").status_code == 302


def test_handoff_token_is_refused_on_another_tenant(platform_client, tenant_a):
    payload = signup_payload()
    response = platform_client.post("/signup/", payload, REMOTE_ADDR="10.1.1.3")
    path = response["Location"].split(":8000", 1)[1]
    other = TenantClient(tenant_a.primary_domain)
    assert other.get(path).status_code == 400
    assert other.get("/admin/").status_code == 302  # not logged in on alpha


def test_handoff_token_expires(platform_client):
    payload = signup_payload()
    response = platform_client.post("/signup/", payload, REMOTE_ADDR="10.1.1.4")
    Handoff.objects.update(expires_at="2000-01-01T00:00:00Z")
    path = response["Location"].split(":8000", 1)[1]
    assert TenantClient(f"{payload['subdomain']}.localhost").get(path).status_code == 400


def test_forged_handoff_token_is_refused(tenant_a):
    client = TenantClient(tenant_a.primary_domain)
    assert client.get("/_handoff/not-a-token/").status_code == 400


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("subdomain", "www", "reserved"),
        ("subdomain", "admin", "reserved"),
        ("subdomain", "ac me", "lowercase letters"),
        ("subdomain", "ab", "at least 3"),
        ("subdomain", "-acme", "start and end"),
        ("subdomain", "acme_co", "lowercase letters"),
        ("subdomain", "xn--acme", "3rd and 4th"),
        ("subdomain", "a" * 64, "at most 63"),
        ("subdomain", "alpha", "taken"),
        ("admin_email", "not-an-email", "valid email"),
        ("admin_password", "password", "too common"),
        ("admin_password", "short", "too short"),
        ("company_name", "", "blank"),
    ],
)
def test_api_signup_errors_are_field_specific_problem_json(platform_client, field, value, fragment):
    before = Tenant.objects.count()
    response = post_api(platform_client, signup_payload(**{field: value}), ip="10.2.0.1")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"]
    assert field in body["errors"], body
    assert fragment.lower() in " ".join(body["errors"][field]).lower()
    assert Tenant.objects.count() == before


def test_subdomain_is_lowercased(platform_client):
    slug = f"Mixed-{uuid.uuid4().hex[:6]}"
    response = post_api(platform_client, signup_payload(subdomain=slug), ip="10.2.0.9")
    assert response.status_code == 201
    assert Tenant.objects.filter(slug=slug.lower()).exists()


def test_html_signup_errors_are_shown_next_to_fields(platform_client):
    before = Tenant.objects.count()
    response = platform_client.post(
        "/signup/", signup_payload(subdomain="www", admin_email="nope"), REMOTE_ADDR="10.2.0.2"
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "reserved" in " ".join(form.errors["subdomain"])
    assert "admin_email" in form.errors
    assert Tenant.objects.count() == before


def test_malformed_json_is_a_problem_not_a_500(platform_client):
    response = platform_client.post(
        "/api/v1/signup/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_signup_failure_leaves_nothing_half_created(platform_client, monkeypatch):
    from cms import setup

    def explode(**kwargs):
        raise RuntimeError("disk full")

    schemas_before = set(Tenant.objects.values_list("schema_name", flat=True))
    monkeypatch.setattr(setup, "personalise_portal", explode)
    payload = signup_payload()
    with pytest.raises(RuntimeError):
        post_api(platform_client, payload, ip="10.2.0.3")
    assert not Tenant.objects.filter(slug=payload["subdomain"]).exists()
    assert not Domain.objects.filter(domain__startswith=payload["subdomain"]).exists()
    assert set(Tenant.objects.values_list("schema_name", flat=True)) == schemas_before
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%%'")
        schemas = {row[0] for row in cursor.fetchall()}
    assert schemas <= schemas_before


def test_signup_is_throttled_per_client_ip(platform_client, settings):
    settings.SIGNUP_RATE_LIMIT = "2/hour"
    ip = f"10.3.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    bad = signup_payload(subdomain="www")  # invalid, so nothing is created; still counted
    assert post_api(platform_client, bad, ip=ip).status_code == 400
    assert post_api(platform_client, bad, ip=ip).status_code == 400
    third = post_api(platform_client, bad, ip=ip)
    assert third.status_code == 429
    assert third["Content-Type"] == "application/problem+json"
    # the HTML form shares the same budget
    html = platform_client.post("/signup/", bad, REMOTE_ADDR=ip)
    assert html.status_code == 429
    assert "Too many signups" in html.content.decode()
    # another address is unaffected
    assert post_api(platform_client, bad, ip="10.9.9.9").status_code == 400


def test_signup_is_not_served_on_tenant_hosts(client_a):
    assert client_a.get("/signup/").status_code == 404
    response = client_a.post("/api/v1/signup/", data="{}", content_type="application/json")
    assert response.status_code == 404


def test_management_command_signs_up(capsys):
    slug = f"cli-{uuid.uuid4().hex[:6]}"
    call_command(
        "signup",
        company="Cli Co",
        subdomain=slug,
        admin_name="Cli Admin",
        admin_email="cli@cli.example",
        password=TEST_PASSWORD,
    )
    out = capsys.readouterr().out
    assert f"http://{slug}.localhost:8000/admin/" in out
    assert Tenant.objects.filter(slug=slug).exists()
    with pytest.raises(CommandError, match="reserved"):
        call_command(
            "signup",
            company="X",
            subdomain="api",
            admin_name="X",
            admin_email="x@x.example",
            password=TEST_PASSWORD,
        )
