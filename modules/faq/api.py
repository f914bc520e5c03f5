"""Read-only API of published questions: GET /api/v1/faq-items/ on a portal host."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers
from wagtail.rich_text import expand_db_html

from api.viewsets import ModuleReadOnlyViewSet
from modules.faq.pages import FaqItem
from modules.faq.selectors import faq_items_visible


class FaqItemSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="page.title", read_only=True)
    group_id = serializers.IntegerField(source="page_id", read_only=True)
    answer = serializers.SerializerMethodField(help_text="The answer as HTML, links resolved.")
    url = serializers.SerializerMethodField(help_text="The question's own page.")

    class Meta:
        model = FaqItem
        fields = ["id", "group", "group_id", "question", "slug", "answer", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_answer(self, item: FaqItem) -> str:
        return expand_db_html(item.answer)

    @extend_schema_field(serializers.URLField())
    def get_url(self, item: FaqItem) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(item.page.question_url(item, request._request))


class FaqItemViewSet(ModuleReadOnlyViewSet):
    """Published questions of the FAQ groups the caller may open, group by group in the editors'
    order."""

    module_key = "faq"
    serializer_class = FaqItemSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return faq_items_visible(self.request._request)
