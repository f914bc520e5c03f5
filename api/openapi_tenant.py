"""The URLconf the OpenAPI generator reads on portal hosts: only the API, not Wagtail's admin
endpoints."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include(("api.urls", "api"), namespace="api"))]
