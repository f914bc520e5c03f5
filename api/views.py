from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.models import Site

from api import services
from api.models import ApiKey
from api.permissions import CanManageApiKeys
from api.serializers import (
    ApiKeyCreatedSerializer,
    ApiKeySerializer,
    PortalSerializer,
    SignupResultSerializer,
    SignupSerializer,
)
from modules import registry


class PortalView(APIView):
    """What this portal is: name, address, language, modules switched on, branding."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=PortalSerializer)
    def get(self, request):
        from cms.models import BrandingSettings

        site = Site.find_for_request(request._request)
        branding = BrandingSettings.load(request_or_site=request._request)
        enabled = registry.enabled_keys(request._request)
        data = {
            "name": site.site_name if site else "",
            "url": request.build_absolute_uri("/"),
            "language": get_language(),
            "modules": [
                {"key": spec.key, "label": str(spec.label), "enabled": spec.key in enabled}
                for spec in registry.all_modules()
            ],
            "branding": {
                "theme": branding.theme,
                "primary_colour": branding.primary_colour,
                "accent_colour": branding.accent_colour,
                "colour_scheme": branding.colour_scheme,
                "font": branding.font,
            },
        }
        return Response(PortalSerializer(data).data)


class ApiKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The tenant's API keys (admins only). Creating returns the key once; revoke with
    POST .../revoke/."""

    serializer_class = ApiKeySerializer
    permission_classes = [CanManageApiKeys]
    queryset = ApiKey.objects.select_related("user")

    @extend_schema(request=ApiKeySerializer, responses={201: ApiKeyCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ApiKeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, token = services.api_key_create(
            user=request.user, name=serializer.validated_data["name"]
        )
        data = ApiKeyCreatedSerializer(key).data
        data["key"] = token
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApiKeySerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        key = services.api_key_revoke(key=self.get_object())
        return Response(ApiKeySerializer(key).data)


class SignupView(APIView):
    """Sign a company up: creates its portal and admin and starts its trial (platform host)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(request=SignupSerializer, responses={201: SignupResultSerializer})
    def post(self, request):
        from cms.ratelimit import client_ip, hit
        from tenants import services as tenant_services

        ip = client_ip(request._request)
        allowed, retry_after = hit("signup", ip, settings.SIGNUP_RATE_LIMIT)
        if not allowed:
            raise Throttled(wait=retry_after)
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = tenant_services.tenant_signup(**serializer.validated_data, ip=ip)
        except tenant_services.SignupError as exc:
            raise ValidationError(exc.errors) from exc
        body = {
            "portal_url": result.portal_url,
            "admin_url": result.admin_url,
            "trial_ends_at": result.tenant.trial_ends_at,
            "handoff_url": result.handoff_url,
        }
        return Response(SignupResultSerializer(body).data, status=status.HTTP_201_CREATED)
