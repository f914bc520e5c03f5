"""Settings → API keys in a tenant's Wagtail admin: create (shown once), use, revoke, access."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django_tenants.utils import tenant_context

from tests.conftest import TenantClient, host_of, login_on

KEYS_URL = "/admin/api-keys/"


def _token_from(html: str) -> str:
    match = re.search(r'id="api-key-value" value="([^"]+)"', html)
    assert match, "the new key is not on the page"
    return match.group(1)


def _api(client: TenantClient, token: str):
    return client.get("/api/v1/api-keys/", HTTP_AUTHORIZATION=f"Api-Key {token}")


def test_settings_menu_has_api_keys(admin_client_a):
    response = admin_client_a.get("/admin/")
    assert response.status_code == 200
    assert KEYS_URL in response.content.decode()


def test_create_use_and_revoke_a_key(admin_client_a, client_a, client_b, tenant_a):
    from api.models import ApiKey

    assert admin_client_a.get(KEYS_URL).status_code == 200
    form = admin_client_a.get(f"{KEYS_URL}create/")
    assert form.status_code == 200
    assert 'name="name"' in form.content.decode()

    created = admin_client_a.post(f"{KEYS_URL}create/", {"name": "CRM sync"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    token = _token_from(created.content.decode())
    prefix, _sep, secret = token.partition(".")
    assert secret

    # Shown once: the listing names the key and its prefix, never the secret.
    listing = admin_client_a.get(KEYS_URL).content.decode()
    assert "CRM sync" in listing
    assert prefix in listing
    assert secret not in listing

    response = _api(client_a, token)
    assert response.status_code == 200
    assert any(item["name"] == "CRM sync" for item in response.json()["results"])
    # Keys live in alpha's schema: on beta's host the same key is simply unknown.
    assert _api(client_b, token).status_code == 401

    with tenant_context(tenant_a):
        key = ApiKey.objects.get(prefix=prefix)
    confirm = admin_client_a.get(f"{KEYS_URL}{key.pk}/revoke/")
    assert confirm.status_code == 200
    assert "CRM sync" in confirm.content.decode()
    revoked = admin_client_a.post(f"{KEYS_URL}{key.pk}/revoke/")
    assert revoked.status_code == 302
    assert revoked["Location"] == KEYS_URL

    assert _api(client_a, token).status_code == 401
    with tenant_context(tenant_a):
        assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert "Revoked" in admin_client_a.get(KEYS_URL).content.decode()
    # A revoked key has no revoke page any more.
    assert admin_client_a.get(f"{KEYS_URL}{key.pk}/revoke/").status_code == 404


def test_empty_name_is_refused(admin_client_a, tenant_a):
    from api.models import ApiKey

    response = admin_client_a.post(f"{KEYS_URL}create/", {"name": "   "})
    assert response.status_code == 400
    with tenant_context(tenant_a):
        assert not ApiKey.objects.exists()


def test_revoke_needs_post(admin_client_a, tenant_a):
    from api.services import api_key_create

    with tenant_context(tenant_a):
        key, _token = api_key_create(user=get_user_model().objects.first(), name="k")
    admin_client_a.get(f"{KEYS_URL}{key.pk}/revoke/")
    with tenant_context(tenant_a):
        key.refresh_from_db()
        assert key.revoked_at is None


def test_editor_without_key_permissions_is_refused(tenant_a):
    """An editor who may use the admin but was not given the API key permissions can neither
    see the screen nor create a key, and the menu does not offer it."""
    from api.models import ApiKey

    with tenant_context(tenant_a):
        editor = get_user_model().objects.create_user(
            username="editor@alpha.example", email="editor@alpha.example", password="x" * 20
        )
        editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, editor)

    home = client.get("/admin/")
    assert home.status_code == 200
    assert KEYS_URL not in home.content.decode()
    assert client.get(KEYS_URL).status_code in (302, 403)
    assert client.post(f"{KEYS_URL}create/", {"name": "sneaky"}).status_code in (302, 403)
    with tenant_context(tenant_a):
        assert not ApiKey.objects.exists()

        # Given the "add" permission, the editor may create keys.
        editor.user_permissions.add(Permission.objects.get(codename="add_apikey"))
    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, editor)
    assert client.get(KEYS_URL).status_code == 200
    created = client.post(f"{KEYS_URL}create/", {"name": "editor key"})
    assert created.status_code == 200
    assert _token_from(created.content.decode())


def test_anonymous_is_sent_to_the_admin_login(client_a):
    response = client_a.get(KEYS_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
