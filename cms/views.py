"""Portal-host views besides Wagtail's page serving: search, tenant media, error pages."""

import posixpath
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404
from django.shortcuts import render
from django.views.static import serve

from cms.search import portal_search


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = portal_search(query, request) if query else []
    page = Paginator(results, 10).get_page(request.GET.get("page"))
    return render(request, "cms/search.html", {"query": query, "page": page})


def media(request, schema: str, path: str):
    """Serve this tenant's uploads (development and the demo; production serves MEDIA_ROOT
    through the web server with the same rule). Another tenant's folder is a 404."""
    if schema != connection.schema_name:
        raise Http404
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith(".."):
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
