"""API routes on the platform host."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("schema/", SpectacularAPIView.as_view(urlconf="api.openapi_platform"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
