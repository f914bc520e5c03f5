from rest_framework import permissions

ACTION_PERMS = {
    "create": ["api.add_apikey"],
    "revoke": ["api.delete_apikey"],
}


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


class CanManageApiKeys(IsTenantAdmin):
    """The same rule as the admin's API keys screen: viewing needs "add" or "delete" on
    ApiKey, creating needs "add", revoking needs "delete" (superusers have all)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        user = request.user
        needed = ACTION_PERMS.get(getattr(view, "action", ""))
        if needed is not None:
            return user.has_perms(needed)
        return user.has_perm("api.add_apikey") or user.has_perm("api.delete_apikey")
