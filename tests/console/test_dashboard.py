"""The operator dashboard (/operator/dashboard/): signups per day, active trials, trial-to-paid
conversion, MRR by plan and churn, with exact figures from data built here, and a query count
that does not grow with the number of tenants."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import TEST_PASSWORD, run_committed
from tests.console.otp_helpers import code_at, enrolled_device, verified_login
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll

DAY = datetime.timedelta(days=1)
_serial = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator_client(platform_client, db):
    from tenants.console.services import operator_ensure

    connection.set_schema_to_public()
    user = operator_ensure(email="ops@platform.example", password=TEST_PASSWORD).user
    return verified_login(platform_client, user)


@pytest.fixture
def clean_slate(db, operator_client):
    """Tenants from the session (alpha, beta) out of every figure, no audit rows, no plans but
    the ones a test makes (all rolled back after the test)."""
    from billing.models import Plan
    from billing.plans import forget_plan_names
    from tenants.models import AuditLog, Tenant

    now = timezone.now()
    Tenant.objects.real().update(
        status="suspended",
        trial_ends_at=None,
        created_at=now - 400 * DAY,
        status_changed_at=now - 400 * DAY,
    )
    AuditLog.objects.all().delete()
    Plan.objects.all().delete()
    forget_plan_names()
    return now


def make_tenant(**fields):
    from tenants.models import Domain, Tenant

    n = next(_serial)
    slug = fields.pop("slug", f"dash-{n:03d}")
    tenant = Tenant.objects.create(
        schema_name=f"t_{slug.replace('-', '_')}", slug=slug, name=f"Company {slug}", **fields
    )
    Domain.objects.create(tenant=tenant, domain=f"{slug}.localhost", is_primary=True)
    return tenant


def status_change(tenant, status, at):
    from tenants.models import AuditLog

    AuditLog.objects.create(
        actor="system",
        action=f"tenant.status.{status}",
        tenant=tenant,
        tenant_label=tenant.slug,
        at=at,
    )


def test_signups_per_day_and_active_trials(operator_client, clean_slate):
    now = clean_slate
    for _ in range(3):
        make_tenant(status="trialing", trial_ends_at=now + 10 * DAY)
    make_tenant(status="trialing", trial_ends_at=now + 3 * DAY, created_at=now - 5 * DAY)
    make_tenant(status="active", plan="x", created_at=now - 5 * DAY)
    make_tenant(status="trialing", created_at=now - 45 * DAY)  # outside the chart
    make_tenant(status="trialing", deleted_at=now)  # deleted: no longer an active trial

    response = operator_client.get("/operator/dashboard/")
    assert response.status_code == 200
    bars = response.context["chart"].bars
    assert len(bars) == 30
    assert bars[-1].count == 4  # today: three trials and the deleted one
    assert bars[-6].count == 2
    assert response.context["chart"].total == 6
    assert response.context["figures"].active_trials == 5
    page = response.content.decode()
    assert 'data-figure="active-trials">5<' in page
    assert "Signups per day" in page


def test_trial_to_paid_conversion(operator_client, clean_slate):
    now = clean_slate
    # Trials that ended 10 days ago: two now paying, one read-only.
    make_tenant(status="active", plan="starter", trial_ends_at=now - 10 * DAY)
    make_tenant(status="active", plan="starter", trial_ends_at=now - 10 * DAY)
    make_tenant(status="read_only", trial_ends_at=now - 10 * DAY)
    # Ended 60 days ago: one paying, one cancelled.
    make_tenant(status="active", plan="growth", trial_ends_at=now - 60 * DAY)
    make_tenant(status="cancelled", trial_ends_at=now - 60 * DAY)
    # Ended long ago, or not yet: in neither window.
    make_tenant(status="active", plan="growth", trial_ends_at=now - 200 * DAY)
    make_tenant(status="trialing", trial_ends_at=now + 2 * DAY)

    response = operator_client.get("/operator/dashboard/")
    conversions = {c.days: c.ratio for c in response.context["figures"].conversions}
    assert (conversions[30].part, conversions[30].whole) == (2, 3)
    assert conversions[30].percent == 66.7
    assert (conversions[90].part, conversions[90].whole) == (3, 5)
    assert conversions[90].percent == 60.0
    page = response.content.decode()
    assert "66.7 %" in page
    assert "3 of 5 now paying" in page


def test_conversion_with_no_ended_trials_is_a_dash(operator_client, clean_slate):
    response = operator_client.get("/operator/dashboard/")
    ratio = response.context["figures"].conversions[0].ratio
    assert (ratio.part, ratio.whole, ratio.percent) == (0, 0, None)
    assert 'data-figure="conversion-30">—' in response.content.decode()


def test_mrr_by_plan(operator_client, clean_slate):
    from billing.models import Plan

    Plan.objects.create(key="starter", name="Starter", price_cents=1900, sort_order=1)
    Plan.objects.create(key="growth", name="Growth", price_cents=4900, sort_order=2)
    Plan.objects.create(key="scale", name="Scale", price_cents=9900, sort_order=3)
    make_tenant(status="active", plan="starter")
    make_tenant(status="active", plan="starter")
    make_tenant(status="active", plan="growth")
    make_tenant(status="past_due", plan="growth")  # not active: no revenue
    make_tenant(status="trialing", plan="growth")
    make_tenant(status="active", plan="growth", deleted_at=timezone.now())
    make_tenant(status="active", plan="retired")  # no plan row: counted at 0

    response = operator_client.get("/operator/dashboard/")
    rows = {item["plan"].key: item["plan"] for item in response.context["revenue"]}
    assert {key: (r.tenants, r.mrr_cents) for key, r in rows.items()} == {
        "starter": (2, 3800),
        "growth": (1, 4900),
        "scale": (0, 0),
        "retired": (1, 0),
    }
    page = response.content.decode()
    assert 'data-figure="mrr-total">87.00 EUR<' in page
    assert "38.00 EUR" in page


def test_churn_over_the_last_30_days(operator_client, clean_slate):
    now = clean_slate
    # Active since before the window, still active.
    t1 = make_tenant(status="active", created_at=now - 100 * DAY, status_changed_at=now - 50 * DAY)
    status_change(t1, "active", now - 50 * DAY)
    # Active at the start, cancelled inside the window: churned.
    t2 = make_tenant(
        status="cancelled", created_at=now - 100 * DAY, status_changed_at=now - 10 * DAY
    )
    status_change(t2, "active", now - 60 * DAY)
    status_change(t2, "cancelled", now - 10 * DAY)
    # Active since long ago with no audited change.
    make_tenant(status="active", created_at=now - 200 * DAY)
    # Became active inside the window, then cancelled: churned, not in the starting count.
    t4 = make_tenant(status="cancelled", created_at=now - 40 * DAY, status_changed_at=now - 5 * DAY)
    status_change(t4, "active", now - 20 * DAY)
    status_change(t4, "cancelled", now - 5 * DAY)
    # Cancelled before the window: neither.
    t5 = make_tenant(
        status="cancelled", created_at=now - 100 * DAY, status_changed_at=now - 40 * DAY
    )
    status_change(t5, "active", now - 90 * DAY)
    status_change(t5, "cancelled", now - 40 * DAY)
    # Signed up and paid inside the window.
    make_tenant(status="active", created_at=now - 10 * DAY)
    # Was active at the start, past due now (not cancelled): counted at the start only.
    t7 = make_tenant(status="past_due", created_at=now - 100 * DAY, status_changed_at=now - 3 * DAY)
    status_change(t7, "active", now - 80 * DAY)
    status_change(t7, "past_due", now - 3 * DAY)

    response = operator_client.get("/operator/dashboard/")
    churn = response.context["figures"].churn
    assert (churn.part, churn.whole) == (2, 4)
    assert churn.percent == 50.0
    page = response.content.decode()
    assert 'data-figure="churn">50.0 %<' in page
    assert "2 cancelled of 4 active at the start" in page


def _varied_tenants(count: int, now) -> None:
    from billing.models import Plan

    Plan.objects.get_or_create(key="starter", defaults={"name": "Starter", "price_cents": 1900})
    statuses = ("trialing", "active", "read_only", "past_due", "cancelled")
    for i in range(count):
        status = statuses[i % len(statuses)]
        tenant = make_tenant(
            status=status,
            plan="starter" if status == "active" else "trial",
            trial_ends_at=now - (i % 80) * DAY,
            created_at=now - (i % 35) * DAY,
        )
        status_change(tenant, status, now - (i % 50) * DAY)


def test_dashboard_queries_do_not_grow_with_tenants(
    operator_client, clean_slate, django_assert_max_num_queries
):
    _varied_tenants(5, clean_slate)
    with CaptureQueriesContext(connection) as few:
        assert operator_client.get("/operator/dashboard/").status_code == 200
    _varied_tenants(35, clean_slate)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = operator_client.get("/operator/dashboard/")
    assert response.status_code == 200
    assert response.context["figures"].active_trials == 8


def test_dashboard_is_for_operators_only(platform_client, tenant_a, admin_client_a):
    from django.contrib.auth import get_user_model

    response = platform_client.get("/operator/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/operator/login/")
    staff = get_user_model().objects.create_user(username="staff@platform.example", is_staff=True)
    platform_client.force_login(staff)
    assert platform_client.get("/operator/dashboard/").status_code == 403
    # A tenant's admin on their portal: the console is not there at all.
    assert admin_client_a.get("/operator/dashboard/").status_code == 404


JOURNEY_EMAIL = "dashboard.journey@platform.example"


def _journey_operator() -> bytes:
    from tenants.console.services import operator_ensure

    connection.set_schema_to_public()
    user = operator_ensure(email=JOURNEY_EMAIL, password=TEST_PASSWORD).user
    return enrolled_device(user).bin_key


def _journey_cleanup() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenants.models import AuditLog

    connection.set_schema_to_public()
    TOTPDevice.objects.filter(user__username=JOURNEY_EMAIL).delete()
    AuditLog.objects.filter(actor=JOURNEY_EMAIL).delete()


@pytest.mark.e2e
def test_journey_dashboard_and_tenant_page(browser, live_settings, screenshot_dir, tenant_a):
    """An operator signs in (password, then code), reads the dashboard, goes to the tenants
    table and opens a tenant's page (screenshots of both, desktop and phone)."""
    base = f"http://{live_settings.PLATFORM_DOMAIN}:{live_settings.PLATFORM_PORT}"
    run_committed(_journey_cleanup)
    key = run_committed(_journey_operator)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/operator/dashboard/")
        page.get_by_label("Email").fill(JOURNEY_EMAIL)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/operator/login/code/**")
        page.get_by_label("6-digit code").fill(code_at(key))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url(f"{base}/operator/dashboard/")
        assert page.get_by_role("heading", name="Dashboard").is_visible()
        assert page.get_by_role("heading", name="Monthly recurring revenue by plan").is_visible()
        page.screenshot(path=screenshot_dir / "operator-console-dashboard.png", full_page=True)

        page.get_by_role("link", name="Tenants", exact=True).click()
        page.get_by_role("link", name="Alpha Corp").click()
        page.wait_for_url(f"{base}/operator/tenants/{tenant_a.pk}/")
        assert page.get_by_role("heading", name="Extend trial").is_visible()
        page.screenshot(path=screenshot_dir / "operator-console-tenant.png", full_page=True)

        page.set_viewport_size(PHONE["viewport"])
        assert_no_sideways_scroll(page, "the tenant page")
        page.screenshot(path=screenshot_dir / "operator-console-tenant-phone.png", full_page=True)
        page.goto(f"{base}/operator/dashboard/")
        assert_no_sideways_scroll(page, "the dashboard")
        page.screenshot(
            path=screenshot_dir / "operator-console-dashboard-phone.png", full_page=True
        )
    finally:
        context.close()
        run_committed(_journey_cleanup)
