"""Stripe at its HTTP edge: a stripe-python HTTP client answering recorded JSON, and webhook
payloads signed as Stripe signs them. Everything above the HTTP edge is the real library."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qsl, urlsplit

from stripe._http_client import HTTPClient

WEBHOOK_SECRET = "whsec_test_portal"
SECRET_KEY = "sk_test_portal"


class FakeStripeHTTP(HTTPClient):
    """Answers `routes[(method, path)]` (a dict, or a callable of the form data) as JSON and
    records every request as (method, path, form data)."""

    name = "fake-stripe"

    def __init__(self):
        super().__init__()
        self.routes: dict[tuple[str, str], object] = {}
        self.requests: list[tuple[str, str, dict]] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        form = dict(parse_qsl(post_data or parts.query or ""))
        self.requests.append((method.upper(), parts.path, form))
        answer = self.routes.get((method.upper(), parts.path))
        if answer is None:
            body = {
                "error": {
                    "type": "invalid_request_error",
                    "message": f"No such resource: {parts.path}",
                }
            }
            return json.dumps(body), 404, {"Request-Id": "req_fake"}
        if callable(answer):
            answer = answer(form)
        return json.dumps(answer), 200, {"Request-Id": "req_fake"}

    def request_stream(self, *args, **kwargs):
        raise NotImplementedError

    def close(self):
        pass

    def calls(self, method: str, path: str) -> list[dict]:
        return [form for m, p, form in self.requests if (m, p) == (method, path)]


def sign(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send with `body`."""
    t = int(time.time()) if timestamp is None else timestamp
    signed = f"{t}.".encode() + body
    v1 = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


# Recorded shapes (API version 2025-03-31.basil), trimmed to the fields Stripe always sends.


def event(event_id: str, type_: str, obj: dict) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type_,
    }


def subscription(sub_id: str, customer: str, status: str, price: str, **extra) -> dict:
    period_end = int(time.time()) + 30 * 86400
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": False,
        "created": int(time.time()) - 86400,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id}",
                    "object": "subscription_item",
                    "current_period_end": period_end,
                    "price": {"id": price, "object": "price", "currency": "eur"},
                    "quantity": 1,
                }
            ],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
        "livemode": False,
        "metadata": {},
        **extra,
    }


def checkout_session(session_id: str, customer: str, sub_id: str, reference: str) -> dict:
    return {
        "id": session_id,
        "object": "checkout.session",
        "client_reference_id": reference,
        "customer": customer,
        "mode": "subscription",
        "payment_status": "paid",
        "status": "complete",
        "subscription": sub_id,
        "metadata": {"tenant_id": reference},
    }


def invoice(invoice_id: str, customer: str, sub_id: str, status: str) -> dict:
    return {
        "id": invoice_id,
        "object": "invoice",
        "customer": customer,
        "status": status,
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": sub_id, "metadata": {}},
        },
    }
