"""The ideas board's API on a portal host, with the same rules as its pages (the permission
checks are in modules.ideas.services, shared by both):

- GET  /api/v1/ideas/?sort=trending|top|new&status=&category=   the board (POST: submit one)
- GET  /api/v1/ideas/<id>/                                      one idea
- POST/DELETE /api/v1/ideas/<id>/vote/                          vote / withdraw the vote
- GET/POST    /api/v1/ideas/<id>/comments/                      comments / add one
- POST/DELETE /api/v1/ideas/<id>/follow/                        follow / stop following
- POST /api/v1/ideas/<id>/status/   {"status", "note"}          staff: change the status
- POST /api/v1/ideas/<id>/merge/    {"into"}                    staff: merge into another idea
- POST /api/v1/ideas/<id>/vote-on-behalf/ {"email", "note"}     staff: a customer's vote

Reading needs no sign-in; writing needs a customer who may take part. Errors are RFC 7807
problem documents (api.errors: a service's ValidationError is a 400 with its field errors, a
spent vote budget a 409); writes are throttled per person and tenant ("ideas_write").
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.throttling import TenantWriteThrottle
from api.viewsets import ModuleViewSetMixin
from modules.accounts.selectors import display_name, is_staff_member
from modules.ideas import selectors, services
from modules.ideas.models import Idea, IdeaCategory, IdeaComment, Status
from modules.ideas.services import BODY_MAX, COMMENT_MAX, NOTE_MAX, TITLE_MAX


class VoteBudgetConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "No votes left."
    default_code = "vote_budget_spent"


class AuthorField(serializers.Field):
    """The author's shown name (customer accounts' display name: "Deleted user" once they left)
    and whether they are staff. Reads the whole object: DRF renders an empty `author` as null
    without asking the field."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return {"name": display_name(obj.author), "staff": is_staff_member(obj.author)}


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = IdeaCategory
        fields = ["slug", "name"]
        read_only_fields = fields


class IdeaListSerializer(serializers.ModelSerializer):
    """A row of the board (the description only comes with one idea: rendering the Markdown of
    every row would make the list slow)."""

    url = serializers.SerializerMethodField(help_text="The idea's page.")
    status_label = serializers.SerializerMethodField()
    category = CategorySerializer(read_only=True, allow_null=True)
    author = AuthorField()
    comment_count = serializers.IntegerField(source="comment_total", read_only=True)
    has_voted = serializers.BooleanField(read_only=True, help_text="The caller voted for it.")
    is_following = serializers.BooleanField(read_only=True, help_text="The caller follows it.")

    class Meta:
        model = Idea
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "status",
            "status_label",
            "category",
            "author",
            "vote_count",
            "comment_count",
            "has_voted",
            "is_following",
            "created_at",
            "shipped_at",
        ]
        read_only_fields = fields

    def get_url(self, idea: Idea) -> str:
        request = self.context.get("request")
        path = idea.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path

    def get_status_label(self, idea: Idea) -> str:
        return str(Status(idea.status).label)


class IdeaSerializer(IdeaListSerializer):
    """One idea, with its description."""

    body_html = serializers.CharField(read_only=True, help_text="The description as safe HTML.")

    class Meta(IdeaListSerializer.Meta):
        fields = [*IdeaListSerializer.Meta.fields, "body", "body_html"]
        read_only_fields = fields


class IdeaCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=IdeaCategory.objects.all(),
        required=False,
        allow_null=True,
        help_text="A category's slug.",
    )


class CommentSerializer(serializers.ModelSerializer):
    author = AuthorField()
    body_html = serializers.CharField(read_only=True)

    class Meta:
        model = IdeaComment
        fields = ["id", "author", "body", "body_html", "created_at"]
        read_only_fields = ["id", "author", "body_html", "created_at"]
        extra_kwargs = {"body": {"max_length": COMMENT_MAX}}


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)


class VoteOnBehalfSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The customer's email address.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, help_text="The idea to merge this one into.")


VOTE_STATE = inline_serializer(
    "IdeaVoteState",
    fields={"vote_count": serializers.IntegerField(), "has_voted": serializers.BooleanField()},
)
FOLLOW_STATE = inline_serializer(
    "IdeaFollowState", fields={"is_following": serializers.BooleanField()}
)


@extend_schema(
    parameters=[
        OpenApiParameter("sort", str, enum=list(selectors.SORTS), description="Default trending."),
        OpenApiParameter("status", str, enum=list(Status.values)),
        OpenApiParameter("category", str, description="A category's slug."),
    ]
)
class IdeaViewSet(
    ModuleViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Ideas on the board (merged duplicates are not listed), sorted and filtered like the
    board page."""

    module_key = "ideas"
    serializer_class = IdeaSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, TenantWriteThrottle]
    throttle_scope = "ideas_write"
    queryset = Idea.objects.none()  # for the schema; get_queryset is the real one

    def get_serializer_class(self):
        return IdeaListSerializer if self.action == "list" else super().get_serializer_class()

    def get_queryset(self):
        params = self.request.query_params
        if self.action == "list":
            return selectors.board(
                user=self.request.user,
                sort=params.get("sort") or "trending",
                status=params.get("status") or "",
                category=params.get("category") or "",
            )
        return selectors.with_listing(selectors.ideas_visible(), self.request.user).order_by("pk")

    def _fresh(self, idea: Idea) -> Idea:
        return self.get_queryset().get(pk=idea.pk)

    @extend_schema(request=IdeaCreateSerializer, responses={201: IdeaSerializer})
    def create(self, request, *args, **kwargs):
        data = IdeaCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idea = services.idea_create(
            author=request.user,
            title=data.validated_data["title"],
            body=data.validated_data.get("body", ""),
            category=data.validated_data.get("category"),
        )
        return Response(
            IdeaSerializer(self._fresh(idea), context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["POST"], request=None, responses={201: VOTE_STATE})
    @extend_schema(methods=["DELETE"], request=None, responses={200: VOTE_STATE})
    @action(detail=True, methods=["post", "delete"])
    def vote(self, request, pk=None):
        """Vote for the idea (once per customer) or withdraw the vote."""
        idea = self.get_object()
        if request.method == "DELETE":
            services.idea_unvote(idea=idea, user=request.user)
            code = status.HTTP_200_OK
        else:
            try:
                services.idea_vote(idea=idea, user=request.user)
            except services.VoteBudgetSpent as error:
                raise VoteBudgetConflict(" ".join(error.messages)) from error
            code = status.HTTP_201_CREATED
        # the services counted the votes onto `idea`
        has_voted = request.method != "DELETE"
        return Response({"vote_count": idea.vote_count, "has_voted": has_voted}, status=code)

    @extend_schema(methods=["POST"], request=None, responses={200: FOLLOW_STATE})
    @extend_schema(methods=["DELETE"], request=None, responses={200: FOLLOW_STATE})
    @action(detail=True, methods=["post", "delete"])
    def follow(self, request, pk=None):
        """Follow the idea (emails on status changes) or stop following it."""
        idea = self.get_object()
        if request.method == "DELETE":
            services.idea_unfollow(idea=idea, user=request.user)
        else:
            services.idea_follow(idea=idea, user=request.user)
        return Response({"is_following": request.method != "DELETE"})

    @extend_schema(methods=["GET"], responses={200: CommentSerializer(many=True)})
    @extend_schema(methods=["POST"], request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=CommentSerializer)
    def comments(self, request, pk=None):
        """The idea's comments, oldest first (POST: add one)."""
        idea = self.get_object()
        if request.method == "POST":
            data = CommentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = services.idea_comment(
                idea=idea, author=request.user, body=data.validated_data["body"]
            )
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.idea_comments(idea))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(request=StatusSerializer, responses={200: IdeaSerializer})
    @action(detail=True, methods=["post"], serializer_class=StatusSerializer, url_path="status")
    def set_status(self, request, pk=None):
        """Staff with the ideas permission: move the idea to a status, with a public note
        (voters and followers are emailed)."""
        idea = self.get_object()
        if not services.can_manage(request.user):
            raise exceptions.PermissionDenied("Only staff who manage ideas can do this.")
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.idea_set_status(
            idea=idea,
            status=data.validated_data["status"],
            note=data.validated_data.get("note", ""),
            by=request.user,
        )
        return Response(
            IdeaSerializer(self._fresh(idea), context=self.get_serializer_context()).data
        )

    @extend_schema(request=MergeSerializer, responses={200: IdeaSerializer})
    @action(detail=True, methods=["post"], serializer_class=MergeSerializer)
    def merge(self, request, pk=None):
        """Staff with the ideas permission: merge this idea into another (votes and followers
        move over). Answers with the idea it was merged into."""
        idea = self.get_object()
        if not services.can_manage(request.user):
            raise exceptions.PermissionDenied("Only staff who manage ideas can do this.")
        data = MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        into = selectors.ideas_visible().filter(pk=data.validated_data["into"]).first()
        if into is None:
            raise exceptions.ValidationError({"into": ["There is no such idea."]})
        into = services.idea_merge(duplicate=idea, into=into, by=request.user)
        return Response(
            IdeaSerializer(self._fresh(into), context=self.get_serializer_context()).data
        )

    @extend_schema(request=VoteOnBehalfSerializer, responses={201: VOTE_STATE})
    @action(
        detail=True,
        methods=["post"],
        serializer_class=VoteOnBehalfSerializer,
        url_path="vote-on-behalf",
    )
    def vote_on_behalf(self, request, pk=None):
        """Staff with the ideas permission: record a customer's vote (told on a call, in a
        ticket); it does not use the customer's vote budget."""
        idea = self.get_object()
        if not services.can_manage(request.user):
            raise exceptions.PermissionDenied("Only staff who manage ideas can do this.")
        data = VoteOnBehalfSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.idea_vote_on_behalf(
            idea=idea,
            customer_email=data.validated_data["email"],
            by=request.user,
            note=data.validated_data.get("note", ""),
        )
        return Response(
            {"vote_count": idea.vote_count, "has_voted": False}, status=status.HTTP_201_CREATED
        )
