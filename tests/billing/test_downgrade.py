"""Entitlements flow one way, from the plan to the tenant's switches, whenever the plan changes:
Stripe's webhook, an operator's offline change, a trial ending, an operator narrowing the plan.
Modules outside the new plan are switched off (their content kept, audited, listed on the
billing page), custom domains stop being served (their claims kept for a re-upgrade), API keys
stop working, and seats over the limit are kept but no new one can be taken. Tenant B's
switches never move with A's plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.models import Plan
from billing.services import entitlements_apply, plan_update, tenant_set_plan
from cms import limits
from tenants import domains, lifecycle
from tenants.models import AuditLog, Domain, DomainClaim, TenantStatus
from tenants.services import tenant_change_plan
from tests.conftest import TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db


def switches_of(tenant) -> dict:
    from cms.models import ModuleSettings

    with tenant_context(tenant):
        return dict(ModuleSettings.load().switches or {})


def enabled_of(tenant) -> frozenset[str]:
    from modules import registry

    with tenant_context(tenant):
        return registry.enabled_keys()


def all_on(tenant) -> None:
    from cms.models import ModuleSettings
    from modules import registry

    with tenant_context(tenant):
        row = ModuleSettings.load()
        row.switches = {spec.key: True for spec in registry.all_modules()}
        row.save()


@pytest.fixture
def pro_a(tenant_a):
    """Tenant A paying for Pro with every module switched on."""
    tenant_a.plan, tenant_a.status = "pro", TenantStatus.ACTIVE
    tenant_a.save(update_fields=["plan", "status"])
    all_on(tenant_a)
    return tenant_a


def applied(tenant) -> AuditLog:
    connection.set_schema_to_public()
    return AuditLog.objects.filter(tenant=tenant, action="tenant.entitlements.applied").latest("at")


def test_a_downgrade_switches_off_the_modules_outside_the_plan_and_keeps_their_content(
    pro_a, tenant_b
):
    from modules.faq.pages import FaqIndexPage

    all_on(tenant_b)
    with tenant_context(pro_a):
        faq_pages = FaqIndexPage.objects.count()
    tenant_set_plan(tenant=pro_a, plan=Plan.objects.get(key="starter"), actor="ops@example")
    # starter: kb, faq, tickets, forum
    enabled = enabled_of(pro_a)
    assert {"kb", "faq", "tickets", "forum"} <= enabled
    assert not {"video", "ideas"} & enabled
    assert switches_of(pro_a)["video"] is False and switches_of(pro_a)["ideas"] is False
    entry = applied(pro_a)
    assert entry.actor == "ops@example" and entry.detail["plan"] == "starter"
    assert set(entry.detail["modules_off"]) >= {"video", "ideas"}
    # content kept
    with tenant_context(pro_a):
        assert FaqIndexPage.objects.count() == faq_pages
    # and switching them on again is refused by the module switch door
    assert limits.modules_not_in_plan(pro_a, ["video"]) == ["video"]
    # tenant B keeps everything
    assert {"video", "ideas", "tickets"} <= enabled_of(tenant_b)


def test_an_upgrade_switches_nothing_off_and_writes_no_record(pro_a):
    before = switches_of(pro_a)
    result = entitlements_apply(tenant=pro_a, actor="x")
    assert not result.changed and switches_of(pro_a) == before
    assert not AuditLog.objects.filter(tenant=pro_a, action="tenant.entitlements.applied").exists()


def test_the_operators_offline_plan_change_applies_the_plan(pro_a):
    tenant_change_plan(tenant=pro_a, plan_key="free", actor="ops@example")
    assert not {"tickets", "forum", "video", "ideas"} & enabled_of(pro_a)
    assert {"kb", "faq"} <= enabled_of(pro_a)
    assert applied(pro_a).detail["plan"] == "free"


def test_a_trial_ending_falls_from_pros_entitlements_to_the_plans(tenant_a, tenant_b):
    all_on(tenant_a)
    all_on(tenant_b)
    tenant_a.trial_ends_at = timezone.now() - timedelta(minutes=5)
    tenant_a.save(update_fields=["trial_ends_at"])
    assert tenant_a.status == TenantStatus.TRIALING and tenant_a.plan == "trial"
    assert lifecycle.end_trials(timezone.now()) >= 1
    tenant_a.refresh_from_db()
    assert tenant_a.status == TenantStatus.READ_ONLY
    assert not {"tickets", "forum", "video", "ideas"} & enabled_of(tenant_a)
    entry = applied(tenant_a)
    assert entry.actor == "system" and entry.detail["plan"] == "free"
    # B's trial goes on with every module
    assert {"tickets", "video"} <= enabled_of(tenant_b)


def test_the_billing_page_lists_the_modules_the_last_downgrade_switched_off(pro_a):
    tenant_set_plan(tenant=pro_a, plan=Plan.objects.get(key="free"), actor="stripe")
    client = login_on(TenantClient(host_of(pro_a)), pro_a, admin_of(pro_a))
    page = client.get("/admin/billing/").content.decode()
    assert "Switched off by the last plan change" in page
    assert 'data-module-off="tickets"' in page and 'data-module-off="video"' in page
    assert "Their content is kept" in page
    # after upgrading again, the page says which are included now
    tenant_set_plan(tenant=pro_a, plan=Plan.objects.get(key="starter"), actor="stripe")
    page = client.get("/admin/billing/").content.decode()
    assert "included in your plan now" in page


def test_custom_domains_stop_being_served_and_come_back_with_one_check(pro_a, monkeypatch):
    monkeypatch.setattr(domains, "resolve_txt", lambda name: [claim.token])
    host = "help.alpha-corp.example"
    claim = domains.domain_claim_create(tenant=pro_a, domain=host, actor="admin")
    assert domains.domain_claim_check(tenant=pro_a, claim=claim, actor="admin")
    domains.domain_make_primary(tenant=pro_a, domain=host, actor="admin")
    assert TenantClient(host).get("/").status_code == 200

    tenant_set_plan(tenant=pro_a, plan=Plan.objects.get(key="free"), actor="stripe")
    connection.set_schema_to_public()
    assert not Domain.objects.filter(domain=host).exists()
    pro_a.refresh_from_db()
    assert pro_a.primary_domain == f"alpha.{pro_a.primary_domain.split('.', 1)[1]}"
    assert TenantClient(host).get("/").status_code == 404
    claim.refresh_from_db()
    assert claim.verified_at is None and DomainClaim.objects.filter(pk=claim.pk).exists()
    assert applied(pro_a).detail["domains_removed"] == [host]

    tenant_set_plan(tenant=pro_a, plan=Plan.objects.get(key="starter"), actor="stripe")
    assert domains.domain_claim_check(tenant=pro_a, claim=claim, actor="admin")
    assert TenantClient(host).get("/").status_code == 200


def test_seats_over_the_limit_are_kept_but_no_new_one_is_taken(pro_a):
    from django.contrib.auth.models import Group

    from billing.usage import seats_used
    from modules.accounts.services import AGENTS, staff_roles_ensure

    with tenant_context(pro_a):
        staff_roles_ensure()
        for n in range(2):
            make_customer(f"agent{n}@alpha.example").groups.add(Group.objects.get(name=AGENTS))
        assert seats_used() == 3
    tenant_set_plan(tenant=pro_a, plan=Plan.objects.get(key="free"), actor="stripe")  # 1 seat
    with tenant_context(pro_a):
        assert seats_used() == 3  # nobody loses access
        assert limits.seat_refusal(adding=1) == (1, 3)
    client = login_on(TenantClient(host_of(pro_a)), pro_a, admin_of(pro_a))
    page = client.get("/admin/billing/").content.decode()
    assert 'class="billing-over"' in page and "over the limit" in page


def test_api_keys_stop_working_after_a_downgrade(pro_a):
    from api.services import api_key_create

    with tenant_context(pro_a):
        _key, secret = api_key_create(user=admin_of(pro_a), name="integration")
    client = TenantClient(host_of(pro_a))
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {secret}"}
    assert client.get("/api/v1/api-keys/", **headers).status_code == 200
    tenant_set_plan(tenant=pro_a, plan=Plan.objects.get(key="starter"), actor="stripe")
    refused = client.get("/api/v1/api-keys/", **headers)
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")


def test_an_operator_narrowing_a_plan_applies_it_to_the_tenants_on_it(
    pro_a, tenant_b, celery_eager, django_capture_on_commit_callbacks
):
    tenant_b.plan, tenant_b.status = "starter", TenantStatus.ACTIVE
    tenant_b.save(update_fields=["plan", "status"])
    all_on(tenant_b)
    with django_capture_on_commit_callbacks(execute=True):
        plan_update(plan=Plan.objects.get(key="starter"), actor="ops", modules=["kb", "faq"])
        # the request only queues the work: the tenants are changed by the task, after commit
        assert {"tickets", "forum"} <= enabled_of(tenant_b)
    assert not {"tickets", "forum"} & enabled_of(tenant_b)
    # A is on pro: untouched
    assert {"tickets", "forum", "video"} <= enabled_of(pro_a)
