"""The URLconf the OpenAPI generator reads on the platform host."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include(("api.urls_public", "api"), namespace="api"))]
