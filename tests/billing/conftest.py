from __future__ import annotations

import pytest
import stripe

from tests.billing.stripe_fake import SECRET_KEY, WEBHOOK_SECRET, FakeStripeHTTP


@pytest.fixture(autouse=True)
def _fresh_plan_names():
    from billing.plans import forget_plan_names

    forget_plan_names()
    yield
    forget_plan_names()


@pytest.fixture
def stripe_http(settings):
    """Billing online, with Stripe's HTTP API answered by a FakeStripeHTTP."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripeHTTP()
    saved = stripe.default_http_client, stripe.max_network_retries
    stripe.default_http_client, stripe.max_network_retries = fake, 0
    yield fake
    stripe.default_http_client, stripe.max_network_retries = saved


@pytest.fixture
def offline(settings):
    settings.STRIPE_SECRET_KEY = ""
    saved = stripe.default_http_client
    fake = FakeStripeHTTP()
    stripe.default_http_client = fake
    yield fake
    stripe.default_http_client = saved


@pytest.fixture
def priced_plans(db):
    """The seeded plans with Stripe price ids, as an operator sets them up."""
    from billing.models import Plan

    Plan.objects.filter(key="starter").update(stripe_price_id="price_starter")
    Plan.objects.filter(key="pro").update(stripe_price_id="price_pro")
    return {plan.key: plan for plan in Plan.objects.all()}
