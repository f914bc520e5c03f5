"""URLs on the platform host (PLATFORM_DOMAIN): landing, signup, operator console, platform API."""

from django.urls import include, path, re_path
from django.utils.module_loading import import_string

from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.landing, name="landing"),
    path("signup/", tenant_views.signup, name="signup"),
    path("operator/", include(("tenants.console.urls", "console"), namespace="console")),
    path("billing/", include("billing.urls")),
    path("api/v1/", include(("api.urls_public", "api"), namespace="api")),
    re_path(r"^api/", import_string("api.errors.api_not_found")),
    # Email providers post received mail here (Anymail): /inbound/email/<provider>/inbound/
    path("inbound/email/", include("anymail.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "tenants.views.not_found"
handler500 = "tenants.views.server_error"
