"""Public insights endpoints on portal hosts: the feedback form's target and the search
result click-through redirect."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cms.insights import selectors, services
from cms.insights.forms import FeedbackForm

FEEDBACK_RATE = "30/minute"


def rate_limited(request, scope: str, rate: str) -> int | None:
    """Seconds to wait if this client address went over `rate` for `scope`, else None."""
    from cms.ratelimit import client_ip, hit

    allowed, retry_after = hit(scope, client_ip(request), rate)
    return None if allowed else retry_after


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@never_cache
def feedback(request, page_id: int):
    """Record a vote. Without JavaScript the form posts here and the browser is sent back to
    the page, at the widget, which then thanks the visitor (and offers the comment box after a
    "No"); with JavaScript the widget asks for JSON and stays on the page."""
    page = selectors.page_for_feedback(page_id=page_id, request=request)
    wait = rate_limited(
        request, "insights-feedback", getattr(settings, "INSIGHTS_FEEDBACK_RATE", FEEDBACK_RATE)
    )
    if wait is not None:
        message = _("Too many votes from your address. Try again in a minute.")
        if _wants_json(request):
            response = JsonResponse({"ok": False, "error": message}, status=429)
        else:
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(wait)
        return response
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": errors}, status=400)
        return HttpResponseBadRequest(
            " ".join(e for errs in errors.values() for e in errs),
            content_type="text/plain; charset=utf-8",
        )
    helpful = form.cleaned_data["helpful"]
    comment = form.cleaned_data["comment"]
    record, _flag = services.feedback_submit(
        page=page, request=request, helpful=helpful, comment=comment
    )
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "helpful": helpful, "has_comment": bool(record.comment)}, status=200
        )
    vote = "yes" if helpful else "no"
    state = "commented" if comment else vote
    return redirect(f"{page.url}?feedback={state}#helpful-{page.pk}")


def _safe_target(request, target: str) -> str | None:
    """`target` if it is a path on this very host (no scheme-relative, backslash or other-host
    tricks), else None: the redirect must never send a visitor elsewhere."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 for ch in target) or "\\" in target:
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return None
    return target


@require_GET
@never_cache
def search_click(request):
    """/search/click/?q=<search log id>&pos=<n>&to=<path>: count the click, then go there."""
    target = _safe_target(request, request.GET.get("to", ""))
    if target is None:
        return HttpResponseBadRequest(
            _("This link does not lead to a page of this portal."),
            content_type="text/plain; charset=utf-8",
        )
    try:
        search_id = int(request.GET.get("q", ""))
        position = max(1, min(int(request.GET.get("pos", "1")), 1000))
    except ValueError:
        search_id = None
        position = 1
    if search_id is not None and 0 < search_id < 2**31 and not services.is_bot(request):
        services.search_click_record(search_id=search_id, url=target, position=position)
    response = redirect(target)
    response["Referrer-Policy"] = "same-origin"
    return response
