"""One error format for every 4xx of the API: RFC 7807 `application/problem+json`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from cms.ratelimit import RateLimited

PROBLEM_BASE = "https://docs.portal.invalid/problems/"
CONTENT_TYPE = "application/problem+json"


def problem(*, status: int, title: str, detail=None, type_: str | None = None, **extra) -> dict:
    body = {
        "type": PROBLEM_BASE + type_ if type_ else "about:blank",
        "title": title,
        "status": status,
    }
    if detail is not None:
        body["detail"] = detail
    body.update(extra)
    return body


def problem_response(*, status: int, title: str, detail=None, type_=None, headers=None, **extra):
    response = JsonResponse(
        problem(status=status, title=title, detail=detail, type_=type_, **extra),
        status=status,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    415: "Unsupported media type",
    429: "Too many requests",
}


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # keep a service's reason ("Verify your email address to take part.")
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RateLimited):  # a service's own limit (cms.ratelimit.require)
        exc = exceptions.Throttled(wait=exc.retry_after)
    elif isinstance(exc, DjangoValidationError):
        # a service refused the input (modules' services raise Django's ValidationError): the
        # same 400 and field errors as a serializer's, so views need no try/except of their own
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    data = response.data
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        detail = "One or more fields are invalid."
        extra["errors"] = data if isinstance(data, dict) else {"non_field_errors": data}
        type_ = "validation-error"
    else:
        detail = data.get("detail") if isinstance(data, dict) else data
        type_ = getattr(exc, "default_code", None)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        extra["retry_after"] = int(exc.wait)
    response.data = problem(
        status=code,
        title=TITLES.get(code, "Error"),
        detail=detail,
        type_=str(type_).replace("_", "-") if type_ else None,
        **extra,
    )
    response.content_type = CONTENT_TYPE
    return response


def api_not_found(request, exception=None):
    return problem_response(
        status=status.HTTP_404_NOT_FOUND,
        title="Not found",
        detail="No such endpoint.",
        type_="not-found",
    )
