"""Billing endpoints on the platform host."""

from __future__ import annotations

import logging

import stripe
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import services

log = logging.getLogger(__name__)


@csrf_exempt  # Stripe signs the body instead; there is no browser session here.
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Stripe's event deliveries. 400: not signed by Stripe (nothing changes); 503: Stripe could
    not be read back, nothing recorded, so Stripe's retry applies the event later."""
    try:
        result = services.webhook_handle(request.body, request.headers.get("Stripe-Signature"))
    except services.WebhookRejected as exc:
        log.warning("stripe webhook rejected: %s", exc)
        return JsonResponse({"error": "invalid event", "detail": str(exc)}, status=400)
    except stripe.StripeError as exc:
        log.error("stripe webhook: reading Stripe failed: %s", exc)
        return JsonResponse({"error": "stripe unavailable"}, status=503)
    return JsonResponse(
        {"received": True, "id": result.event_id, "duplicate": result.duplicate}, status=200
    )
