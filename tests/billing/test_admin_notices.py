"""The tenant's billing state at the top of every admin page (tenants.admin_notices)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import TenantStatus
from tests.conftest import TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db


def set_state(tenant, status, **fields):
    tenant.status = status
    for name, value in fields.items():
        setattr(tenant, name, value)
    tenant.save()


def admin_page(tenant, user=None, path="/admin/pages/") -> str:
    client = login_on(TenantClient(host_of(tenant)), tenant, user or admin_of(tenant))
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_last_week_of_a_trial_is_shown_with_the_way_to_a_plan(tenant_a, offline):
    set_state(
        tenant_a, TenantStatus.TRIALING, trial_ends_at=timezone.now() + timedelta(days=3, hours=1)
    )
    html = admin_page(tenant_a)
    assert "Your trial ends in 3 days" in html
    assert 'href="/admin/billing/"' in html


def test_early_in_a_trial_there_is_no_notice(tenant_a, offline):
    set_state(tenant_a, TenantStatus.TRIALING, trial_ends_at=timezone.now() + timedelta(days=12))
    assert "portal-admin-notice" not in admin_page(tenant_a)


def test_past_due_says_when_the_portal_will_be_suspended(tenant_a, offline, settings):
    settings.BILLING_GRACE_DAYS = 7
    changed = timezone.now() - timedelta(days=2)
    set_state(tenant_a, TenantStatus.PAST_DUE, status_changed_at=changed)
    html = admin_page(tenant_a)
    assert "The last payment failed" in html
    suspend_on = timezone.localtime(changed + timedelta(days=7))
    from django.utils import formats

    assert formats.date_format(suspend_on, "DATE_FORMAT") in html
    assert 'role="alert"' in html


def test_agents_see_why_but_not_the_billing_link(tenant_a, offline):
    set_state(tenant_a, TenantStatus.READ_ONLY)
    with tenant_context(tenant_a):
        agent = make_customer("agent@alpha-notices.example", is_staff=True)
        agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    html = admin_page(tenant_a, agent, path="/admin/")
    assert "the portal is read-only until a plan is chosen" in html
    assert 'href="/admin/billing/"' not in html


def test_an_active_tenant_has_no_notice_and_b_never_sees_a_s(tenant_a, tenant_b, offline):
    set_state(tenant_a, TenantStatus.PAST_DUE, status_changed_at=timezone.now())
    set_state(tenant_b, TenantStatus.ACTIVE, plan="pro")
    assert "portal-admin-notice" not in admin_page(tenant_b)
