from rest_framework import serializers

from api.models import ApiKey


class ApiKeySerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at", "revoked_at"]


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="The full key. Shown only once.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]


class ModuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    enabled = serializers.BooleanField()


class BrandingSerializer(serializers.Serializer):
    theme = serializers.CharField()
    primary_colour = serializers.CharField()
    accent_colour = serializers.CharField()
    colour_scheme = serializers.CharField()
    font = serializers.CharField()


class PortalSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField()
    language = serializers.CharField()
    modules = ModuleSerializer(many=True)
    branding = BrandingSerializer()


class SignupSerializer(serializers.Serializer):
    company_name = serializers.CharField(max_length=100)
    subdomain = serializers.CharField(max_length=255)  # the DNS rules are checked by the service
    admin_name = serializers.CharField(max_length=150)
    admin_email = serializers.EmailField(max_length=150)
    admin_password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=256)


class SignupResultSerializer(serializers.Serializer):
    portal_url = serializers.URLField()
    admin_url = serializers.URLField()
    trial_ends_at = serializers.DateTimeField()
    handoff_url = serializers.URLField(
        help_text="Open within 60 seconds to be signed in on the portal's admin (single use)."
    )
