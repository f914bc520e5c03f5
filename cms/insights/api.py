"""API of the platform's feedback and search: POST /api/v1/feedback/, GET /api/v1/search/.

Both answer for the calling visitor: a vote on a page the caller may not open (private, draft,
another tenant's id, a switched-off module) is a 404, and search lists only what the caller may
see. Errors are RFC 7807 problem+json like the rest of the API.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import PageNumberPagination
from cms.insights import selectors, services
from cms.insights.models import COMMENT_MAX
from cms.insights.views import FEEDBACK_RATE, rate_limited
from cms.search import portal_search, resolve
from modules import registry


class FeedbackSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, help_text="Id of the page voted on.")
    helpful = serializers.BooleanField()
    comment = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, default=""
    )


class FeedbackResultSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    helpful = serializers.BooleanField()
    has_comment = serializers.BooleanField()


class FeedbackView(APIView):
    """Vote "Was this helpful?" on a page, with an optional comment. One vote per visitor and
    page (a signed-in user or API key's user, otherwise the client): voting again changes it."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=FeedbackSerializer,
        responses={201: FeedbackResultSerializer},
        summary="Vote on a page's helpfulness",
    )
    def post(self, request):
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        page = selectors.page_for_feedback(page_id=data["page"], request=request._request)
        wait = rate_limited(
            request._request,
            "insights-feedback",
            getattr(settings, "INSIGHTS_FEEDBACK_RATE", FEEDBACK_RATE),
        )
        if wait is not None:
            raise exceptions.Throttled(wait=wait)
        request._request.user = request.user  # the API key's user votes as that user
        record, _flag = services.feedback_submit(
            page=page, request=request._request, helpful=data["helpful"], comment=data["comment"]
        )
        return Response(
            {"page": page.pk, "helpful": record.helpful, "has_comment": bool(record.comment)},
            status=status.HTTP_201_CREATED,
        )


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()
    snippet = serializers.CharField()
    kind = serializers.CharField(help_text="What the result is, e.g. “Knowledge base”.")
    module = serializers.CharField(help_text="Registry key of its module; “page” for pages.")


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, trim_whitespace=True)
    module = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, enabled=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enabled = enabled

    def validate_module(self, value):
        if value and value != "page" and value not in self.enabled:
            raise serializers.ValidationError("Unknown or switched-off module.")
        return value


class SearchPagination(PageNumberPagination):
    page_size = 10


class SearchView(APIView):
    """Search the portal's pages and every switched-on module, as the caller: only what the
    caller may open is listed. Filter with `module` (a module key, or `page`)."""

    permission_classes = [permissions.AllowAny]
    pagination_class = SearchPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="The query (max 200 chars)."),
            OpenApiParameter("module", str, description="Only results of this module."),
            OpenApiParameter("page", int, description="Page of results."),
            OpenApiParameter("page_size", int, description="Results per page (max 100)."),
        ],
        responses=SearchHitSerializer(many=True),
        summary="Search the portal",
    )
    def get(self, request):
        django_request = request._request
        django_request.user = request.user
        params = SearchParamsSerializer(
            data=request.query_params, enabled=registry.enabled_keys(django_request)
        )
        params.is_valid(raise_exception=True)
        module = params.validated_data["module"] or None
        results = portal_search(
            params.validated_data["q"],
            django_request,
            module="" if module == "page" else module,
        )
        paginator = self.pagination_class()
        hits = resolve(paginator.paginate_queryset(results.hits, request, view=self))
        if request.query_params.get("page", "1") == "1":  # like the results page: once a query
            services.search_log(
                request=django_request,
                raw=params.validated_data["q"],
                results=paginator.page.paginator.count,
                module=module or "",
            )
        rows = [
            {
                "title": hit.title,
                "url": request.build_absolute_uri(hit.url) if hit.url else "",
                "snippet": hit.snippet[:240],
                "kind": hit.kind,
                "module": hit.module or "page",
            }
            for hit in hits
        ]
        return paginator.get_paginated_response(SearchHitSerializer(rows, many=True).data)
