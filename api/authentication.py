from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.services import api_key_authenticate
from cms import limits


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <prefix>.<secret>` — a tenant admin's key for this tenant only
    (keys live in the tenant's schema, so another tenant's key is simply unknown here)."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, token = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        key = api_key_authenticate(token.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        if not limits.api_allowed(getattr(request, "tenant", None)):
            raise exceptions.PermissionDenied(
                _("API access is not included in this portal's plan; upgrade to use API keys.")
            )
        return key.user, key

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """Customers and staff signed in on the portal host (CSRF enforced on writes)."""
