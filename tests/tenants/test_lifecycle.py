"""The tenant lifecycle: trial reminders at 7, 3 and 1 days, a trial that ends without a plan
becoming read-only (the portal still reads, nothing can be changed), past due beyond the grace
period becoming suspended, each once, audited, and without a schema switch per tenant."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants import lifecycle, services
from tenants.models import AuditLog, LifecycleNotice, SchemaKind, Tenant, TenantStatus
from tests.conftest import TenantClient, admin_of, host_of, login_on, make_customer

pytestmark = pytest.mark.django_db
_numbers = itertools.count()


def shell(status=TenantStatus.TRIALING, **fields) -> Tenant:
    """A tenant row without a schema: the lifecycle reads and writes the public schema only."""
    n = next(_numbers)
    return Tenant.objects.create(
        schema_name=f"t_life_{n}",
        slug=f"life-{n}",
        name=f"Life {n}",
        kind=SchemaKind.TENANT,
        status=status,
        owner_email=f"owner{n}@life.example",
        **fields,
    )


@pytest.fixture(autouse=True)
def _public():
    connection.set_schema_to_public()


def test_trial_reminders_go_once_at_7_3_and_1_days(settings):
    now = timezone.now()
    week = shell(trial_ends_at=now + timedelta(days=6, hours=20))
    three = shell(trial_ends_at=now + timedelta(days=2, hours=12))
    one = shell(trial_ends_at=now + timedelta(hours=10))
    later = shell(trial_ends_at=now + timedelta(days=12))
    paying = shell(status=TenantStatus.ACTIVE, trial_ends_at=now + timedelta(days=2))
    report = lifecycle.run(now)
    assert report.reminders == {7: 1, 3: 1, 1: 1}
    to = {message.to[0]: message.subject for message in mail.outbox}
    assert set(to) == {week.owner_email, three.owner_email, one.owner_email}
    assert "7 days" in to[week.owner_email] and "tomorrow" in to[one.owner_email]
    assert later.owner_email not in to and paying.owner_email not in to
    # the same night again, or an hour later: nothing more
    assert lifecycle.run(now).reminders == {}
    assert lifecycle.run(now + timedelta(hours=1)).reminders == {}
    assert len(mail.outbox) == 3
    # four days on, the week reminder's trial is inside three days: its 3-day reminder goes
    # (the other two trials have ended by then)
    assert lifecycle.run(now + timedelta(days=4)).reminders == {3: 1}
    assert LifecycleNotice.objects.filter(tenant=week).count() == 2


def test_a_trial_that_ends_without_a_plan_becomes_read_only_once(settings):
    now = timezone.now()
    ended = shell(trial_ends_at=now - timedelta(minutes=5))
    running = shell(trial_ends_at=now + timedelta(days=5))
    paid = shell(status=TenantStatus.ACTIVE, trial_ends_at=now - timedelta(days=3))
    assert lifecycle.run(now).read_only == 1
    ended.refresh_from_db()
    assert ended.status == TenantStatus.READ_ONLY and ended.status_changed_at is not None
    entry = AuditLog.objects.get(tenant=ended, action="tenant.status.read_only")
    assert (entry.actor, entry.detail["previous"]) == ("system", "trialing")
    assert [m.to[0] for m in mail.outbox if "has ended" in m.subject] == [ended.owner_email]
    assert lifecycle.run(now).read_only == 0
    assert len([m for m in mail.outbox if "has ended" in m.subject]) == 1
    running.refresh_from_db()
    paid.refresh_from_db()
    assert (running.status, paid.status) == (TenantStatus.TRIALING, TenantStatus.ACTIVE)


def test_past_due_beyond_the_grace_period_is_suspended(settings):
    settings.BILLING_GRACE_DAYS = 7
    now = timezone.now()
    late = shell(status=TenantStatus.PAST_DUE, status_changed_at=now - timedelta(days=8))
    grace = shell(status=TenantStatus.PAST_DUE, status_changed_at=now - timedelta(days=2))
    assert lifecycle.run(now).suspended == 1
    late.refresh_from_db()
    grace.refresh_from_db()
    assert (late.status, grace.status) == (TenantStatus.SUSPENDED, TenantStatus.PAST_DUE)
    assert AuditLog.objects.filter(tenant=late, action="tenant.status.suspended").exists()


def test_a_quiet_night_costs_the_same_few_queries_for_any_number_of_tenants(
    django_assert_max_num_queries,
):
    now = timezone.now()
    for _n in range(5):
        shell(trial_ends_at=now + timedelta(days=20))
    lifecycle.run(now)
    with django_assert_max_num_queries(5) as few:  # one per step (the purge step's included)
        lifecycle.run(now)
    for _n in range(40):
        shell(trial_ends_at=now + timedelta(days=20))
        shell(status=TenantStatus.ACTIVE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        lifecycle.run(now)
    assert not any("search_path" in q["sql"] for q in few.captured_queries)


def test_a_read_only_portal_reads_but_refuses_writes(tenant_a):
    services.tenant_set_status(tenant=tenant_a, status=TenantStatus.READ_ONLY, actor="system")
    with tenant_context(tenant_a):
        customer = make_customer("reader@customer.example")
    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, customer)
    assert client.get("/").status_code == 200
    assert client.get("/tickets/").status_code == 200
    refused = client.post("/tickets/new/", {"subject": "Hi", "description": "x"})
    assert refused.status_code == 403 and b"read-only" in refused.content
    api = client.post(
        "/api/v1/tickets/", data=json.dumps({"subject": "Hi"}), content_type="application/json"
    )
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    admin = login_on(TenantClient(host_of(tenant_a)), tenant_a, admin_of(tenant_a))
    assert admin.get("/admin/").status_code == 200
    edit = admin.post("/admin/pages/add/cms/contentpage/2/", {"title": "New"})
    assert edit.status_code == 403 and b"Choose a plan" in edit.content
    # signing in still works (a POST), and so does the way out
    anonymous = TenantClient(host_of(tenant_a))
    sign_in = anonymous.post("/account/login/", {"email": "x@y.example", "password": "nope"})
    assert sign_in.status_code != 403
    # paying again restores everything
    services.tenant_set_status(tenant=tenant_a, status=TenantStatus.ACTIVE, actor="stripe")
    again = client.post("/tickets/new/", {"subject": "", "description": ""})
    assert again.status_code == 400 and b"read-only" not in again.content  # the form answers
