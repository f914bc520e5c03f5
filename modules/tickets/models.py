"""Tickets: a customer's request to the company, followed until it is solved.

Customers see their tickets at /tickets/ (and guests through a signed link); agents work them in
the admin (Tickets in the main menu). Every write goes through modules.tickets.services (which
also records the history and queues the emails), every read that decides who sees what through
modules.tickets.selectors.

Who sees a ticket:
- its requester, the people CC'd on it, and members of the requester's organization who may see
  their organization's content (accounts' `CustomerProfile.can_see_organization`);
- agents who may work its queue (a django-guardian object permission on `Queue`, given to
  groups), agents it is assigned to, and staff with `tickets.view_all_tickets`.
Internal notes are never shown to customers.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from cms.markdown import render_markdown

FIRST_NUMBER = 1001
NUMBER_SEQUENCE = "tickets_ticket_number_seq"


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PENDING = "pending", pgettext_lazy("ticket status", "Awaiting your reply")
    ON_HOLD = "on_hold", pgettext_lazy("ticket status", "On hold")
    SOLVED = "solved", pgettext_lazy("ticket status", "Solved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


# Statuses in which the ticket still needs the company (SLA clocks run, "open" filters).
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
DONE_STATUSES = (Status.SOLVED, Status.CLOSED)


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("ticket priority", "Low")
    NORMAL = "normal", pgettext_lazy("ticket priority", "Normal")
    HIGH = "high", pgettext_lazy("ticket priority", "High")
    URGENT = "urgent", pgettext_lazy("ticket priority", "Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Channel(models.TextChoices):
    WEB = "web", _("Portal")
    EMAIL = "email", _("Email")
    API = "api", _("API")
    AGENT = "agent", _("Agent")


class Queue(models.Model):
    """A group's inbox (billing, technical, ...). Agents see the tickets of the queues their
    groups may work (django-guardian object permissions `work_queue`, and `reply_queue` to
    answer customers; a light agent has only the first). Request types route new tickets to a
    queue."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        permissions = [
            ("work_queue", _("Can see and work the queue's tickets")),
            ("reply_queue", _("Can reply publicly on the queue's tickets")),
        ]

    def __str__(self) -> str:
        return self.name


class RequestType(ClusterableModel):
    """What a customer chooses first when submitting ("Billing question", "Bug report"): it
    decides the ticket's custom fields, its queue and its starting priority."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=250, blank=True)
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request_types",
        verbose_name=_("queue"),
    )
    default_priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    active = models.BooleanField(_("offered to customers"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("queue"),
        FieldPanel("default_priority"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
        InlinePanel("fields", label=_("Fields")),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:80] or "request"
        super().save(*args, **kwargs)


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", pgettext_lazy("kind of field", "Number")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")
    CHECKBOX = "checkbox", _("Checkbox")


class CustomField(models.Model):
    """A question a request type asks (an order number, the app version): its answer is kept
    in `Ticket.custom_values` under `key`."""

    request_type = ParentalKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    label = models.CharField(_("label"), max_length=120)
    key = models.SlugField(
        _("key"), max_length=60, help_text=_("Where the answer is stored; letters and digits.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FieldKind.choices)
    choices = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        verbose_name=_("choices"),
        help_text=_("For a choice field: the options, comma-separated."),
    )
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=250, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("label"),
        FieldPanel("key"),
        FieldPanel("kind"),
        FieldPanel("choices"),
        FieldPanel("required"),
        FieldPanel("help_text"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        constraints = [
            models.UniqueConstraint(fields=["request_type", "key"], name="tickets_field_key")
        ]

    def __str__(self) -> str:
        return self.label


class Ticket(models.Model):
    """One request. `number` is the tenant's own ticket number (1001, 1002, ... from a database
    sequence, so concurrent submissions never share one). The first message is `description`;
    everything after is a `Message`. Guests (no account) have `guest_email` and follow the ticket
    through a signed link; the ticket becomes theirs when they sign up with that address."""

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    request_type = models.ForeignKey(
        RequestType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("request type"),
    )
    custom_values = models.JSONField(_("fields"), default=dict, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("requester"),
    )
    guest_email = models.EmailField(_("guest email"), blank=True)
    guest_name = models.CharField(_("guest name"), max_length=120, blank=True)
    # The requester's organization when the ticket was opened (who else may see it).
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("organization"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    queue = models.ForeignKey(
        Queue,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("queue"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(max_length=16, default="en", editable=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # SLA targets (modules.tickets.sla): set from the policy of the ticket's priority
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    breached_at = models.DateTimeField(_("SLA breached"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    rating = models.CharField(
        _("satisfaction"),
        max_length=4,
        blank=True,
        choices=[("good", _("Good")), ("bad", _("Bad"))],
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # Part of the reply-by-email address; never shown on a page.
    reply_token = models.CharField(max_length=32, default="", editable=False)
    # The words of the subject and description for the customers' and agents' search, kept by
    # PostgreSQL itself ("simple": no stemming, so a word in any language is found as typed).
    search_vector = models.GeneratedField(
        expression=SearchVector("subject", weight="A", config="simple")
        + SearchVector("description", weight="B", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [
            ("view_all_tickets", _("Can see every queue's tickets")),
            ("manage_tickets", _("Can work tickets (assign, change status, internal notes)")),
            ("reply_tickets", _("Can reply publicly to customers")),
            ("view_ticket_reports", _("Can see ticket reports")),
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="tickets_status_updated"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_status"),
            models.Index(fields=["queue", "status"], name="tickets_queue_status"),
            models.Index(fields=["requester", "-updated_at"], name="tickets_requester"),
            models.Index(fields=["organization", "-updated_at"], name="tickets_organization"),
            models.Index(fields=["-created_at"], name="tickets_created"),
            models.Index(fields=["-updated_at", "-id"], name="tickets_recent"),
            GinIndex(fields=["search_vector"], name="tickets_search"),
            # the "overdue" view and SLA escalation: active tickets by their due times
            models.Index(
                fields=["resolution_due"],
                name="tickets_active_resolution_due",
                condition=models.Q(
                    merged_into__isnull=True, status__in=["new", "open", "pending", "on_hold"]
                ),
            ),
            models.Index(
                fields=["first_response_due"],
                name="tickets_active_first_due",
                condition=models.Q(
                    merged_into__isnull=True,
                    first_response_at__isnull=True,
                    status__in=["new", "open", "pending", "on_hold"],
                ),
            ),
            # the agents' "open" view, newest activity first, without sorting every ticket; it
            # also holds what the views' counts need, so counting reads no table rows
            models.Index(
                fields=["-updated_at", "-id"],
                include=[
                    "status",
                    "assignee",
                    "queue",
                    "first_response_at",
                    "first_response_due",
                    "resolution_due",
                ],
                name="tickets_active_recent",
                condition=models.Q(
                    merged_into__isnull=True, status__in=["new", "open", "pending", "on_hold"]
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    def save(self, *args, **kwargs):
        if not self.reply_token:
            self.reply_token = uuid.uuid4().hex[:16]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The customer's page of the ticket (signed in)."""
        return reverse("tickets:detail", kwargs={"number": self.number})

    @property
    def url(self) -> str:
        return self.get_absolute_url()

    def get_admin_url(self) -> str:
        return reverse("tickets_admin:ticket", kwargs={"number": self.number})

    @cached_property
    def description_html(self) -> str:
        return render_markdown(self.description)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def contact_email(self) -> str:
        return self.requester.email if self.requester_id else self.guest_email

    # Tickets are not in the search index: they are private, never in the portal's search,
    # and indexing each one inside its submission made concurrent submissions wait on (and
    # deadlock over) the shared index table. Customers and agents filter their own lists.


class Message(models.Model):
    """One entry in a ticket's conversation after its description: a public reply (from the
    customer, a CC'd person or an agent) or an internal note that only agents see."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticket_messages",
    )
    # For a message from a guest or by email from an address without an account
    author_email = models.EmailField(blank=True)
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("internal note"), default=False)
    from_agent = models.BooleanField(default=False)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="tickets_message_order")]

    def __str__(self) -> str:
        return Truncator(self.body).chars(40)

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body)


def attachment_path(instance: Attachment, filename: str) -> str:
    # /media/ never serves "private/" (cms.views.PROTECTED_MEDIA): the ticket's pages do, as a
    # download, to the people who may see the ticket.
    return f"private/tickets/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A file on a ticket or one of its messages, kept in the tenant's media under the protected
    `private/tickets/` folder and served as a download only through the ticket's pages and API."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.filename


class Participant(models.Model):
    """Someone CC'd on a ticket: they see it, may reply, and get its emails. A person without an
    account is kept by address and becomes a user link when they sign up."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ticket_participations",
    )
    email = models.EmailField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "email"], name="tickets_one_cc_per_address")
        ]

    def __str__(self) -> str:
        return self.email


class Event(models.Model):
    """One change of a ticket (status, priority, assignment, queue, tags, merge, link, SLA
    escalation, rating): the audit trail agents see beside the conversation, and what reports
    count. Public events (status changes) are shown to the customer too."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        ASSIGNED = "assigned", _("Assigned")
        QUEUE = "queue", _("Queue changed")
        TAGS = "tags", _("Tags changed")
        FIELDS = "fields", _("Fields changed")
        CC = "cc", _("CC changed")
        MERGED = "merged", _("Merged")
        LINKED = "linked", _("Linked")
        ESCALATED = "escalated", _("Escalated")
        RATED = "rated", _("Rated")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_value = models.CharField(max_length=250, blank=True)
    new_value = models.CharField(max_length=250, blank=True)
    public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["kind", "created_at"], name="tickets_event_kind")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind}: {self.old_value} → {self.new_value}"


class Link(models.Model):
    """A ticket linked to something another module has (a KB article, an idea), found through
    the module registry's "ticket_link" hooks. Linking an idea makes the requester follow it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links")
    module = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    title = models.CharField(max_length=250)
    url = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "module", "object_id"], name="tickets_one_link_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.module}:{self.object_id}"


class CannedResponse(models.Model):
    """A reply agents insert with one click. Placeholders: {{ requester_name }},
    {{ ticket_number }}, {{ subject }}, {{ agent_name }}, {{ portal_url }}."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Markdown. Placeholders: {{ requester_name }}, {{ ticket_number }}, {{ subject }}, "
            "{{ agent_name }}, {{ portal_url }}."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("body")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return self.title


class SlaPolicy(models.Model):
    """How fast a ticket of one priority must get its first answer and be solved, in business
    hours (Settings → Tickets sets the hours)."""

    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField(_("first response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("solved within (minutes)"))

    panels = [
        FieldPanel("priority"),
        FieldPanel("first_response_minutes"),
        FieldPanel("resolution_minutes"),
    ]

    class Meta:
        ordering = ["priority"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return str(Priority(self.priority).label)


class Suggestion(models.Model):
    """ "Ask once": one ticket form's search for answers while its subject was typed. Records what
    was offered, whether the customer opened one, and whether they still sent the ticket
    (deflection is: offered, opened, not sent)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(max_length=200)
    offered = models.PositiveSmallIntegerField(default=0)
    opened_url = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="tickets_suggestion_created")]

    def __str__(self) -> str:
        return self.query


class InboundEmail(models.Model):
    """An email received for this portal (a reply to a ticket, or a new request to the support
    address). Stored first, processed once: its Message-ID is unique, and the ticket change is
    written in the same transaction that marks the row processed (`message_id_header` is the
    email's Message-ID)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("received email", "Pending")
        PROCESSED = "processed", _("Processed")
        REJECTED = "rejected", _("Rejected")

    message_id_header = models.CharField(max_length=250, unique=True)
    recipient = models.CharField(max_length=250)
    sender = models.EmailField()
    sender_name = models.CharField(max_length=120, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    body_text = models.TextField(blank=True)
    raw = models.BinaryField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="tickets_inbound_status")]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


@register_setting(icon="help")
class TicketSettings(BaseGenericSetting):
    """How the tenant's tickets work (Settings → Tickets)."""

    guests_can_submit = models.BooleanField(
        _("guests can submit tickets"),
        default=False,
        help_text=_("People without an account submit with their email address."),
    )
    max_attachment_mb = models.PositiveIntegerField(_("largest attachment (MB)"), default=10)
    max_attachments = models.PositiveIntegerField(_("attachments per message"), default=5)
    business_timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    business_days = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        verbose_name=_("working days"),
        help_text=_("0 = Monday … 6 = Sunday; empty means Monday to Friday."),
    )
    business_start = models.TimeField(_("working day starts"), default="09:00")
    business_end = models.TimeField(_("working day ends"), default="17:00")
    auto_close_days = models.PositiveIntegerField(_("close solved tickets after (days)"), default=4)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("guests_can_submit"),
                FieldPanel("max_attachment_mb"),
                FieldPanel("max_attachments"),
                FieldPanel("auto_close_days"),
            ],
            heading=_("Submitting"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("business_timezone"),
                FieldPanel("business_days"),
                FieldPanel("business_start"),
                FieldPanel("business_end"),
            ],
            heading=_("Business hours"),
        ),
    ]

    class Meta:
        verbose_name = _("Tickets")
