"""Counts views of pages answered from the page cache (cms.page_cache), which Wagtail never
sees: the `before_serve_page` hook remembers which page lives at a path, and this middleware,
wrapped around the page cache, counts a cache hit for that page. Misses are counted by the hook
itself, so each view is counted once either way."""

from __future__ import annotations

from django.core.cache import cache

from cms.insights import services

CACHE_HIT_HEADER = "X-Page-Cache"
PATH_TIMEOUT = 24 * 3600


def page_at_key(request) -> str:
    # the cache key function adds the tenant's schema
    return f"insights:page-at:{request.get_host().lower()}:{request.path}"


def remember_page_at(request, page_id: int) -> None:
    cache.set(page_at_key(request), page_id, timeout=PATH_TIMEOUT)


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.get(CACHE_HIT_HEADER) == "hit"
            and request.method == "GET"
            and services.view_is_countable(request)
        ):
            page_id = cache.get(page_at_key(request))
            if page_id:
                services.page_view_record(page_id=page_id)
        return response
