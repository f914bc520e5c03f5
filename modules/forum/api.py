"""The forum's API on a portal host, with the same rules as its pages (modules.forum.selectors):

- GET  /api/v1/forum-categories/                     categories the caller may read
- GET  /api/v1/forum-topics/?category=<slug>&solved= topics (POST: open one)
- GET  /api/v1/forum-topics/<id>/                    one topic
- GET  /api/v1/forum-topics/<id>/replies/            its replies (POST: answer)
- POST/DELETE /api/v1/forum-topics/<id>/vote/        vote / withdraw
- POST/DELETE /api/v1/forum-topics/<id>/replies/<reply id>/vote/
- POST /api/v1/forum-topics/<id>/accept/             {"reply": id} the accepted answer

Errors are RFC 7807 problem documents (api.errors: a service's ValidationError is a 400 with
its field errors, PermissionDenied a 403 with its reason); writes are throttled per person and
tenant (api.throttling.TenantWriteThrottle, scope "forum_write").
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api.throttling import TenantAnonRateThrottle, TenantUserRateThrottle, TenantWriteThrottle
from api.viewsets import ModuleReadOnlyViewSet, ModuleViewSetMixin
from modules.accounts.selectors import display_name, is_staff_member
from modules.forum import selectors, services
from modules.forum.models import ForumCategory, Reply, Topic, TopicKind


class CategorySerializer(serializers.ModelSerializer):
    topic_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ForumCategory
        fields = ["id", "name", "slug", "description", "visibility", "topic_count"]
        read_only_fields = fields


class AuthorField(serializers.Field):
    """A post's author as shown beside it; given the whole post (source="*"), since DRF writes
    null for a field whose value is None without asking the field."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, post):
        return {"name": display_name(post.author), "staff": is_staff_member(post.author)}


class TopicSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = AuthorField(help_text='{"name", "staff"}; name "Deleted user" for a deleted account')
    solved = serializers.BooleanField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id", "category", "kind", "title", "body", "body_html", "author", "state", "pinned",
            "locked", "closed", "solved", "accepted_reply", "merged_into", "score",
            "reply_count", "created_at", "last_activity_at", "url",
        ]  # fmt: skip
        read_only_fields = fields


class TopicCreateSerializer(serializers.Serializer):
    category = serializers.SlugField(help_text="The category's slug.")
    kind = serializers.ChoiceField(choices=TopicKind.choices, default=TopicKind.QUESTION)
    title = serializers.CharField(max_length=services.TITLE_MAX)
    body = serializers.CharField(max_length=services.BODY_MAX)


class ReplySerializer(serializers.ModelSerializer):
    author = AuthorField()
    accepted = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["id", "topic", "body", "body_html", "author", "state", "score", "accepted"]
        read_only_fields = fields

    def get_accepted(self, reply) -> bool:
        topic = self.context.get("topic")
        return topic is not None and topic.accepted_reply_id == reply.pk


class ReplyCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.BODY_MAX)


class AcceptSerializer(serializers.Serializer):
    reply = serializers.IntegerField()
    accept = serializers.BooleanField(default=True)


class _ForumPermission(permissions.BasePermission):
    """Reading follows category visibility (done by the selectors); writing needs an account
    that may take part."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return selectors.can_participate(request.user)


class CategoryViewSet(ModuleReadOnlyViewSet):
    """Forum categories the caller may read, in the forum's order."""

    module_key = "forum"
    serializer_class = CategorySerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.categories_with_topic_counts(self.request.user)


class TopicViewSet(
    ModuleViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Topics the caller may read; signed-in customers open topics, reply, vote and accept."""

    module_key = "forum"
    serializer_class = TopicSerializer
    permission_classes = [_ForumPermission]
    throttle_classes = [TenantAnonRateThrottle, TenantUserRateThrottle, TenantWriteThrottle]
    throttle_scope = "forum_write"

    def get_queryset(self):
        solved = {"true": "solved", "false": "unsolved"}.get(
            self.request.query_params.get("solved", ""), ""
        )
        queryset = selectors.topic_list(user=self.request.user, solved=solved)
        slug = self.request.query_params.get("category")
        return queryset.filter(category__slug=slug) if slug else queryset

    def get_object(self):
        try:
            topic_id = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise NotFound() from None
        return selectors.topic_get_for_user(user=self.request.user, topic_id=topic_id)

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, description="Only this category (slug)."),
            OpenApiParameter("solved", str, enum=["true", "false"], description="Questions only."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TopicCreateSerializer, responses={201: TopicSerializer})
    def create(self, request, *args, **kwargs):
        data = TopicCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = (
            selectors.categories_visible(request.user)
            .filter(slug=data.validated_data["category"])
            .first()
        )
        if category is None:
            raise ValidationError({"category": ["No such category."]})
        topic = services.topic_create(
            author=request.user,
            category=category,
            title=data.validated_data["title"],
            body=data.validated_data["body"],
            kind=data.validated_data["kind"],
        )
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], responses={200: ReplySerializer(many=True)}, description="Replies."
    )
    @extend_schema(
        methods=["POST"],
        request=ReplyCreateSerializer,
        responses={201: ReplySerializer},
        description="Answer in the topic.",
    )
    @action(detail=True, methods=["get", "post"], serializer_class=ReplySerializer)
    def replies(self, request, pk=None):
        topic = self.get_object()
        if request.method == "GET":
            queryset = selectors.replies_visible(user=request.user, topic=topic)
            page = self.paginate_queryset(queryset)
            serializer = ReplySerializer(page, many=True, context={"topic": topic})
            return self.get_paginated_response(serializer.data)
        data = ReplyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_create(
            author=request.user, topic=topic, body=data.validated_data["body"]
        )
        return Response(
            ReplySerializer(reply, context={"topic": topic}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "ForumVote",
                {"voted": serializers.BooleanField(), "score": serializers.IntegerField()},
            )
        },
        description="POST votes for the topic (once per person), DELETE withdraws the vote.",
    )
    @action(detail=True, methods=["post", "delete"])
    def vote(self, request, pk=None):
        topic = self.get_object()
        up = request.method == "POST"
        services.topic_vote(user=request.user, topic=topic, up=up)
        topic.refresh_from_db(fields=["score"])
        return Response({"voted": up, "score": topic.score})

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "ForumReplyVote",
                {"voted": serializers.BooleanField(), "score": serializers.IntegerField()},
            )
        },
        description="POST votes for a reply (once per person), DELETE withdraws the vote.",
    )
    @action(detail=True, methods=["post", "delete"], url_path=r"replies/(?P<reply_id>\d+)/vote")
    def reply_vote(self, request, pk=None, reply_id=None):
        topic = self.get_object()
        reply = (
            selectors.replies_visible(user=request.user, topic=topic).filter(pk=reply_id).first()
        )
        if reply is None:
            raise NotFound()
        up = request.method == "POST"
        services.reply_vote(user=request.user, reply=reply, up=up)
        reply.refresh_from_db(fields=["score"])
        return Response({"voted": up, "score": reply.score})

    @extend_schema(request=AcceptSerializer, responses={200: TopicSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Mark a reply as the accepted answer (the asker, staff or a moderator)."""
        topic = self.get_object()
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = (
            selectors.replies_visible(user=request.user, topic=topic)
            .filter(pk=data.validated_data["reply"])
            .first()
        )
        if reply is None:
            raise ValidationError({"reply": ["No such reply in this topic."]})
        topic = services.reply_accept(
            user=request.user, reply=reply, accept=data.validated_data["accept"]
        )
        return Response(TopicSerializer(topic).data)
