"""Stripe: billing runs offline (no charges, plans switched locally) when no key is set."""

from config import env as envmod

STRIPE_SECRET_KEY = envmod.get("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = envmod.get("STRIPE_WEBHOOK_SECRET")
BILLING_OFFLINE = not STRIPE_SECRET_KEY
