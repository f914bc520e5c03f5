"""Billing endpoints on the platform host: Stripe's webhook, and the links a portal's admin
follows to Stripe Checkout and to Stripe's customer portal."""

from __future__ import annotations

import logging
from typing import cast

import stripe
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billing import services, stripe_client
from billing.models import Plan

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


def _message(request, *, heading: str, message: str, status: int, back_url: str = ""):
    context = {"heading": heading, "message": message, "back_url": back_url}
    return render(request, "billing/message.html", context, status=status)


def _to_stripe(request: HttpRequest, token: str, action: str) -> HttpResponse:
    found = services.billing_link_read(token=token, action=action)
    if found is None:
        return _message(
            request,
            heading=_("This billing link has expired"),
            message=_(
                "Billing links work for 15 minutes. Go back to your portal's admin and "
                "choose again."
            ),
            status=400,
        )
    tenant, plan = found
    back = tenant.portal_url("/admin/")
    try:
        if action == "checkout":
            # A checkout link always names a plan (billing_link_read checks it).
            session = stripe_client.checkout_session_create(tenant, cast(Plan, plan), back, back)
        else:
            session = stripe_client.portal_session_create(tenant, back)
    except stripe_client.BillingOffline as exc:
        return _message(
            request,
            heading=_("Billing is not configured"),
            message=str(exc),
            status=200,
            back_url=back,
        )
    except stripe_client.BillingError as exc:
        return _message(
            request,
            heading=_("This cannot be done online"),
            message=str(exc),
            status=400,
            back_url=back,
        )
    except stripe.StripeError as exc:
        log.error("stripe %s for tenant %s failed: %s", action, tenant.pk, exc)
        return _message(
            request,
            heading=_("Stripe could not be reached"),
            message=_("Nothing was charged. Try again in a few minutes."),
            status=502,
            back_url=back,
        )
    return HttpResponseRedirect(session.url, status=303)


@never_cache
@require_GET
def checkout(request: HttpRequest, token: str) -> HttpResponse:
    return _to_stripe(request, token, "checkout")


@never_cache
@require_GET
def customer_portal(request: HttpRequest, token: str) -> HttpResponse:
    return _to_stripe(request, token, "portal")
