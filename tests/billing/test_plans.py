from __future__ import annotations

from billing.entitlements import entitlements, plan_for
from billing.models import Plan
from billing.plans import plan_label
from tenants.models import Tenant, TenantStatus


def test_free_starter_and_pro_are_seeded_with_growing_limits(db):
    plans = {plan.key: plan for plan in Plan.objects.all()}
    free, starter, pro = plans["free"], plans["starter"], plans["pro"]
    assert [p.key for p in Plan.objects.filter(public=True)] == ["free", "starter", "pro"]
    assert free.price_cents == 0 < starter.price_cents < pro.price_cents
    assert free.agent_seats < starter.agent_seats < pro.agent_seats
    assert free.storage_mb < starter.storage_mb < pro.storage_mb
    assert set(free.modules) < set(starter.modules)
    assert pro.modules == []  # every module
    assert pro.custom_domain and pro.remove_branding and pro.api_access
    assert not (free.custom_domain or free.remove_branding or free.api_access)


def test_plan_label_reads_the_table_and_falls_back_to_the_key(db):
    assert plan_label("pro") == "Pro"
    assert plan_label("trial") == "Trial"
    assert plan_label("legacy-gold") == "legacy-gold"
    starter = Plan.objects.get(key="starter")
    starter.name = "Starter (2027)"
    starter.save()
    assert plan_label("starter") == "Starter (2027)"
    Plan.objects.create(key="legacy-gold", name="Gold", price_cents=4900)
    assert plan_label("legacy-gold") == "Gold"


def test_a_trialing_tenant_gets_everything_pro_has(tenant_a):
    assert tenant_a.status == TenantStatus.TRIALING
    granted = entitlements(tenant_a)
    assert granted.plan_key == "pro"
    assert granted.modules is None
    assert all(granted.allows_module(key) for key in ("kb", "video", "ideas", "tickets"))
    assert granted.api_access and granted.custom_domain


def test_a_paying_tenant_gets_its_plan(tenant_a):
    Tenant.objects.filter(pk=tenant_a.pk).update(status=TenantStatus.ACTIVE, plan="starter")
    tenant_a.refresh_from_db()
    granted = entitlements(tenant_a)
    starter = Plan.objects.get(key="starter")
    assert granted.plan_key == "starter"
    assert granted.agent_seats == starter.agent_seats
    assert granted.storage_mb == starter.storage_mb
    assert granted.allows_module("tickets")
    assert not granted.allows_module("video")
    assert not granted.api_access


def test_a_plan_key_without_a_row_counts_as_free(tenant_a):
    Tenant.objects.filter(pk=tenant_a.pk).update(status=TenantStatus.PAST_DUE, plan="trial")
    tenant_a.refresh_from_db()
    assert plan_for(tenant_a).key == "free"
    assert entitlements(tenant_a).modules == frozenset({"kb", "faq"})
