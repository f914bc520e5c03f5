"""The API keys screen in every tenant's Wagtail admin (Settings → API keys)."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from api import admin_views


class ApiKeysMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_list(request.user)


@hooks.register("register_admin_urls")
def register_api_key_urls():
    urls = [
        path("", admin_views.IndexView.as_view(), name="index"),
        path("create/", admin_views.CreateView.as_view(), name="create"),
        path("<int:pk>/revoke/", admin_views.RevokeView.as_view(), name="revoke"),
    ]
    return [path("api-keys/", include((urls, "api_keys"), namespace="api_keys"))]


@hooks.register("register_settings_menu_item")
def register_api_keys_menu_item():
    return ApiKeysMenuItem(
        _("API keys"), reverse("api_keys:index"), name="api-keys", icon_name="key", order=900
    )


@hooks.register("register_permissions")
def register_api_key_permissions():
    # Lets an admin grant "create" / "revoke" API keys to a group in Settings → Groups.
    return Permission.objects.filter(
        content_type__app_label="api", codename__in=["add_apikey", "delete_apikey"]
    )
