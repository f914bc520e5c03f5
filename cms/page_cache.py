"""A page cache for anonymous visitors: the rendered response of a Wagtail page serve, kept in
Django's cache (Redis with REDIS_URL, else in-process) for PAGE_CACHE_SECONDS (0 switches it off).

How a response gets in:
- the `before_serve_page` hook (cms.wagtail_hooks) marks the request when the page it is about
  to serve is public (no view restriction on it or an ancestor);
- `PageCacheMiddleware` stores the response of a marked request when the visitor is anonymous
  and carries no session or messages cookie, the method is GET, the status 200, the body HTML,
  and the view set no cookie of its own.

How it gets out: the middleware looks every eligible GET/HEAD up before URL resolution, so a hit
costs two cache reads and no page query. The key holds the schema, host, path, query string,
active language and the tenant's cache version; `page_cache_purge()` replaces that version on
every publish, unpublish, move or delete of a page, on a change of page privacy, of a setting
(branding, module switches), of a site, image or document. One tenant's purge leaves the others'
pages alone, and a page cached for one host is never found under another.

Forms: a cached page must not carry one visitor's CSRF token to the next. The token in Django's
`{% csrf_token %}` field is swapped for a placeholder when stored and for the current visitor's
own token when served, so the language switcher and POST widgets keep working. A token placed
anywhere else than that hidden field is not recognised: such a page is simply not stored.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

HEADER = "X-Page-Cache"
VERSION_KEY = "page-cache:version"
REQUEST_FLAG = "_page_cache_ok"
CSRF_PLACEHOLDER = b"__page_cache_csrf_token__"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{32,64})(")')
# Never looked up: the admin, the API, search, files, sign-in hand-offs and the sitemap files.
SKIP_PREFIXES = (
    "/admin/",
    "/api/",
    "/search/",
    "/static/",
    "/media/",
    "/documents/",
    "/_handoff/",
    "/i18n/",
)
# Headers worth keeping with the body; everything else is added again by the middleware
# around this one (security headers, cookies, Vary).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Link", "X-Robots-Tag")


def page_cache_seconds() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY) or version
    return version


def page_cache_purge() -> None:
    """Forget every cached page of the tenant whose schema is active: now, and once more when
    the transaction commits (a request that read the old content before the commit may have
    stored it under the version set now)."""
    if connection.schema_name == "public":
        return

    def bump():
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)


def _key(request, version: str) -> str:
    raw = "\n".join(
        (
            connection.schema_name,
            request.get_host().lower(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            translation.get_language() or "",
            version,
        )
    )
    return "page-cache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _may_use_cache(request) -> bool:
    if request.method not in ("GET", "HEAD") or page_cache_seconds() <= 0:
        return False
    if getattr(request, "tenant", None) is None or connection.schema_name == "public":
        return False
    if request.path.startswith(SKIP_PREFIXES):
        return False
    # A session (signed in, a page password entered) or pending messages may change the page.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    if request.GET.get("preview") or getattr(request, "is_preview", False):
        return False
    # Only pages at their plain address: a random query string per request would otherwise
    # store a new copy of the page each time and push the useful entries out of the cache.
    if request.META.get("QUERY_STRING"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def mark_cacheable(page, request) -> None:
    """Called by the before_serve_page hook: this page may be stored for anonymous visitors."""
    if page_cache_seconds() <= 0 or getattr(request, "is_preview", False):
        return
    if page.get_view_restrictions().exists():
        return
    setattr(request, REQUEST_FLAG, True)


def _from_cache(request, entry) -> HttpResponse:
    status, headers, body = entry
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    response[HEADER] = "hit"
    return response


def _storable(request, response) -> bool:
    if not getattr(request, REQUEST_FLAG, False) or request.method != "GET":
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    if "no-store" in response.get("Cache-Control", "") or "private" in response.get(
        "Cache-Control", ""
    ):
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "_queued_messages", None))


def _entry(response) -> tuple[int, list[tuple[str, str]], bytes] | None:
    body = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\3", response.content)
    if b"csrfmiddlewaretoken" in body.replace(b'name="csrfmiddlewaretoken" value="', b""):
        return None  # a token we cannot swap: never hand it to another visitor
    headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
    return response.status_code, headers, body


class PageCacheMiddleware:
    """Serves and stores anonymous Wagtail page responses (see the module docstring). Sits after
    the session, CSRF, locale, auth, messages and tenant-status middleware, so it sees the
    visitor, the language and a suspended portal before it answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_use_cache(request):
            return self.get_response(request)
        key = _key(request, _version())
        entry = cache.get(key)
        if entry is not None:
            return _from_cache(request, entry)
        response = self.get_response(request)
        if getattr(request, REQUEST_FLAG, False):
            response[HEADER] = "miss"
            if _storable(request, response):
                entry = _entry(response)
                if entry is not None:
                    cache.set(key, entry, timeout=page_cache_seconds())
        return response


def _purge_on_signal(sender=None, **kwargs) -> None:
    page_cache_purge()


def _purge_on_page_delete(sender, instance=None, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        page_cache_purge()


def _purge_on_setting_save(sender, instance=None, **kwargs) -> None:
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting

    if isinstance(instance, BaseGenericSetting | BaseSiteSetting):
        page_cache_purge()


def connect_purge_signals() -> None:
    """Purge on every write that changes what an anonymous visitor sees. Called from
    CmsConfig.ready()."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import CollectionViewRestriction, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    uid = "page_cache_purge"
    page_published.connect(_purge_on_signal, dispatch_uid=f"{uid}:published")
    page_unpublished.connect(_purge_on_signal, dispatch_uid=f"{uid}:unpublished")
    post_page_move.connect(_purge_on_signal, dispatch_uid=f"{uid}:moved")
    # Deleting a page deletes its rows model by model: listen to all, act on pages only.
    post_delete.connect(_purge_on_page_delete, dispatch_uid=f"{uid}:page-deleted")
    post_save.connect(_purge_on_setting_save, dispatch_uid=f"{uid}:settings")
    for model in (
        PageViewRestriction,
        CollectionViewRestriction,
        Site,
        get_image_model(),
        get_document_model(),
    ):
        name = model.__name__
        post_save.connect(_purge_on_signal, sender=model, dispatch_uid=f"{uid}:{name}:save")
        post_delete.connect(_purge_on_signal, sender=model, dispatch_uid=f"{uid}:{name}:del")
