from rest_framework import permissions


class IsTenantAdmin(permissions.BasePermission):
    """Staff of this tenant with access to its Wagtail admin."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
        )
