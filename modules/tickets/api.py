"""The tickets API on a portal host, with the same rules as the pages (permission checks are in
modules.tickets.selectors and modules.tickets.services, shared by both).

Customers (`/api/v1/tickets/`, tickets by their NUMBER):

- GET  /tickets/?status=open|solved|<status>&q=&mine=1     my tickets (POST: submit one)
- GET  /tickets/request-types/                             what may be asked, with its fields
- GET  /tickets/<number>/                                  one ticket
- GET/POST /tickets/<number>/replies/                      the public conversation / reply
- GET/POST /tickets/<number>/attachments/                  files / upload (multipart)
- GET  /tickets/<number>/attachments/<id>/                 download one file
- POST /tickets/<number>/rate/ {"rating", "comment"}       rate a solved ticket
- POST /tickets/<number>/close/ and /reopen/               solved / more help needed
- POST/DELETE /tickets/<number>/cc/ {"email"}              CC someone / stop

Uploading files makes a new public reply that carries them (the reply's text is `body`, or a
line naming the files): like a reply on the page, it tells the agent and opens a pending or
solved ticket again. The files of the ticket's description are sent with the ticket's page.

Agents (`/api/v1/agent/tickets/`, staff who work tickets: anyone else gets a 403, and a ticket
outside an agent's queues is a 404):

- GET   /agent/tickets/?view=unassigned|mine|open|overdue|solved|all&status=&priority=&queue=
        &assignee=&tag=&q=                                 the inbox
- GET   /agent/tickets/<number>/                           one ticket, internal notes and history
- PATCH /agent/tickets/<number>/ {status, priority, queue, assignee, tags, fields}
- POST  /agent/tickets/<number>/assign/ {"assignee"}       assign (null: unassign)
- POST  /agent/tickets/<number>/notes/ {"body"}            internal note
- POST  /agent/tickets/<number>/replies/ {"body", "status"} answer the customer
- GET   /agent/tickets/<number>/attachments/<id>/          download one file

Errors are RFC 7807 problem documents (api.errors: a service's ValidationError is a 400 with
its field errors, its PermissionDenied a 403 with its reason); writes are throttled per person
and tenant ("tickets_write"). Nothing here shows a ticket's reply-by-email token, and customers
never get internal notes or internal files.
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.throttling import TenantWriteThrottle
from api.viewsets import ModuleViewSetMixin
from modules.accounts.selectors import display_name, is_staff_member
from modules.tickets import permissions as ticket_permissions
from modules.tickets import selectors, services, sla
from modules.tickets.models import (
    Attachment,
    Channel,
    CustomField,
    Event,
    FieldKind,
    Message,
    Priority,
    Queue,
    RequestType,
    Status,
    Ticket,
)
from modules.tickets.services import (
    BODY_MAX,
    CC_MAX,
    RATING_COMMENT_MAX,
    SUBJECT_MAX,
    TAG_MAX,
    TAGS_MAX,
)

User = get_user_model()

CUSTOMER_STATUS_FILTERS = ("open", "solved", *Status.values)
RATINGS = [("good", gettext_lazy("Good")), ("bad", gettext_lazy("Bad"))]


# --- shared pieces --------------------------------------------------------------------------------


class AnyMediaRenderer(JSONRenderer):
    """Lets a download be asked for with any Accept header (a PDF reader's); errors on such a
    request are still JSON problem documents."""

    media_type = "*/*"


def download_action(view):
    """`GET <number>/attachments/<id>/` on a ticket viewset: a file sent as a download, documented
    as binary (customers' and agents' viewsets share it)."""
    view = action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-download",
        renderer_classes=[JSONRenderer, AnyMediaRenderer],
    )(view)
    return extend_schema(
        parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as a download."
            )
        },
    )(view)


def _download(attachment: Attachment) -> FileResponse:
    """A ticket's file, always as a download, typed by what its content was found to be."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # who may fetch it depends on who asks: never kept by shared caches
    response["Cache-Control"] = "private, no-store"
    return response


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as its own named enum in the OpenAPI schema: drf-spectacular
    names enums after the field, and "status" or "kind" mean other things in other modules (the
    generator would guess names and warn). An empty value is null when the field allows null."""

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in ("", None) and self.allow_null:
            return None
        return super().to_representation(value)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self) -> str:
        return f"{self.target.enum_name}Enum"

    def map_serializer_field(self, auto_schema, direction):
        choices = self.target.choices
        return {
            "type": "string",
            "enum": list(choices),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.items()),
        }


def _choice(enum_name: str, choices, **kwargs) -> NamedChoiceField:
    return NamedChoiceField(enum_name=enum_name, choices=choices, **kwargs)


def _cc_of(ticket: Ticket) -> list[str]:
    return [p.email for p in ticket.participants.order_by("created_at", "pk")]


def _bad_filter(name: str, value: str, allowed) -> None:
    if value and value not in allowed:
        raise exceptions.ValidationError(
            {name: [_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}]}
        )


@extend_schema_field(
    inline_serializer(
        "TicketPerson",
        fields={"name": serializers.CharField(), "staff": serializers.BooleanField()},
    )
)
class PersonField(serializers.Field):
    """Who wrote something, as customers see it: the shown name (never an address) and whether
    they are staff."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance  # the whole object: an empty author is rendered too

    def to_representation(self, obj):
        author = getattr(obj, self.field_name, None)
        if author is None:
            email = getattr(obj, "author_email", "") or getattr(obj, "guest_email", "")
            name = email.split("@", 1)[0] if email else display_name(None)
            return {"name": name, "staff": False}
        return {"name": display_name(author), "staff": is_staff_member(author)}


@extend_schema_field(
    inline_serializer(
        "TicketAgentPerson",
        fields={
            "id": serializers.IntegerField(allow_null=True),
            "name": serializers.CharField(),
            "email": serializers.CharField(),
        },
        allow_null=True,
    )
)
class AgentPersonField(PersonField):
    """A person as agents see them: id (for filters and assigning), name and address."""

    def to_representation(self, obj):
        person = getattr(obj, self.field_name, None)
        if person is None:
            email = getattr(obj, "author_email", "") or getattr(obj, "guest_email", "")
            if not email:
                return None
            return {"id": None, "name": email.split("@", 1)[0], "email": email}
        return {"id": person.pk, "name": display_name(person), "email": person.email}


class TicketRequestTypeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestType
        fields = ["slug", "name"]
        read_only_fields = fields


class TicketQueueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Queue
        fields = ["id", "name"]
        read_only_fields = fields


class TicketCustomFieldSerializer(serializers.ModelSerializer):
    kind = _choice("TicketFieldKind", FieldKind.choices, read_only=True)

    class Meta:
        model = CustomField
        fields = ["key", "label", "kind", "choices", "required", "help_text"]
        read_only_fields = fields


class TicketRequestTypeSerializer(serializers.ModelSerializer):
    fields = TicketCustomFieldSerializer(many=True, read_only=True)

    class Meta:
        model = RequestType
        fields = ["slug", "name", "description", "fields"]
        read_only_fields = fields


class TicketAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        name = self.context.get("download_route", "api:ticket-attachment-download")
        path = reverse(
            name,
            kwargs={"number": self.context["number"], "attachment_id": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AgentTicketAttachmentSerializer(TicketAttachmentSerializer):
    class Meta(TicketAttachmentSerializer.Meta):
        fields = [*TicketAttachmentSerializer.Meta.fields, "internal"]
        read_only_fields = fields


class TicketMessageSerializer(serializers.ModelSerializer):
    """One public entry of the conversation, as the customer sees it."""

    author = PersonField()
    body_html = serializers.CharField(read_only=True, help_text="The message as safe HTML.")
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "author", "from_agent", "body", "body_html", "created_at", "attachments"]
        read_only_fields = fields

    @extend_schema_field(TicketAttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list:
        # conversation() prefetched them (without internal files for customers)
        return self._attachment_serializer(
            message.attachments.all(), many=True, context=self.context
        ).data

    _attachment_serializer = TicketAttachmentSerializer


class AgentTicketMessageSerializer(TicketMessageSerializer):
    """A reply or an internal note, as agents see it."""

    author = AgentPersonField()
    channel = _choice("TicketChannel", Channel.choices, read_only=True)
    _attachment_serializer = AgentTicketAttachmentSerializer

    class Meta(TicketMessageSerializer.Meta):
        fields = [*TicketMessageSerializer.Meta.fields, "internal", "channel"]
        read_only_fields = fields

    @extend_schema_field(AgentTicketAttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list:
        return super().get_attachments(message)


class TicketEventSerializer(serializers.ModelSerializer):
    kind = _choice("TicketEventKind", Event.Kind.choices, read_only=True)
    kind_label = serializers.SerializerMethodField()
    by = AgentPersonField()

    class Meta:
        model = Event
        fields = ["kind", "kind_label", "by", "old_value", "new_value", "public", "created_at"]
        read_only_fields = fields

    def get_kind_label(self, event: Event) -> str:
        return str(Event.Kind(event.kind).label)


class _TicketBase(serializers.ModelSerializer):
    status = _choice("TicketStatus", Status.choices, read_only=True)
    status_label = serializers.SerializerMethodField()
    request_type = TicketRequestTypeBriefSerializer(read_only=True, allow_null=True)

    def get_status_label(self, ticket: Ticket) -> str:
        return str(Status(ticket.status).label)


# --- customers ------------------------------------------------------------------------------------


class TicketListSerializer(_TicketBase):
    """A row of the customer's list."""

    url = serializers.SerializerMethodField(help_text="The ticket's page.")
    requester = PersonField()
    is_mine = serializers.SerializerMethodField(help_text="The caller asked it (not CC'd).")

    class Meta:
        model = Ticket
        fields = [
            "number",
            "subject",
            "status",
            "status_label",
            "request_type",
            "requester",
            "is_mine",
            "url",
            "created_at",
            "updated_at",
            "solved_at",
        ]
        read_only_fields = fields

    def get_url(self, ticket: Ticket) -> str:
        request = self.context.get("request")
        path = ticket.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path

    def get_is_mine(self, ticket: Ticket) -> bool:
        request = self.context.get("request")
        return bool(request is not None and ticket.requester_id == request.user.pk)


class TicketSerializer(TicketListSerializer):
    """One ticket as its customer sees it: the description with its files, the answers to the
    request type's fields, who is CC'd and the rating."""

    description_html = serializers.CharField(read_only=True, help_text="As safe HTML.")
    fields = serializers.JSONField(
        source="custom_values", read_only=True, help_text="Answers by field key."
    )
    attachments = serializers.SerializerMethodField()
    cc = serializers.SerializerMethodField(help_text="Addresses CC'd on the ticket.")
    merged_into = serializers.SerializerMethodField(
        help_text="The number of the ticket this one was merged into."
    )
    rating = _choice("TicketRating", RATINGS, read_only=True, allow_null=True)

    class Meta(TicketListSerializer.Meta):
        fields = [
            *TicketListSerializer.Meta.fields,
            "description",
            "description_html",
            "fields",
            "attachments",
            "cc",
            "rating",
            "rating_comment",
            "closed_at",
            "merged_into",
        ]
        read_only_fields = fields

    @extend_schema_field(TicketAttachmentSerializer(many=True))
    def get_attachments(self, ticket: Ticket) -> list:
        return TicketAttachmentSerializer(
            selectors.description_attachments(ticket),
            many=True,
            context={**self.context, "number": ticket.number},
        ).data

    def get_cc(self, ticket: Ticket) -> list[str]:
        return _cc_of(ticket)

    def get_merged_into(self, ticket: Ticket) -> int | None:
        return ticket.merged_into.number if ticket.merged_into_id else None


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=SUBJECT_MAX)
    description = serializers.CharField(max_length=BODY_MAX, help_text="Markdown.")
    request_type = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=RequestType.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="A request type's slug (GET /tickets/request-types/).",
    )
    fields = serializers.DictField(
        required=False, help_text="Answers to the request type's fields, by key."
    )
    cc = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        max_length=CC_MAX,
        help_text="Addresses to CC.",
    )

    def validate(self, attrs):
        # the same check the service makes, so a wrong answer is reported under "fields"
        try:
            services.custom_values_clean(attrs.get("request_type"), attrs.get("fields") or {})
        except DjangoValidationError as error:
            raise serializers.ValidationError({"fields": error.message_dict}) from None
        return attrs


class TicketReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, help_text="Markdown.")


class TicketUploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(), help_text="One or more files (repeat the part)."
    )
    body = serializers.CharField(
        max_length=BODY_MAX,
        required=False,
        allow_blank=True,
        help_text="The reply's text (default: a line naming the files).",
    )


class TicketRateSerializer(serializers.Serializer):
    rating = _choice("TicketRating", RATINGS)
    comment = serializers.CharField(max_length=RATING_COMMENT_MAX, required=False, allow_blank=True)


class TicketCcSerializer(serializers.Serializer):
    email = serializers.EmailField()


CC_STATE = inline_serializer("TicketCcList", fields={"cc": serializers.ListField()})


@extend_schema(
    parameters=[
        OpenApiParameter("number", int, OpenApiParameter.PATH, description="The ticket's number."),
    ]
)
class CustomerTicketViewSet(
    ModuleViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's tickets: their own, those they are CC'd on, and their organization's when
    their profile allows it."""

    module_key = "tickets"
    serializer_class = TicketSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, TenantWriteThrottle]
    throttle_scope = "tickets_write"
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"
    queryset = Ticket.objects.none()  # for the schema; get_queryset is the real one

    def get_serializer_class(self):
        return TicketListSerializer if self.action == "list" else super().get_serializer_class()

    def get_queryset(self):
        params = self.request.query_params
        ticket_status = params.get("status", "")
        _bad_filter("status", ticket_status, CUSTOMER_STATUS_FILTERS)
        return selectors.tickets_for_customer(
            user=self.request.user,
            status=ticket_status,
            query=params.get("q", ""),
            mine_only=params.get("mine") in ("1", "true"),
        )

    def get_object(self) -> Ticket:
        return selectors.ticket_get_for_customer(
            user=self.request.user, number=self.kwargs["number"]
        )

    def _ticket(self, ticket: Ticket) -> Response:
        return Response(TicketSerializer(ticket, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(CUSTOMER_STATUS_FILTERS)),
            OpenApiParameter("q", str, description="A number or words of the subject."),
            OpenApiParameter("mine", bool, description="Only the ones the caller asked."),
        ]
    )
    def list(self, request, *args, **kwargs):
        """The caller's tickets, latest activity first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: TicketSerializer})
    def retrieve(self, request, *args, **kwargs):
        """One ticket by its number (404 for a ticket the caller may not see)."""
        return self._ticket(self.get_object())

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        """Submit a request (a verified customer): the answer is the new ticket."""
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_create(
            requester=request.user,
            subject=data.validated_data["subject"],
            description=data.validated_data["description"],
            request_type=data.validated_data.get("request_type"),
            custom_values=data.validated_data.get("fields") or {},
            cc=data.validated_data.get("cc") or (),
            channel=Channel.API,
        )
        ticket = selectors.ticket_get_for_customer(user=request.user, number=ticket.number)
        return Response(
            TicketSerializer(ticket, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: TicketRequestTypeSerializer(many=True)})
    @action(
        detail=False,
        methods=["get"],
        url_path="request-types",
        url_name="request-types",
        serializer_class=TicketRequestTypeSerializer,
        pagination_class=None,
    )
    def request_types(self, request):
        """What a customer may ask about (active request types), each with its fields."""
        types = RequestType.objects.filter(active=True).prefetch_related("fields")
        return Response(TicketRequestTypeSerializer(types, many=True).data)

    @extend_schema(methods=["GET"], responses={200: TicketMessageSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=TicketReplySerializer, responses={201: TicketMessageSerializer}
    )
    @action(detail=True, methods=["get", "post"], serializer_class=TicketMessageSerializer)
    def replies(self, request, number=None):
        """The public conversation after the description, oldest first (POST: reply)."""
        ticket = self.get_object()
        context = {**self.get_serializer_context(), "number": ticket.number}
        if request.method == "POST":
            data = TicketReplySerializer(data=request.data)
            data.is_valid(raise_exception=True)
            message = services.ticket_reply(
                ticket=ticket,
                author=request.user,
                body=data.validated_data["body"],
                channel=Channel.API,
            )
            return Response(
                TicketMessageSerializer(message, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        messages = [
            item
            for item in selectors.conversation(ticket, internal=False)
            if isinstance(item, Message)
        ]
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(
            TicketMessageSerializer(page, many=True, context=context).data
        )

    @extend_schema(methods=["GET"], responses={200: TicketAttachmentSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": TicketUploadSerializer},
        responses={201: TicketMessageSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        serializer_class=TicketAttachmentSerializer,
        pagination_class=None,
    )
    def attachments(self, request, number=None):
        """The ticket's files the customer may see (POST, multipart: upload files in a new
        public reply; `body` is its text)."""
        ticket = self.get_object()
        context = {**self.get_serializer_context(), "number": ticket.number}
        if request.method == "POST":
            data = TicketUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            files = data.validated_data["file"]
            body = (data.validated_data.get("body") or "").strip() or _("Attached: %(names)s") % {
                "names": ", ".join(os.path.basename(f.name or "")[:80] for f in files)
            }
            message = services.ticket_reply(
                ticket=ticket, author=request.user, body=body, files=files, channel=Channel.API
            )
            return Response(
                TicketMessageSerializer(message, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        files = selectors.description_attachments(ticket) + [
            attachment
            for item in selectors.conversation(ticket, internal=False)
            if isinstance(item, Message)
            for attachment in item.attachments.all()
        ]
        return Response(TicketAttachmentSerializer(files, many=True, context=context).data)

    @download_action
    def attachment_download(self, request, number=None, attachment_id=None):
        """Download one of the ticket's files (404 for a file of another ticket)."""
        attachment = selectors.attachment_for_customer(
            user=request.user, number=number, attachment_id=attachment_id
        )
        return _download(attachment)

    @extend_schema(request=TicketRateSerializer, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"], serializer_class=TicketRateSerializer)
    def rate(self, request, number=None):
        """The requester rates the answer of a solved ticket (good or bad, with a comment)."""
        ticket = self.get_object()
        data = TicketRateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.ticket_rate(
            ticket=ticket,
            rating=data.validated_data["rating"],
            comment=data.validated_data.get("comment", ""),
            user=request.user,
        )
        return self._ticket(self.get_object())

    @extend_schema(request=None, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        """The request is done: it becomes solved (and can be rated)."""
        services.ticket_customer_close(ticket=self.get_object(), user=request.user)
        return self._ticket(self.get_object())

    @extend_schema(request=None, responses={200: TicketSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, number=None):
        """More help is needed on a solved request (a closed one takes a new request)."""
        services.ticket_customer_reopen(ticket=self.get_object(), user=request.user)
        return self._ticket(self.get_object())

    @extend_schema(methods=["POST"], request=TicketCcSerializer, responses={200: CC_STATE})
    @extend_schema(
        methods=["DELETE"],
        request=TicketCcSerializer,
        responses={200: CC_STATE},
        parameters=[OpenApiParameter("email", str, description="Or in the body.")],
    )
    @action(detail=True, methods=["post", "delete"], serializer_class=TicketCcSerializer)
    def cc(self, request, number=None):
        """CC someone on the ticket (they see it with an account at that address, and get its
        emails), or stop CC'ing them."""
        ticket = self.get_object()
        payload = request.data if request.data else request.query_params
        data = TicketCcSerializer(data={"email": payload.get("email", "")})
        data.is_valid(raise_exception=True)
        if request.method == "DELETE":
            services.ticket_cc_remove(
                ticket=ticket, email=data.validated_data["email"], by=request.user
            )
        else:
            services.ticket_cc_add(
                ticket=ticket, email=data.validated_data["email"], by=request.user
            )
        return Response({"cc": _cc_of(ticket)})


# --- agents ---------------------------------------------------------------------------------------


class IsAgent(permissions.BasePermission):
    message = gettext_lazy("Only agents who work tickets can use this.")

    def has_permission(self, request, view):
        return ticket_permissions.is_agent(request.user)


class AgentTicketListSerializer(_TicketBase):
    """A row of an agent's inbox."""

    requester = AgentPersonField()
    assignee = AgentPersonField()
    queue = TicketQueueSerializer(read_only=True, allow_null=True)
    priority = _choice("TicketPriority", Priority.choices, read_only=True)
    channel = _choice("TicketChannel", Channel.choices, read_only=True)
    sla_state = serializers.SerializerMethodField(
        help_text='"breached", "near" (within an hour), "ok" or "" (no target, or done).'
    )
    admin_url = serializers.SerializerMethodField(help_text="The ticket in the admin.")

    class Meta:
        model = Ticket
        fields = [
            "number",
            "subject",
            "status",
            "status_label",
            "priority",
            "queue",
            "assignee",
            "requester",
            "request_type",
            "tags",
            "channel",
            "sla_state",
            "first_response_due",
            "resolution_due",
            "created_at",
            "updated_at",
            "admin_url",
        ]
        read_only_fields = fields

    def get_sla_state(self, ticket: Ticket) -> str:
        return sla.state(ticket)

    def get_admin_url(self, ticket: Ticket) -> str:
        request = self.context.get("request")
        path = ticket.get_admin_url()
        return request.build_absolute_uri(path) if request is not None else path


class AgentTicketSerializer(AgentTicketListSerializer):
    """One ticket for an agent: everything, internal notes and the history included."""

    description_html = serializers.CharField(read_only=True)
    fields = serializers.JSONField(source="custom_values", read_only=True)
    attachments = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField(help_text="Replies and internal notes.")
    events = serializers.SerializerMethodField(help_text="What changed, oldest first.")
    cc = serializers.SerializerMethodField()
    merged_into = serializers.SerializerMethodField()
    rating = _choice("TicketRating", RATINGS, read_only=True, allow_null=True)

    class Meta(AgentTicketListSerializer.Meta):
        fields = [
            *AgentTicketListSerializer.Meta.fields,
            "description",
            "description_html",
            "fields",
            "attachments",
            "messages",
            "events",
            "cc",
            "rating",
            "rating_comment",
            "first_response_at",
            "solved_at",
            "closed_at",
            "breached_at",
            "merged_into",
        ]
        read_only_fields = fields

    def _files_context(self, ticket: Ticket) -> dict:
        return {
            **self.context,
            "number": ticket.number,
            "download_route": "api:agent-ticket-attachment-download",
        }

    def _conversation(self, ticket: Ticket) -> list:
        cache = self.context.setdefault("_conversations", {})
        if ticket.pk not in cache:
            cache[ticket.pk] = selectors.conversation(ticket, internal=True)
        return cache[ticket.pk]

    @extend_schema_field(AgentTicketAttachmentSerializer(many=True))
    def get_attachments(self, ticket: Ticket) -> list:
        return AgentTicketAttachmentSerializer(
            selectors.description_attachments(ticket),
            many=True,
            context=self._files_context(ticket),
        ).data

    @extend_schema_field(AgentTicketMessageSerializer(many=True))
    def get_messages(self, ticket: Ticket) -> list:
        items = [item for item in self._conversation(ticket) if isinstance(item, Message)]
        return AgentTicketMessageSerializer(
            items, many=True, context=self._files_context(ticket)
        ).data

    @extend_schema_field(TicketEventSerializer(many=True))
    def get_events(self, ticket: Ticket) -> list:
        items = [item for item in self._conversation(ticket) if isinstance(item, Event)]
        return TicketEventSerializer(items, many=True).data

    def get_cc(self, ticket: Ticket) -> list[str]:
        return _cc_of(ticket)

    def get_merged_into(self, ticket: Ticket) -> int | None:
        return ticket.merged_into.number if ticket.merged_into_id else None


class AgentTicketUpdateSerializer(serializers.Serializer):
    status = _choice("TicketStatus", Status.choices, required=False)
    priority = _choice("TicketPriority", Priority.choices, required=False)
    queue = serializers.PrimaryKeyRelatedField(
        queryset=Queue.objects.all(), required=False, allow_null=True, help_text="A queue's id."
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="An agent's user id (null: unassigned).",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX), max_length=TAGS_MAX, required=False
    )
    fields = serializers.DictField(required=False, help_text="Answers to change, by field key.")


class TicketAssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        help_text="An agent's user id (null: unassigned).",
    )


class AgentTicketReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, help_text="Markdown.")
    status = _choice(
        "TicketStatus",
        Status.choices,
        required=False,
        help_text='The ticket\'s status afterwards (default "pending": awaiting the customer).',
    )


AGENT_VIEW_PARAMETERS = [
    OpenApiParameter("view", str, enum=list(selectors.AGENT_VIEWS), description="Default open."),
    OpenApiParameter("status", str, enum=list(CUSTOMER_STATUS_FILTERS)),
    OpenApiParameter("priority", str, enum=list(Priority.values)),
    OpenApiParameter("queue", str, description='A queue\'s id, or "none".'),
    OpenApiParameter("assignee", str, description='A user id, or "none".'),
    OpenApiParameter("tag", str),
    OpenApiParameter("q", str, description="A number or words of the subject."),
]


@extend_schema(
    parameters=[
        OpenApiParameter("number", int, OpenApiParameter.PATH, description="The ticket's number."),
    ]
)
class AgentTicketViewSet(
    ModuleViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets of the queues the caller works (every queue with "see every queue"), and those
    assigned to them. For staff who work tickets only."""

    module_key = "tickets"
    serializer_class = AgentTicketSerializer
    permission_classes = [permissions.IsAuthenticated, IsAgent]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, TenantWriteThrottle]
    throttle_scope = "tickets_write"
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"
    queryset = Ticket.objects.none()  # for the schema; get_queryset is the real one

    def get_serializer_class(self):
        if self.action == "list":
            return AgentTicketListSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        params = self.request.query_params
        view = params.get("view", "") or "open"
        _bad_filter("view", view, selectors.AGENT_VIEWS)
        _bad_filter("status", params.get("status", ""), CUSTOMER_STATUS_FILTERS)
        _bad_filter("priority", params.get("priority", ""), Priority.values)
        for name in ("queue", "assignee"):
            value = params.get(name, "")
            if value and value != "none" and not value.isdigit():
                raise exceptions.ValidationError({name: [_('An id or "none".')]})
        return selectors.tickets_for_agent(
            user=self.request.user,
            view=view,
            query=params.get("q", ""),
            status=params.get("status", ""),
            priority=params.get("priority", ""),
            queue=params.get("queue", ""),
            assignee=params.get("assignee", ""),
            tag=params.get("tag", "").strip().lower(),
        )

    def get_object(self) -> Ticket:
        return selectors.ticket_get_for_agent(user=self.request.user, number=self.kwargs["number"])

    def _ticket(self, ticket: Ticket) -> Response:
        return Response(AgentTicketSerializer(ticket, context=self.get_serializer_context()).data)

    @extend_schema(parameters=AGENT_VIEW_PARAMETERS)
    def list(self, request, *args, **kwargs):
        """The agent's inbox: the most urgent work first (overdue by due time, the rest by last
        update)."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: AgentTicketSerializer})
    def retrieve(self, request, *args, **kwargs):
        """One ticket with its internal notes and history."""
        return self._ticket(self.get_object())

    @extend_schema(request=AgentTicketUpdateSerializer, responses={200: AgentTicketSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Change status, priority, queue, assignee, tags or field answers (agents who manage
        tickets; each change is recorded, a status change is emailed to the customer)."""
        ticket = self.get_object()
        data = AgentTicketUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "fields" in values:
            try:
                services.custom_values_clean(ticket.request_type, values["fields"], partial=True)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"fields": error.message_dict}) from None
        ticket = services.ticket_update(
            ticket=ticket,
            by=request.user,
            status=values.get("status"),
            priority=values.get("priority"),
            queue=values.get("queue", False),
            assignee=values.get("assignee", False),
            tags=values.get("tags"),
            custom_values=values.get("fields"),
        )
        return self._ticket(ticket)

    @extend_schema(request=TicketAssignSerializer, responses={200: AgentTicketSerializer})
    @action(detail=True, methods=["post"], serializer_class=TicketAssignSerializer)
    def assign(self, request, number=None):
        """Assign the ticket to an agent who may work its queue (null: unassign)."""
        ticket = self.get_object()
        data = TicketAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_update(
            ticket=ticket, by=request.user, assignee=data.validated_data["assignee"]
        )
        return self._ticket(ticket)

    @extend_schema(request=TicketReplySerializer, responses={201: AgentTicketMessageSerializer})
    @action(detail=True, methods=["post"], serializer_class=TicketReplySerializer)
    def notes(self, request, number=None):
        """Add an internal note (customers never see it; light agents may add them)."""
        ticket = self.get_object()
        data = TicketReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.ticket_reply(
            ticket=ticket,
            author=request.user,
            body=data.validated_data["body"],
            internal=True,
            channel=Channel.API,
        )
        return self._message(message, ticket)

    @extend_schema(
        request=AgentTicketReplySerializer, responses={201: AgentTicketMessageSerializer}
    )
    @action(detail=True, methods=["post"], serializer_class=AgentTicketReplySerializer)
    def replies(self, request, number=None):
        """Answer the customer (emailed to them and the people CC'd). Light agents, who may
        only add internal notes, get a 403."""
        ticket = self.get_object()
        data = AgentTicketReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.ticket_reply(
            ticket=ticket,
            author=request.user,
            body=data.validated_data["body"],
            status=data.validated_data.get("status"),
            channel=Channel.API,
        )
        return self._message(message, ticket)

    def _message(self, message: Message, ticket: Ticket) -> Response:
        context = {
            **self.get_serializer_context(),
            "number": ticket.number,
            "download_route": "api:agent-ticket-attachment-download",
        }
        return Response(
            AgentTicketMessageSerializer(message, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    @download_action
    def attachment_download(self, request, number=None, attachment_id=None):
        """Download one of the ticket's files, internal ones included."""
        attachment = selectors.attachment_for_agent(
            user=request.user, number=number, attachment_id=attachment_id
        )
        return _download(attachment)
