"""API routes on tenant hosts: the platform's own endpoints plus each module's, from the
registry (module viewsets answer 404 while their module is off)."""

from django.urls import include, path
from django.utils.module_loading import import_string
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views
from cms.insights import api as insights_api
from modules import registry

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("api-keys", views.ApiKeyViewSet, basename="api-key")
for spec in registry.all_modules():
    for prefix, viewset_path, basename in spec.api_routes:
        router.register(prefix, import_string(viewset_path), basename=basename)

urlpatterns = [
    path("portal/", views.PortalView.as_view(), name="portal"),
    path("feedback/", insights_api.FeedbackView.as_view(), name="feedback"),
    path("search/", insights_api.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(urlconf="api.openapi_tenant"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
