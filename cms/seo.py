"""What search engines read on a portal host: `/sitemap.xml` and `/robots.txt`.

The sitemap lists the live, public pages of the tenant's own site (and their translations) with
their last publication date, on the host the request came to: pages behind Wagtail privacy
(signed-in users, groups, a password) and pages of modules switched off for the tenant are left
out. Everything is read in the tenant's schema, so another tenant's pages cannot appear.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from modules import registry

DISALLOWED = ("/admin/", "/api/", "/search/")


class PortalSitemap(Sitemap):
    """Wagtail's page sitemap, without pages of switched-off modules, with translations. Page
    URLs come from the tenant's Wagtail Site, whose hostname is the tenant's domain."""

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = Q()
        for translation in root.get_translations(inclusive=True):
            roots |= Q(path__startswith=translation.path, depth__gte=translation.depth)
        pages = Page.objects.filter(roots).live().public()
        off = [_content_type_id(label) for label in registry.disabled_page_types(self.request)]
        if off:
            pages = pages.exclude(content_type__in=[ct for ct in off if ct is not None])
        return pages.order_by("path").defer_streamfields().specific()


def _content_type_id(label: str) -> int | None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return ContentType.objects.get_for_model(model).id


@require_GET
@cache_control(max_age=3600)
def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"pages": PortalSitemap(request)})


@require_GET
@cache_control(max_age=3600)
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
