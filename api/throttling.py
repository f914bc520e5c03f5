from django.db import connection
from rest_framework import throttling


class _TenantScoped:
    """Throttle counters are per tenant (the cache key function adds the schema as well)."""

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        return f"{connection.schema_name}:{key}" if key else key


class TenantAnonRateThrottle(_TenantScoped, throttling.AnonRateThrottle):
    pass


class TenantUserRateThrottle(_TenantScoped, throttling.UserRateThrottle):
    pass
