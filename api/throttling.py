from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from rest_framework import throttling
from rest_framework.settings import api_settings


class _TenantScoped:
    """Throttle counters are per tenant (the cache key function adds the schema as well)."""

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        return f"{connection.schema_name}:{key}" if key else key


class TenantAnonRateThrottle(_TenantScoped, throttling.AnonRateThrottle):
    pass


class TenantUserRateThrottle(_TenantScoped, throttling.UserRateThrottle):
    pass


class TenantWriteThrottle(_TenantScoped, throttling.ScopedRateThrottle):
    """Writes (POST, PUT, PATCH, DELETE) per person and tenant, at the rate of the view's
    `throttle_scope` in DEFAULT_THROTTLE_RATES; reads are left to the anon/user throttles. A
    module's viewset adds it with `throttle_scope = "<module>_write"`."""

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        # Read when asked, not when DRF imported the class (SimpleRateThrottle.THROTTLE_RATES is
        # a copy taken at import): a rate changed in settings applies at once.
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No rate for the throttle scope {self.scope!r}.")
        return rates[self.scope]
