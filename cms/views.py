"""Portal-host views besides Wagtail's page serving: search, tenant media, error pages."""

import posixpath
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.static import serve

from cms.insights import services as insights
from cms.search import categories, highlight_hits, portal_search, resolve
from modules import registry


def search(request):
    """One results page across the portal's pages and every switched-on module, with filters
    by module (`?module=`) and by category (`?category=<page id>`: a knowledge base category,
    an FAQ group, a video series), and pagination. Each filter's counts take the other filter
    into account."""
    query = request.GET.get("q", "").strip()[:200]
    module = request.GET.get("module") or None
    if module is not None and module not in registry.enabled_keys(request) and module != "page":
        module = None
    results = portal_search(query, request)
    hits = results.hits

    in_module = hits if module is None else [h for h in hits if (h.module or "page") == module]
    found_categories = categories(request, in_module)
    category = None
    category_id = request.GET.get("category", "")
    if category_id.isdigit():
        category = next((c for c in found_categories if c.page.pk == int(category_id)), None)
    if category is not None:
        hits = [hit for hit in hits if hit.path.startswith(category.page.path)]
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit.module] = counts.get(hit.module, 0) + 1
    shown = hits if module is None else [h for h in hits if (h.module or "page") == module]

    page = Paginator(shown, 10).get_page(request.GET.get("page"))
    page.object_list = resolve(page.object_list)
    highlight_hits(page.object_list, results.query_run, results.language)
    search_log = None
    if query and request.GET.get("page", "1") == "1":  # not again for page 2, 3…
        search_log = insights.search_log(
            request=request, raw=query, results=page.paginator.count, module=module or ""
        )
    facets = [
        {
            "key": key or "page",
            "label": _facet_label(key),
            "count": count,
            "active": (key or "page") == module,
        }
        for key, count in counts.items()
        if count
    ]
    return render(
        request,
        "cms/search.html",
        {
            "query": query,
            "page": page,
            "facets": facets,
            "module": module,
            "categories": found_categories,
            "category": category,
            "total": len(hits),
            "corrected": results.corrected,
            "capped": results.capped,
            "search_log": search_log.pk if search_log else None,
        },
    )


SUGGESTIONS = 6


def search_suggest(request):
    """As-you-type suggestions: the best few titles for what has been typed so far."""
    query = request.GET.get("q", "").strip()[:100]
    hits = []
    if len(query) >= 2:
        found = portal_search(query, request, autocomplete=True, limit=SUGGESTIONS)
        hits = resolve(found.hits[:SUGGESTIONS])
    response = JsonResponse(
        {
            "query": query,
            "suggestions": [{"title": h.title, "url": h.url, "kind": h.kind} for h in hits],
        }
    )
    response["Cache-Control"] = "private, max-age=60"
    return response


def _facet_label(key: str) -> str:
    spec = registry.get(key) if key else None
    return str(spec.label) if spec else gettext("Pages")


# Folders whose files are served only by views that check who may see them: `private/` (e.g.
# uploaded videos, which follow their page's privacy) and `documents/` (Wagtail's document view
# applies collection privacy and, for article attachments, the article's visibility).
PROTECTED_MEDIA = {"private", "documents"}


def media(request, schema: str, path: str):
    """Serve this tenant's uploads (development and the demo; production serves MEDIA_ROOT
    through the web server with the same rule). Another tenant's folder is a 404, and so are its
    PROTECTED_MEDIA folders."""
    if schema != connection.schema_name:
        raise Http404
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith("..") or path.split("/", 1)[0] in PROTECTED_MEDIA:
        raise Http404
    root = Path(settings.MEDIA_ROOT) / connection.schema_name
    return serve(request, path, document_root=str(root))


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        from api.errors import api_not_found

        return api_not_found(request)
    return render(request, "cms/404.html", status=404)


def server_error(request):
    return render(request, "cms/500.html", status=500)
