"""In Chromium: a trial portal's administrator opens Settings → Billing, chooses Starter, goes
through a Checkout Session (Stripe's page is a stub; Stripe's API is faked at its HTTP edge in
this process, which the live server shares), Stripe's signed webhook arrives, and the billing page
shows the new plan. Then a platform operator signs in with password and authenticator code and
suspends the tenant, and its portal shows the suspended page."""

from __future__ import annotations

import json
import urllib.request
from binascii import unhexlify
from datetime import timedelta

import pytest
import stripe
from django.utils import timezone

from tests.billing import stripe_fake
from tests.conftest import TEST_PASSWORD, run_committed
from tests.console.otp_helpers import code_at
from tests.e2e.fixtures import PHONE, assert_no_sideways_scroll, sign_in
from tests.local_http import LocalHTTPServer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

OPERATOR = "billing-journey.ops@platform.example"
STUB_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Checkout (test stub)</title></head>
<body><main><h1>Stripe Checkout (test stub)</h1><p>Starter, 29.00 EUR a month</p>
<button type="button">Pay</button></main></body></html>"""


def _switches(tenant, restore: dict | None = None) -> dict:
    """The tenant's module switches (Settings → Modules); with `restore`, those put back."""
    from django_tenants.utils import tenant_context

    from cms.models import ModuleSettings

    with tenant_context(tenant):
        row = ModuleSettings.load()
        if restore is not None:
            row.switches = restore
            row.save(update_fields=["switches"])
        return dict(row.switches or {})


def _prepare() -> dict:
    """Alpha on a fresh trial with priced plans, and an operator with a known authenticator."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from billing.models import Plan, StripeEvent, Subscription
    from tenants.console.services import operator_ensure
    from tenants.models import Tenant, TenantStatus
    from tests.committed import alpha

    connection.set_schema_to_public()
    tenant = alpha()
    saved = {"plan": tenant.plan, "status": tenant.status, "trial_ends_at": tenant.trial_ends_at}
    saved["switches"] = _switches(tenant)
    # the trial's last days: the admin shows how many are left on every page
    Tenant.objects.filter(pk=tenant.pk).update(
        plan="trial",
        status=TenantStatus.TRIALING,
        trial_ends_at=timezone.now() + timedelta(days=3, hours=1),
    )
    Plan.objects.filter(key="starter").update(stripe_price_id="price_journey_starter")
    Subscription.objects.filter(tenant=tenant).delete()
    StripeEvent.objects.filter(event_id__startswith="evt_journey").delete()
    operator_ensure(email=OPERATOR, password=TEST_PASSWORD)
    user = get_user_model().objects.get(username=OPERATOR)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return {**saved, "tenant_id": tenant.pk, "key": device.key}


def _restore(saved: dict) -> None:
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from billing.models import Plan, StripeEvent, Subscription
    from tenants.models import AuditLog, Tenant

    connection.set_schema_to_public()
    Tenant.objects.filter(pk=saved["tenant_id"]).update(
        plan=saved["plan"], status=saved["status"], trial_ends_at=saved["trial_ends_at"]
    )
    # Starter's entitlements switched off the modules it lacks: later journeys need them on
    _switches(Tenant.objects.get(pk=saved["tenant_id"]), saved["switches"])
    connection.set_schema_to_public()
    Plan.objects.filter(key="starter").update(stripe_price_id=None)
    Subscription.objects.filter(tenant_id=saved["tenant_id"]).delete()
    StripeEvent.objects.filter(event_id__startswith="evt_journey").delete()
    TOTPDevice.objects.filter(user__username=OPERATOR).delete()
    # everything the journey audited: the operator's sign-in (no tenant) and the changes to alpha
    AuditLog.objects.filter(actor=OPERATOR).delete()
    AuditLog.objects.filter(actor__in=["stripe", "system"], tenant_id=saved["tenant_id"]).delete()


def _post_webhook(url: str, payload: dict) -> int:
    body = json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 (the live server on localhost)
        url,
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": stripe_fake.sign(body)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local server)
        return response.status


@pytest.fixture
def stripe_online(live_settings):
    live_settings.STRIPE_SECRET_KEY = stripe_fake.SECRET_KEY
    live_settings.STRIPE_WEBHOOK_SECRET = stripe_fake.WEBHOOK_SECRET
    fake = stripe_fake.FakeStripeHTTP()
    saved = stripe.default_http_client, stripe.max_network_retries
    stripe.default_http_client, stripe.max_network_retries = fake, 0
    stub = LocalHTTPServer().start()
    stub.routes["/checkout"] = lambda server, handler: (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        STUB_PAGE,
    )
    yield fake, stub
    stub.stop()
    stripe.default_http_client, stripe.max_network_retries = saved


def test_a_trial_upgrades_and_an_operator_suspends_it(
    browser, live_settings, screenshot_dir, stripe_online
):
    fake, stub = stripe_online
    port = live_settings.PLATFORM_PORT
    portal = f"http://alpha.localhost:{port}"
    platform = f"http://{live_settings.PLATFORM_DOMAIN}:{port}"
    saved = run_committed(_prepare)
    tenant_id = saved["tenant_id"]
    sessions: list[dict] = []

    def create_session(form):
        sessions.append(form)
        return stripe_fake.checkout_session("cs_journey", "cus_journey", "", str(tenant_id)) | {
            "url": stub.url("/checkout")
        }

    fake.routes[("POST", "/v1/customers")] = {"id": "cus_journey", "object": "customer"}
    fake.routes[("POST", "/v1/checkout/sessions")] = create_session
    fake.routes[("GET", "/v1/subscriptions/sub_journey")] = stripe_fake.subscription(
        "sub_journey", "cus_journey", "active", "price_journey_starter"
    )
    fake.routes[("GET", "/v1/invoices")] = {"object": "list", "data": [], "has_more": False}
    admin_context = browser.new_context(**PHONE)
    operator_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = admin_context.new_page()
        sign_in(page, portal, "admin@alpha.example", TEST_PASSWORD, "/admin/billing/")
        assert page.locator("[data-status]").get_attribute("data-status") == "trialing"
        assert page.locator("[data-trial-days]").is_visible()
        assert page.locator("[data-plan]").inner_text() == "Trial"
        notice = page.locator(".portal-admin-notice")
        assert "Your trial ends in 3 days" in notice.inner_text()
        # the notice sits in the main column, above the page's own content
        assert page.locator("#main .content > #portal-admin-notices").count() == 1
        assert_no_sideways_scroll(page, "the billing page on a trial")
        page.screenshot(path=screenshot_dir / "billing-1-trial.png", full_page=True)

        page.locator('[data-plan-row="starter"] a').click()  # platform host → Checkout
        page.wait_for_url(stub.url("/checkout"))
        assert page.get_by_role("heading", name="Stripe Checkout (test stub)").is_visible()
        page.screenshot(path=screenshot_dir / "billing-2-checkout-stub.png", full_page=True)
        assert sessions and sessions[0]["client_reference_id"] == str(tenant_id)
        assert sessions[0]["line_items[0][price]"] == "price_journey_starter"

        # Stripe tells the platform: the checkout completed, the subscription is active
        hook = f"{platform}/billing/stripe/webhook/"
        completed = stripe_fake.checkout_session(
            "cs_journey", "cus_journey", "sub_journey", str(tenant_id)
        )
        assert (
            _post_webhook(
                hook,
                stripe_fake.event("evt_journey_1", "checkout.session.completed", completed),
            )
            == 200
        )
        page.goto(f"{portal}/admin/billing/")
        assert page.locator("[data-plan]").get_attribute("data-plan") == "starter"
        assert page.locator("[data-status]").get_attribute("data-status") == "active"
        assert page.locator(".portal-admin-notice").count() == 0  # paying: nothing to say
        assert_no_sideways_scroll(page, "the billing page")
        page.screenshot(path=screenshot_dir / "billing-3-starter.png", full_page=True)

        # An operator suspends the tenant from the console
        ops = operator_context.new_page()
        ops.goto(f"{platform}/operator/tenants/{tenant_id}/")
        ops.get_by_label("Email").fill(OPERATOR)
        ops.get_by_label("Password").fill(TEST_PASSWORD)
        ops.get_by_role("button", name="Sign in").click()
        ops.wait_for_url("**/operator/login/code/**")
        key = unhexlify(saved["key"])
        ops.get_by_label("6-digit code").fill(code_at(key))
        ops.get_by_role("button", name="Verify").click()
        ops.wait_for_url(f"{platform}/operator/tenants/{tenant_id}/")
        ops.get_by_label("Reason").fill("Billing journey test")
        ops.get_by_role("button", name="Suspend tenant").click()
        ops.get_by_text("This portal is suspended").first.wait_for()
        ops.screenshot(path=screenshot_dir / "billing-4-console-suspended.png", full_page=True)

        visitor = admin_context.new_page()
        response = visitor.goto(f"{portal}/")
        assert response.status == 503
        assert visitor.get_by_role("heading", name="This portal is suspended").is_visible()
        assert_no_sideways_scroll(visitor, "the suspended page")
        visitor.screenshot(path=screenshot_dir / "billing-5-portal-suspended.png", full_page=True)

        # its admin can still look, and says why nothing can be changed
        page.goto(f"{portal}/admin/")
        assert "This portal is suspended" in page.locator(".portal-admin-notice").inner_text()
        page.screenshot(path=screenshot_dir / "billing-6-admin-suspended.png", full_page=True)
    finally:
        admin_context.close()
        operator_context.close()
        run_committed(_restore, saved)
