"""The console's "View as support" on a tenant's page: a reason and a duration start an access
and send the browser to the tenant's host; the page lists the tenant's accesses with "End now"
for live ones. Only 2FA-verified operators reach it; each start and end is audited."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tenants import support
from tenants.models import AuditLog, SupportAccess
from tests.conftest import TEST_PASSWORD, TenantClient, host_of
from tests.console.conftest import OPERATOR_EMAIL
from tests.console.otp_helpers import verified_login

pytestmark = pytest.mark.django_db

REASON = "Ticket 4411: their FAQ page shows an empty block"


def start_url(tenant) -> str:
    return f"/operator/tenants/{tenant.pk}/support/"


def accesses(tenant) -> list[SupportAccess]:
    connection.set_schema_to_public()
    return list(SupportAccess.objects.filter(tenant=tenant))


def test_view_as_support_sends_the_browser_to_the_tenant_admin(operator_client, tenant_a):
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "View as support" in page
    assert 'name="reason"' in page and 'name="minutes"' in page
    assert "No support access yet." in page

    response = operator_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "15"})
    assert response.status_code == 302
    link = urlsplit(response["Location"])
    assert link.hostname == host_of(tenant_a)
    assert link.path.startswith("/_support/")
    assert response["Referrer-Policy"] == "no-referrer"
    [access] = accesses(tenant_a)
    assert access.operator == OPERATOR_EMAIL and access.reason == REASON
    assert round((access.expires_at - access.started_at).total_seconds()) == 15 * 60
    [row] = AuditLog.objects.filter(action="tenant.support.started", tenant=tenant_a)
    assert row.actor == OPERATOR_EMAIL
    assert row.detail["reason"] == REASON and row.detail["minutes"] == 15
    assert row.detail["expires_at"] == access.expires_at.isoformat()

    # the tenant host takes the link, once
    browser = TenantClient(host_of(tenant_a))
    assert browser.get(link.path)["Location"] == "/admin/"
    assert TenantClient(host_of(tenant_a)).get(link.path).status_code == 404

    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert f'data-support-access="{access.pk}" data-status="live"' in page
    assert REASON in page and "End now" in page


@pytest.mark.parametrize("reason", ["", "   ", "help"])
def test_a_reason_is_required(operator_client, tenant_a, reason):
    response = operator_client.post(start_url(tenant_a), {"reason": reason, "minutes": "30"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "why you need access" in html.lower()
    assert 'id="support-reason-errors"' in html and 'aria-invalid="true"' in html
    assert accesses(tenant_a) == []
    assert not AuditLog.objects.filter(action="tenant.support.started").exists()


@pytest.mark.parametrize("minutes", ["0", "4", "45", "61", "600", "soon", ""])
def test_only_the_offered_durations_are_accepted(operator_client, tenant_a, minutes):
    response = operator_client.post(start_url(tenant_a), {"reason": REASON, "minutes": minutes})
    assert response.status_code == 400
    assert 'id="support-minutes-errors"' in response.content.decode()
    assert accesses(tenant_a) == []


def test_the_durations_follow_the_setting(operator_client, tenant_a, settings):
    settings.SUPPORT_ACCESS_MAX_MINUTES = 20
    assert support.duration_choices() == [15, 20]
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert '<option value="20"' in page and '<option value="30"' not in page
    assert (
        operator_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"}).status_code
        == 400
    )
    assert (
        operator_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "20"}).status_code
        == 302
    )


def test_the_service_keeps_the_bounds(tenant_a, settings):
    connection.set_schema_to_public()
    settings.SUPPORT_ACCESS_MAX_MINUTES = 60
    for minutes in (4, 61):
        with pytest.raises(ValidationError) as refused:
            support.support_access_start(
                tenant=tenant_a, operator_email=OPERATOR_EMAIL, reason=REASON, minutes=minutes
            )
        assert "minutes" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        support.support_access_start(
            tenant=tenant_a, operator_email=OPERATOR_EMAIL, reason="short", minutes=30
        )
    assert "reason" in refused.value.message_dict
    for minutes in (5, 60):
        access = support.support_access_start(
            tenant=tenant_a, operator_email=OPERATOR_EMAIL, reason=REASON, minutes=minutes
        )
        assert round((access.expires_at - access.started_at).total_seconds()) == minutes * 60
    assert len(accesses(tenant_a)) == 2


def test_a_deleted_tenant_cannot_be_looked_at(operator_client, tenant_a):
    from tenants.services import tenant_delete

    tenant_delete(tenant=tenant_a, actor=OPERATOR_EMAIL)
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert "This tenant has no live portal to look at." in page
    response = operator_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"})
    assert response.status_code == 400
    assert accesses(tenant_a) == []


def test_end_now_ends_a_live_access(operator_client, tenant_a):
    operator_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"})
    [access] = accesses(tenant_a)
    response = operator_client.post(f"/operator/tenants/{tenant_a.pk}/support/{access.pk}/end/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/operator/tenants/{tenant_a.pk}/#support-heading")
    access.refresh_from_db()
    assert access.ended_at is not None and access.ended_by == OPERATOR_EMAIL
    [row] = AuditLog.objects.filter(action="tenant.support.ended", tenant=tenant_a)
    assert row.actor == OPERATOR_EMAIL and row.detail["how"] == "ended"
    page = operator_client.get(f"/operator/tenants/{tenant_a.pk}/").content.decode()
    assert 'data-status="ended"' in page and f"by {OPERATOR_EMAIL}" in page
    assert "End now" not in page
    # ending it again changes nothing
    operator_client.post(f"/operator/tenants/{tenant_a.pk}/support/{access.pk}/end/")
    assert AuditLog.objects.filter(action="tenant.support.ended", tenant=tenant_a).count() == 1


def test_tenant_b_page_neither_lists_nor_ends_tenant_a_accesses(
    operator_client, tenant_a, tenant_b
):
    operator_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"})
    [access] = accesses(tenant_a)
    page = operator_client.get(f"/operator/tenants/{tenant_b.pk}/").content.decode()
    assert REASON not in page and "No support access yet." in page
    wrong = operator_client.post(f"/operator/tenants/{tenant_b.pk}/support/{access.pk}/end/")
    assert wrong.status_code == 404
    access.refresh_from_db()
    assert access.ended_at is None


def test_only_verified_operators_start_an_access(platform_client, operator, tenant_a):
    # password passed, code not yet: sent to the code page, nothing stored
    platform_client.force_login(operator)
    response = platform_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"})
    assert response.status_code == 302 and "/operator/login/code/" in response["Location"]
    assert accesses(tenant_a) == []
    # anonymous: the sign-in page
    anonymous = TenantClient(platform_client.host)
    response = anonymous.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"})
    assert response.status_code == 302 and "/operator/login/" in response["Location"]
    assert accesses(tenant_a) == []


def test_a_platform_user_who_is_not_an_operator_is_refused(platform_client, tenant_a):
    from django.contrib.auth import get_user_model

    connection.set_schema_to_public()
    staff = get_user_model().objects.create_user(
        "staff@platform.example", "staff@platform.example", TEST_PASSWORD, is_staff=True
    )
    verified_login(platform_client, staff)
    response = platform_client.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"})
    assert response.status_code == 403
    assert accesses(tenant_a) == []


def test_a_tenant_admin_cannot_reach_the_console(admin_client_a, tenant_a):
    """The console is not routed on a portal's host; an admin there gets a 404."""
    response = admin_client_a.post(start_url(tenant_a), {"reason": REASON, "minutes": "30"})
    assert response.status_code == 404
    assert admin_client_a.get(f"/operator/tenants/{tenant_a.pk}/").status_code == 404
    assert accesses(tenant_a) == []
