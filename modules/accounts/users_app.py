"""Wagtail's users app with the portal's Users pages (modules.accounts.users_admin): named in
INSTALLED_APPS in place of `wagtail.users`, the way Wagtail lets a project customise the user
forms. Kept apart from apps.py (one AppConfig per module) and free of model imports."""

from wagtail.users.apps import WagtailUsersAppConfig


class PortalUsersConfig(WagtailUsersAppConfig):
    user_viewset = "modules.accounts.users_admin.UserViewSet"
