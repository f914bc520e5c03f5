"""Privacy self-service: the avatar is re-encoded, the export holds everything of the
customer's (and every module's hook), deleting the account keeps posts but drops the person."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from modules import registry
from modules.accounts import selectors, services
from modules.accounts.models import CustomerProfile, NotificationSetting, Organization
from tests.accounts import hooks
from tests.accounts.conftest import PASSWORD, make_customer
from tests.conftest import TenantClient, host_of, login_on

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert('avatar')</script>"


@pytest.fixture
def hook_module():
    spec = registry.register(
        registry.ModuleSpec(
            key="accountshooks",
            label="Hooks",
            extra={
                "account_activity": "tests.accounts.hooks.activity",
                "export_user_data": "tests.accounts.hooks.export",
                "anonymise_user": "tests.accounts.hooks.anonymise",
            },
        )
    )
    hooks.CALLS.clear()
    yield spec
    registry.unregister("accountshooks")


def png_with_text_chunk(text: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(out, format="PNG")
    data = out.getvalue()
    body = b"Comment\x00" + text
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    return data[:33] + chunk + data[33:]  # after the IHDR chunk


def signed_in(tenant, user) -> TenantClient:
    return login_on(TenantClient(host_of(tenant)), tenant, user)


def test_avatar_is_re_encoded_without_the_script(tenant_a):
    user = make_customer(tenant_a, "pic@example.com")
    client = signed_in(tenant_a, user)
    upload = SimpleUploadedFile("me.png", png_with_text_chunk(SCRIPT), content_type="image/png")
    assert SCRIPT in upload.read()
    upload.seek(0)
    response = client.post("/account/avatar/", {"avatar": upload})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        profile = CustomerProfile.objects.get(user=user)
        with profile.avatar.open("rb") as handle:
            stored = handle.read()
        name = profile.avatar.name
    assert name.startswith("avatars/") and name.endswith(".jpg")
    assert b"script" not in stored and b"tEXt" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)
    page = client.get("/account/")
    assert f'src="/media/{tenant_a.schema_name}/{name}"'.encode() in page.content
    served = client.get(f"/media/{tenant_a.schema_name}/{name}")
    assert served.status_code == 200
    # tenant B's host does not serve A's file
    assert (
        TenantClient(host_of(_beta())).get(f"/media/{tenant_a.schema_name}/{name}").status_code
        == 404
    )


def _beta():
    from tenants.models import Tenant

    return Tenant.objects.get(slug="beta")


def test_transparent_avatar_stays_png_and_large_ones_shrink(tenant_a):
    user = make_customer(tenant_a, "alpha@example.com")
    out = io.BytesIO()
    Image.new("RGBA", (2000, 1000), (0, 0, 0, 0)).save(out, format="PNG")
    with tenant_context(tenant_a):
        profile = services.avatar_set(user=user, upload=io.BytesIO(out.getvalue()))
        assert profile.avatar.name.endswith(".png")
        assert Image.open(profile.avatar.open("rb")).size == (512, 256)


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
        b"",
        b"%PDF-1.4 not an image",
    ],
)
def test_a_file_that_is_not_an_image_is_refused_with_a_form_error(tenant_a, content):
    user = make_customer(tenant_a, "html@example.com")
    client = signed_in(tenant_a, user)
    upload = SimpleUploadedFile("me.png", content, content_type="image/png")
    response = client.post("/account/avatar/", {"avatar": upload})
    assert response.status_code == 400
    assert b"field--error" in response.content
    with tenant_context(tenant_a):
        assert not CustomerProfile.objects.get(user=user).avatar


def test_export_has_the_account_and_every_module_hook(tenant_a, hook_module):
    user = make_customer(tenant_a, "export@example.com")
    with tenant_context(tenant_a):
        org = services.organization_create(name="Acme", email_domains=["acme.example"])
        services.profile_update(
            user=user, display_name="Ex Port", language="hr", notifications={"digests": True}
        )
        CustomerProfile.objects.filter(user=user).update(organization=org)
    client = signed_in(tenant_a, user)
    response = client.get("/account/privacy/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "export@example.com"
    assert data["account"]["display_name"] == "Ex Port"
    assert data["account"]["language"] == "hr"
    assert data["account"]["organization"] == "Acme"
    assert data["account"]["notifications"]["digests"] is True
    assert data["modules"]["accountshooks"] == {
        "posts": [{"title": "A post", "author_email": "export@example.com"}]
    }


def test_activity_page_shows_each_module_section(tenant_a, hook_module):
    user = make_customer(tenant_a, "busy@example.com")
    page = signed_in(tenant_a, user).get("/account/activity/")
    assert b"Sample posts" in page.content
    assert f"A post by {user.pk}".encode() in page.content
    assert b'href="/sample/1/"' in page.content


def test_delete_needs_the_password(tenant_a):
    user = make_customer(tenant_a, "careful@example.com")
    client = signed_in(tenant_a, user)
    wrong = client.post("/account/privacy/", {"password": "wrong", "confirm": "on"})
    assert wrong.status_code == 400 and b"not right" in wrong.content
    unconfirmed = client.post("/account/privacy/", {"password": PASSWORD})
    assert unconfirmed.status_code == 400
    with tenant_context(tenant_a):
        assert get_user_model().objects.get(pk=user.pk).is_active


def test_delete_keeps_posts_drops_the_person_and_ends_sessions(tenant_a, hook_module):
    user = make_customer(tenant_a, "leaving@example.com")
    with tenant_context(tenant_a):
        services.profile_update(
            user=user, display_name="Leaving Lou", language="ru", notifications={"replies": False}
        )
        services.avatar_set(user=user, upload=io.BytesIO(png_with_text_chunk(b"x")))
        avatar_name = CustomerProfile.objects.get(user=user).avatar.name
    client = signed_in(tenant_a, user)
    phone = signed_in(tenant_a, user)  # a second session, on another device
    response = client.post("/account/privacy/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200 and b"Your account is deleted" in response.content
    assert hooks.CALLS[-1:] == [("anonymise", user.pk)]
    with tenant_context(tenant_a):
        gone = get_user_model().objects.select_related("customer_profile").get(pk=user.pk)
        assert not gone.is_active and gone.email == "" and not gone.has_usable_password()
        assert "leaving" not in gone.username
        assert selectors.display_name(gone) == "Deleted user"
        assert gone.customer_profile.display_name == "" and not gone.customer_profile.avatar
        assert not NotificationSetting.objects.filter(user=gone).exists()
        assert not CustomerProfile.objects.get(user=gone).avatar
        from django.core.files.storage import default_storage

        assert not default_storage.exists(avatar_name)
    assert phone.get("/account/").status_code == 302  # the other session ended too
    again = TenantClient(host_of(tenant_a)).post(
        "/account/login/", {"email": "leaving@example.com", "password": PASSWORD}
    )
    assert again.status_code == 400


def test_organization_by_domain_on_verification(tenant_a):
    user = make_customer(tenant_a, "worker@acme.example", verified=False)
    with tenant_context(tenant_a):
        org = services.organization_create(name="Acme", email_domains="@ACME.example, acme.test")
        assert org.email_domains == ["acme.example", "acme.test"]
        services.customer_verify_email(token=services.verification_token(user=user))
        profile = CustomerProfile.objects.get(user=user)
        assert profile.organization == org
        assert selectors.organization_peer_ids(user) == {user.pk}
        colleague = make_customer(tenant_a, "boss@acme.example", verified=False)
        services.customer_verify_email(token=services.verification_token(user=colleague))
        CustomerProfile.objects.filter(user=colleague).update(can_see_organization=True)
        colleague = get_user_model().objects.get(pk=colleague.pk)
        assert selectors.organization_peer_ids(colleague) == {user.pk, colleague.pk}
        with pytest.raises(Exception, match="exists"):
            services.organization_create(name="acme")
        assert Organization.objects.count() == 1


def test_a_failing_activity_hook_leaves_the_others(tenant_a, hook_module):
    registry.register(
        registry.ModuleSpec(
            key="accountsbroken",
            label="Broken",
            extra={"account_activity": "tests.accounts.hooks.broken"},
        )
    )
    try:
        user = make_customer(tenant_a, "resilient@example.com")
        page = signed_in(tenant_a, user).get("/account/activity/")
        assert page.status_code == 200 and b"Sample posts" in page.content
    finally:
        registry.unregister("accountsbroken")
