"""URLs on a tenant's portal host."""

from django.urls import include, path, re_path
from django.utils.module_loading import import_string
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import health, seo
from cms import views as cms_views
from modules import registry
from tenants import support_views
from tenants import views as tenant_views

module_urls = [
    path(f"{spec.url_prefix or spec.key}/", include((spec.urls, spec.key), namespace=spec.key))
    for spec in registry.all_modules()
    if spec.urls
]

urlpatterns = [
    path("_handoff/<str:token>/", tenant_views.handoff, name="handoff"),
    path("_support/ended/", support_views.ended, name="support-ended"),
    path("_support/<str:token>/", support_views.redeem, name="support-redeem"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include(("api.urls", "api"), namespace="api")),
    re_path(r"^api/", import_string("api.errors.api_not_found")),
    path("search/", cms_views.search, name="search"),
    path("search/suggest/", cms_views.search_suggest, name="search-suggest"),
    path("", include("cms.insights.urls")),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("robots.txt", seo.robots_txt, name="robots-txt"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(r"^media/(?P<schema>[^/]+)/(?P<path>.+)$", cms_views.media, name="media"),
    *module_urls,
    path("", include(wagtail_urls)),
]

handler404 = "cms.views.not_found"
handler500 = "cms.views.server_error"
