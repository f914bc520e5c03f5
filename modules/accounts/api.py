"""REST API of the signed-in customer's own account: /api/v1/account/{me,export,delete}/.

Same rules as the pages: only the account of whoever is signed in (session on the portal
host, or an API key's user), errors as problem+json, and throttled per user (exports and
deletions, which do real work, more tightly).
"""

from __future__ import annotations

from django.contrib.auth import logout as auth_logout
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.throttling import TenantAnonRateThrottle, TenantUserRateThrottle, TenantWriteThrottle
from api.viewsets import ModuleViewSetMixin
from modules.accounts import selectors, services
from modules.accounts.models import NotificationKind

SWITCHABLE_KINDS = [kind for kind in NotificationKind.values if kind != NotificationKind.ACCOUNT]


class NotificationsSerializer(serializers.Serializer):
    replies = serializers.BooleanField(required=False)
    mentions = serializers.BooleanField(required=False)
    status_changes = serializers.BooleanField(required=False)
    digests = serializers.BooleanField(required=False)


class OrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProfileSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(max_length=80, allow_blank=True, required=False)
    language = serializers.CharField(
        max_length=10,
        allow_blank=True,
        required=False,
        help_text='A language code of the portal ("en", "ru", …) or "" for the portal\'s.',
    )
    avatar_url = serializers.CharField(read_only=True, allow_null=True)
    email_verified = serializers.BooleanField(read_only=True)
    can_participate = serializers.BooleanField(
        read_only=True, help_text="Whether the account may post, reply and vote."
    )
    is_staff = serializers.BooleanField(read_only=True)
    organization = OrganizationSerializer(read_only=True, allow_null=True)
    notifications = NotificationsSerializer(
        required=False, help_text="Email on/off per kind (account messages are always sent)."
    )


class DeleteSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, help_text="The account's password.")


def _profile_data(request, user) -> dict:
    profile = services.profile_get_or_create(user=user)
    wanted = selectors.notification_preferences(user)
    return {
        "email": user.email,
        "display_name": profile.display_name,
        "language": profile.language,
        "avatar_url": request.build_absolute_uri(profile.avatar.url) if profile.avatar else None,
        "email_verified": profile.email_verified_at is not None,
        "can_participate": selectors.can_participate(user),
        "is_staff": selectors.is_staff_member(user),
        "organization": (
            {"id": profile.organization.pk, "name": profile.organization.name}
            if profile.organization
            else None
        ),
        "notifications": {kind: wanted[kind] for kind in SWITCHABLE_KINDS},
    }


class AccountViewSet(ModuleViewSetMixin, viewsets.ViewSet):
    """The signed-in customer's own account."""

    module_key = "accounts"
    permission_classes = [permissions.IsAuthenticated]
    # reads: the API's anon/user throttles; writes: "accounts_write"; exports and deletions
    # have their own limit per account in the services (pages and API alike)
    throttle_classes = [TenantAnonRateThrottle, TenantUserRateThrottle, TenantWriteThrottle]
    throttle_scope = "accounts_write"

    @extend_schema(
        methods=["GET"],
        responses=ProfileSerializer,
        summary="My profile",
        description="The signed-in account: profile, verification, organization, preferences.",
    )
    @extend_schema(
        methods=["PATCH"],
        request=ProfileSerializer,
        responses=ProfileSerializer,
        summary="Change my profile",
        description="Change the display name, language and email preferences.",
    )
    @action(detail=False, methods=["get", "patch"])
    def me(self, request):
        user = request.user
        if request.method == "PATCH":
            serializer = ProfileSerializer(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            profile = services.profile_get_or_create(user=user)
            data = serializer.validated_data
            services.profile_update(
                user=user,
                display_name=data.get("display_name", profile.display_name),
                language=data.get("language", profile.language),
                notifications=data.get("notifications") or {},
            )
        return Response(_profile_data(request, user))

    @extend_schema(
        summary="Download my data",
        description="A zip file with data.json: the account and everything of it in every module.",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        result = services.customer_export(user=request.user)
        response = HttpResponse(result.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(
        summary="Delete my account",
        description=(
            "Deletes the account after checking its password: posts stay, shown as by "
            '"Deleted user"; the profile, preferences and sessions go.'
        ),
        request=DeleteSerializer,
        responses={204: None},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="delete",
        url_name="delete",
    )
    def delete_account(self, request):
        serializer = DeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.auth is not None:
            # an API key acts for an admin; deleting a person takes their own session
            raise PermissionDenied("Sign in as the customer to delete their account.")
        services.customer_delete(user=request.user, password=serializer.validated_data["password"])
        auth_logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
