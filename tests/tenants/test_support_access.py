"""An operator's "view as" support access, on the tenant's host: the single-use link opens the
admin as "Platform support", read-only; the session ends when the operator ends the access, a
tenant administrator revokes it, it expires, or support signs out; the tenant's staff see it,
its administrators are emailed and can revoke it; another tenant sees none of it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants import support
from tenants.models import AuditLog, SupportAccess
from tests.conftest import TEST_PASSWORD, TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db

OPERATOR = "ops@platform.example"
REASON = "Ticket 4411: the FAQ page shows an empty block"
READ_ONLY_NOTICE = "You are viewing as platform support, read-only, until"
STAFF_NOTICE = f"Platform support ({OPERATOR}) can see this admin until"


def start(tenant, *, minutes: int = 30, reason: str = REASON) -> SupportAccess:
    connection.set_schema_to_public()
    return support.support_access_start(
        tenant=tenant, operator_email=OPERATOR, reason=reason, minutes=minutes, ip="203.0.113.9"
    )


def link_path(access: SupportAccess) -> str:
    return urlsplit(support.support_access_url(access)).path


def support_client(tenant, access: SupportAccess) -> TenantClient:
    """A browser that followed the operator's link to the tenant's host."""
    client = TenantClient(host_of(tenant))
    response = client.get(link_path(access))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    return client


def page(client, path: str = "/admin/") -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def assert_ended(client) -> None:
    """The support session is over: the next page sends it to the ended page, signed out."""
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == support.ENDED_PATH
    assert "Support access has ended" in page(client, support.ENDED_PATH)
    again = client.get("/admin/")
    assert again.status_code == 302 and "/admin/login/" in again["Location"]


def reload(access: SupportAccess) -> SupportAccess:
    connection.set_schema_to_public()
    return SupportAccess.objects.get(pk=access.pk)


def audit_rows(access: SupportAccess, action: str):
    connection.set_schema_to_public()
    return list(AuditLog.objects.filter(action=action, detail__access=access.pk))


# --- the link


def test_the_link_opens_the_admin_as_platform_support_once(tenant_a):
    access = start(tenant_a)
    client = support_client(tenant_a, access)
    html = page(client)
    assert READ_ONLY_NOTICE in html
    assert reload(access).used_at is not None
    with tenant_context(tenant_a):
        user = get_user_model().objects.get(username=support.support_username())
        assert user.get_full_name() == "Platform support"
        assert user.is_staff and user.is_superuser and user.is_active
        assert not user.has_usable_password()
        assert user.email == ""
    # the same link, a second time (another browser): spent
    assert TenantClient(host_of(tenant_a)).get(link_path(access)).status_code == 404


def test_a_link_older_than_a_minute_is_refused(tenant_a):
    access = start(tenant_a)
    SupportAccess.objects.filter(pk=access.pk).update(
        started_at=timezone.now() - timedelta(seconds=support.SUPPORT_TOKEN_SECONDS + 5)
    )
    response = TenantClient(host_of(tenant_a)).get(link_path(access))
    assert response.status_code == 404
    assert "expired or was already used" in response.content.decode()
    assert reload(access).used_at is None


def test_a_forged_or_mangled_link_is_refused(tenant_a):
    access = start(tenant_a)
    client = TenantClient(host_of(tenant_a))
    assert client.get(link_path(access)[:-5] + "xxxx/").status_code == 404
    assert client.get("/_support/not-a-token/").status_code == 404
    assert reload(access).used_at is None


def test_a_link_for_tenant_a_is_refused_on_tenant_b(tenant_a, tenant_b):
    access = start(tenant_a)
    response = TenantClient(host_of(tenant_b)).get(link_path(access))
    assert response.status_code == 404
    assert reload(access).used_at is None
    with tenant_context(tenant_b):
        assert not get_user_model().objects.filter(username=support.support_username()).exists()
    # still good on its own tenant's host
    support_client(tenant_a, access)


# --- how a session ends


def test_the_session_ends_when_the_operator_ends_the_access(tenant_a):
    access = start(tenant_a)
    client = support_client(tenant_a, access)
    assert READ_ONLY_NOTICE in page(client)
    support.support_access_end(access=reload(access), by=OPERATOR, ip="203.0.113.9")
    assert_ended(client)
    ended = reload(access)
    assert ended.ended_at is not None and ended.ended_by == OPERATOR
    [row] = audit_rows(access, "tenant.support.ended")
    assert row.actor == OPERATOR and row.detail["how"] == "ended"
    assert row.tenant_id == tenant_a.pk


def test_a_suspended_portals_admin_can_still_end_an_access(tenant_a, admin_client_a):
    from tenants import services

    access = start(tenant_a)
    services.tenant_suspend(tenant=tenant_a, actor="ops@platform.example", reason="abuse")
    response = admin_client_a.post(f"/admin/support-access/{access.pk}/end/")
    assert response.status_code == 302
    assert reload(access).ended_by == "admin@alpha.example"
    # nothing else is written on the suspended portal
    assert admin_client_a.post("/admin/pages/add_subpage/2/", {}).status_code == 403


def test_a_tenant_admin_sees_the_access_and_revokes_it(tenant_a, admin_client_a):
    access = start(tenant_a)
    client = support_client(tenant_a, access)
    html = page(admin_client_a)
    assert STAFF_NOTICE in html
    assert "Reason: Ticket 4411: the FAQ page shows an empty block." in html
    end_url = f"/admin/support-access/{access.pk}/end/"
    assert f'action="{end_url}"' in html and "End support access" in html

    response = admin_client_a.post(end_url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/support-access/"
    history = page(admin_client_a, "/admin/support-access/")
    assert "Ended by admin@alpha.example" in history
    assert STAFF_NOTICE not in page(admin_client_a)

    assert_ended(client)
    revoked = reload(access)
    assert revoked.ended_by == "admin@alpha.example"
    [row] = audit_rows(access, "tenant.support.ended")
    assert row.actor == "admin@alpha.example" and row.detail["how"] == "revoked"
    assert row.detail["operator"] == OPERATOR


def test_the_session_ends_when_the_access_expires(tenant_a):
    access = start(tenant_a, minutes=5)
    client = support_client(tenant_a, access)
    assert READ_ONLY_NOTICE in page(client)
    SupportAccess.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert_ended(client)
    assert reload(access).ended_at is None  # expired, not ended by anyone


def test_the_session_cookie_dies_with_the_access(tenant_a):
    access = start(tenant_a, minutes=15)
    client = support_client(tenant_a, access)
    with tenant_context(tenant_a):
        session = client.session
        assert session[support.SESSION_KEY] == access.pk
        assert abs((session.get_expiry_date() - access.expires_at).total_seconds()) < 2


def test_support_ends_its_own_access_or_signs_out(tenant_a):
    first = start(tenant_a)
    client = support_client(tenant_a, first)
    response = client.post(f"/admin/support-access/{first.pk}/end/")
    assert response.status_code == 302 and response["Location"] == support.ENDED_PATH
    assert reload(first).ended_by == OPERATOR
    assert audit_rows(first, "tenant.support.ended")[0].detail["how"] == "ended"
    assert client.get("/admin/").status_code == 302  # signed out

    second = start(tenant_a)
    client = support_client(tenant_a, second)
    assert client.post("/admin/logout/").status_code == 302
    assert reload(second).ended_at is not None
    assert audit_rows(second, "tenant.support.ended")[0].detail["how"] == "signed_out"


def test_support_cannot_end_another_access(tenant_a):
    mine, other = start(tenant_a), start(tenant_a)
    client = support_client(tenant_a, mine)
    assert client.post(f"/admin/support-access/{other.pk}/end/").status_code in (302, 403)
    assert reload(other).ended_at is None


# --- read-only


def test_writes_are_refused_while_viewing_as_support(tenant_a):
    from api.models import ApiKey
    from cms.models import HomePage

    access = start(tenant_a)
    client = support_client(tenant_a, access)
    with tenant_context(tenant_a):
        home = HomePage.objects.get(depth=2)
        keys = ApiKey.objects.count()
    edit = f"/admin/pages/{home.pk}/edit/"
    assert page(client, edit)  # looking is fine

    refused = client.post(edit, {"title": "Changed by support", "slug": home.slug})
    assert refused.status_code == 403
    assert "Support access is read-only" in refused.content.decode()

    api = client.post("/api/v1/api-keys/", {"name": "support"}, content_type="application/json")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["type"].endswith("support-read-only")

    for method in (client.put, client.patch, client.delete):
        assert method("/api/v1/api-keys/").status_code == 403
    with tenant_context(tenant_a):
        assert HomePage.objects.get(pk=home.pk).title == home.title
        assert ApiKey.objects.count() == keys
    assert reload(access).is_live()  # refusing a write does not end the access


def test_a_refused_api_write_looks_the_same_for_a_live_access_only(tenant_a):
    access = start(tenant_a)
    client = support_client(tenant_a, access)
    SupportAccess.objects.filter(pk=access.pk).update(ended_at=timezone.now(), ended_by="x")
    response = client.get("/api/v1/api-keys/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# --- who sees it


def test_the_notice_is_shown_to_tenant_a_staff_and_not_in_tenant_b(
    tenant_a, tenant_b, admin_client_a, admin_client_b
):
    from modules.accounts.services import AGENTS

    access = start(tenant_a)
    with tenant_context(tenant_a):
        agent = make_customer("agent@alpha.example")
        agent.groups.add(Group.objects.get(name=AGENTS))
        agent = get_user_model().objects.get(pk=agent.pk)
        assert agent.is_staff and not agent.is_superuser
    agent_client = login_on(TenantClient(host_of(tenant_a)), tenant_a, agent)
    agent_page = page(agent_client)
    assert STAFF_NOTICE in agent_page
    assert "End support access" not in agent_page  # only administrators revoke
    assert "/admin/support-access/" not in agent_page  # neither the history nor its menu item
    # Wagtail answers a refused admin view with a redirect to the dashboard
    assert agent_client.post(f"/admin/support-access/{access.pk}/end/").status_code in (302, 403)
    assert agent_client.get("/admin/support-access/").status_code in (302, 403)
    assert reload(access).ended_at is None

    assert STAFF_NOTICE in page(admin_client_a)
    b_page = page(admin_client_b)
    assert "Platform support" not in b_page
    assert REASON not in page(admin_client_b, "/admin/support-access/")
    # B's administrator cannot end A's access through B's admin
    assert admin_client_b.post(f"/admin/support-access/{access.pk}/end/").status_code == 404
    assert reload(access).ended_at is None


def test_an_unopened_stale_link_is_not_announced(tenant_a, admin_client_a):
    access = start(tenant_a)
    SupportAccess.objects.filter(pk=access.pk).update(
        started_at=timezone.now() - timedelta(minutes=5)
    )
    assert STAFF_NOTICE not in page(admin_client_a)
    row = page(admin_client_a, "/admin/support-access/")
    assert 'data-status="unused"' in row


def test_the_history_lists_this_tenants_accesses_for_its_administrators(
    tenant_a, tenant_b, admin_client_a, admin_client_b
):
    access = start(tenant_a)
    support.support_access_end(access=access, by=OPERATOR)
    start(tenant_b, reason="Beta asked about their billing page")
    html = page(admin_client_a, "/admin/support-access/")
    assert REASON in html and OPERATOR in html
    assert "Beta asked" not in html
    assert 'data-status="ended"' in html
    b_html = page(admin_client_b, "/admin/support-access/")
    assert "Beta asked" in b_html and REASON not in b_html
    # in the Settings menu of administrators (the sidebar's data)
    assert "/admin/support-access/" in page(admin_client_a)


def test_administrators_are_emailed_when_an_access_starts(
    tenant_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        User = get_user_model()
        User.objects.create_user(
            "second@alpha.example", "second@alpha.example", TEST_PASSWORD, is_superuser=True
        )
        make_customer("customer@alpha.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        access = start(tenant_a)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["admin@alpha.example", "second@alpha.example"]
    body = mail.outbox[0].body
    assert OPERATOR in body and REASON in body
    assert "/admin/support-access/" in body
    assert "Platform support" in mail.outbox[0].subject
    # a later support session does not make the support account an administrator to email
    support_client(tenant_a, access)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start(tenant_a)
    assert sorted(a for m in mail.outbox for a in m.to) == recipients


# --- the support account


def test_the_support_account_takes_no_seat_and_has_no_password(tenant_a):
    from billing.usage import seats_used

    with tenant_context(tenant_a):
        before = seats_used()
    access = start(tenant_a)
    support_client(tenant_a, access)
    with tenant_context(tenant_a):
        assert seats_used() == before
        user = get_user_model().objects.get(username=support.support_username())
        assert not user.check_password("")
    login = TenantClient(host_of(tenant_a)).post(
        "/admin/login/", {"username": support.support_username(), "password": ""}
    )
    assert login.status_code == 200  # the form again, not signed in
    assert "_auth_user_id" not in login.wsgi_request.session


def test_the_support_account_is_signed_out_outside_a_support_session(tenant_a):
    """Even if the account somehow got a password, a session of it that is not bound to a live
    support access is signed out at once."""
    access = start(tenant_a)
    support_client(tenant_a, access)
    with tenant_context(tenant_a):
        user = get_user_model().objects.get(username=support.support_username())
        user.set_password(TEST_PASSWORD)
        user.save()
    client = TenantClient(host_of(tenant_a))
    assert client.login(username=support.support_username(), password=TEST_PASSWORD) is True
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == support.ENDED_PATH
    again = client.get("/admin/")
    assert "/admin/login/" in again["Location"]


def test_the_support_account_is_made_safe_if_the_name_was_taken(tenant_a):
    """A customer who signed up with the support address first: at the next support visit the
    row becomes the support account and the customer's password and sessions stop working."""
    with tenant_context(tenant_a):
        squatter = make_customer(support.support_username())
    squatter_client = login_on(TenantClient(host_of(tenant_a)), tenant_a, squatter)
    support_client(tenant_a, start(tenant_a))
    with tenant_context(tenant_a):
        user = get_user_model().objects.get(username=support.support_username())
        assert not user.has_usable_password()
    response = squatter_client.get("/admin/")
    assert response.status_code == 302  # never the admin
    assert "/admin/login/" in response["Location"] or response["Location"] == support.ENDED_PATH


def test_support_account_not_created_in_other_schemas(tenant_a, tenant_b):
    support_client(tenant_a, start(tenant_a))
    with tenant_context(tenant_b):
        assert not get_user_model().objects.filter(username=support.support_username()).exists()
    admin_of(tenant_b)  # B's own administrator untouched
