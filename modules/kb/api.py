"""Read-only REST API of the knowledge base: /api/v1/kb-categories/, /api/v1/kb-sections/ and
/api/v1/kb-articles/.

Anyone may call it; like the pages, it lists only the live pages the caller may open (anonymous
callers see public ones, signed-in customers and API keys see what their user may). Every list
takes `?language=` (a translation tree: en, ru, ...); articles also `?section=` and `?category=`.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers

from api.viewsets import ModuleReadOnlyViewSet
from modules.kb.pages import ArticlePage, CategoryPage, SectionPage
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
    language = serializers.CharField(source="locale.language_code", read_only=True)
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


LANGUAGE_PARAMETER = OpenApiParameter(
    "language",
    OpenApiTypes.STR,
    description="Only pages of this translation (a language code such as en or ru).",
    enum=[code for code, _name in settings.LANGUAGES],
)


def _in_language(queryset, request):
    language = request.query_params.get("language")
    if not language:
        return queryset
    if language not in dict(settings.LANGUAGES):
        raise exceptions.ValidationError({"language": ["Not a language of this platform."]})
    return queryset.filter(locale__language_code=language)


def _page_id(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise exceptions.ValidationError({name: ["A page id (a whole number)."]}) from None


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    icon = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    language = serializers.CharField(source="locale.language_code", read_only=True)

    def get_url(self, page) -> str:
        request = self.context.get("request")
        return page.get_full_url(getattr(request, "_request", request))


class SectionSerializer(CategorySerializer):
    icon = None
    category = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_category(self, page):
        return self.context.get("categories", {}).get(page.path[:-STEP])


@extend_schema(parameters=[LANGUAGE_PARAMETER])
class CategoryViewSet(ModuleReadOnlyViewSet):
    """Knowledge base categories this caller may open, in the editors' order."""

    module_key = "kb"
    serializer_class = CategorySerializer
    permission_classes = [permissions.AllowAny]
    queryset = CategoryPage.objects.none()

    def get_queryset(self):
        pages = visible_pages(CategoryPage.objects.all(), self.request)
        return _in_language(pages, self.request).select_related("locale").order_by("path")


@extend_schema(parameters=[LANGUAGE_PARAMETER])
class SectionViewSet(ModuleReadOnlyViewSet):
    """Knowledge base sections this caller may open, with the id of their category."""

    module_key = "kb"
    serializer_class = SectionSerializer
    permission_classes = [permissions.AllowAny]
    queryset = SectionPage.objects.none()

    def get_queryset(self):
        pages = visible_pages(SectionPage.objects.all(), self.request)
        return _in_language(pages, self.request).select_related("locale").order_by("path")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["categories"] = dict(CategoryPage.objects.values_list("path", "pk"))
        return context


@extend_schema(
    parameters=[
        LANGUAGE_PARAMETER,
        OpenApiParameter("section", OpenApiTypes.INT, description="Only this section's."),
        OpenApiParameter("category", OpenApiTypes.INT, description="Only this category's."),
    ]
)
class ArticleViewSet(ModuleReadOnlyViewSet):
    """Knowledge base articles this caller may read, most recently updated first."""

    module_key = "kb"
    serializer_class = ArticleSerializer
    permission_classes = [permissions.AllowAny]
    queryset = ArticlePage.objects.none()  # for the schema; get_queryset is the real one

    def get_queryset(self):
        pages = visible_pages(ArticlePage.objects.all(), self.request)
        for name, model in (("section", SectionPage), ("category", CategoryPage)):
            parent_id = _page_id(self.request, name)
            if parent_id is not None:
                parent = model.objects.filter(pk=parent_id).first()
                pages = pages.descendant_of(parent) if parent else pages.none()
        return (
            _in_language(pages, self.request)
            .select_related("locale")
            .prefetch_related("tags")
            .order_by("-last_published_at", "-pk")
        )
