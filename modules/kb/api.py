"""Read-only REST API of knowledge base articles: /api/v1/kb-articles/.

Anyone may call it; like the pages, it lists only the live articles the caller may open
(anonymous callers see public ones, signed-in customers and API keys see what their user may).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers

from api.viewsets import ModuleReadOnlyViewSet
from modules.kb.pages import ArticlePage
from modules.kb.selectors import parent_pages, visible_pages

STEP = 4  # wagtail.models.Page.steplen


class ParentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class ArticleListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["parents"] = parent_pages(items)
        return super().to_representation(items)


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    summary = serializers.CharField(read_only=True)
    body = serializers.SerializerMethodField(help_text="The article body as HTML.")
    section = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    last_published_at = serializers.DateTimeField(read_only=True)

    class Meta:
        list_serializer_class = ArticleListSerializer

    def _request(self):
        request = self.context.get("request")
        return getattr(request, "_request", request)

    def _parent(self, page, levels: int):
        parents = self.context.get("parents")
        if parents is None:
            parents = self.context["parents"] = parent_pages([page])
        parent = parents.get(page.path[: -levels * STEP])
        if parent is None:
            return None
        return {"id": parent.pk, "title": parent.title, "url": parent.get_url(self._request())}

    def get_url(self, page) -> str:
        return page.get_full_url(self._request())

    def get_body(self, page) -> str:
        return str(page.body_html())

    @extend_schema_field(ParentSerializer(allow_null=True))
    def get_section(self, page):
        return self._parent(page, 1)

    @extend_schema_field(ParentSerializer(allow_null=True))
    def get_category(self, page):
        return self._parent(page, 2)

    def get_tags(self, page) -> list[str]:
        return sorted(tag.name for tag in page.tags.all())


class ArticleViewSet(ModuleReadOnlyViewSet):
    """Knowledge base articles this caller may read, most recently updated first."""

    module_key = "kb"
    serializer_class = ArticleSerializer
    permission_classes = [permissions.AllowAny]
    queryset = ArticlePage.objects.none()  # for the schema; get_queryset is the real one

    def get_queryset(self):
        return (
            visible_pages(ArticlePage.objects.all(), self.request)
            .prefetch_related("tags")
            .order_by("-last_published_at", "-pk")
        )
