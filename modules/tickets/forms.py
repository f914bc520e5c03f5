"""Forms of the customers' ticket pages: they parse input; the services decide and write (a
request type's questions are checked by `services.custom_values_clean`, so the pages, the API
and the inbound email cannot disagree about what a valid answer is)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.tickets.models import FieldKind, RequestType
from modules.tickets.services import (
    BODY_MAX,
    CC_MAX,
    RATING_COMMENT_MAX,
    SUBJECT_MAX,
    TicketError,
    custom_values_clean,
)

FIELD_PREFIX = "field_"
MARKDOWN_HELP = _("Markdown works: *italic*, **bold**, lists, `code`.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the services check each one's
    kind and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def split_addresses(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace(";", ",").split(",") if part.strip()]


def custom_field(field) -> forms.Field:
    """The form field of one of a request type's questions (the service checks the answer)."""
    common = {"label": field.label, "required": False, "help_text": field.help_text}
    if field.kind == FieldKind.CHECKBOX:
        return forms.BooleanField(**common)
    if field.kind == FieldKind.CHOICE:
        return forms.ChoiceField(
            choices=[("", _("Choose…"))] + [(choice, choice) for choice in field.choices],
            **common,
        )
    if field.kind == FieldKind.NUMBER:
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if field.kind == FieldKind.DATE:
        return forms.CharField(
            widget=forms.DateInput(attrs={"type": "date", "placeholder": "YYYY-MM-DD"}), **common
        )
    return forms.CharField(max_length=1000, **common)


class TicketForm(forms.Form):
    """A new request. Its request type's questions are added as `field_<key>` fields; `guest`
    adds the guest's email address and name."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("One line that sums up what you need."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=MARKDOWN_HELP,
    )
    request_type = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=RequestType.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=None,
    )
    attachments = MultipleFileField(label=_("Attachments"))
    cc = forms.CharField(
        label=_("CC (optional)"),
        required=False,
        max_length=2000,
        help_text=_("Email addresses of people who should follow this request, comma-separated."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    suggestion_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, request_type=None, guest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        types = RequestType.objects.filter(active=True).prefetch_related("fields")
        self.fields["request_type"].queryset = types
        self.types = list(types)
        if not self.types:
            del self.fields["request_type"]
        self.request_type = request_type
        if request_type is not None:
            self.fields["request_type"].initial = request_type.slug
        self.custom_fields = []
        for field in request_type.fields.all() if request_type is not None else ():
            name = FIELD_PREFIX + field.key
            self.fields[name] = custom_field(field)
            self.fields[name].custom_required = field.required
            self.custom_fields.append(name)
        if guest:
            self.fields["email"] = forms.EmailField(
                label=_("Your email address"),
                help_text=_("We send the link to your request here."),
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )
            self.fields["name"] = forms.CharField(
                label=_("Your name (optional)"),
                required=False,
                max_length=120,
                widget=forms.TextInput(attrs={"autocomplete": "name"}),
            )
            self.order_fields(["email", "name"])

    def clean_cc(self):
        addresses = split_addresses(self.cleaned_data.get("cc", ""))
        if len(addresses) > CC_MAX:
            raise forms.ValidationError(_("At most %(count)d people, please.") % {"count": CC_MAX})
        for address in addresses:
            try:
                forms.EmailField().clean(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(address)s” is not an email address.") % {"address": address}
                ) from None
        return addresses

    def clean(self):
        cleaned = super().clean()
        raw = {
            name[len(FIELD_PREFIX) :]: self.data.get(name)
            for name in self.custom_fields
            if name in self.data
        }
        try:
            cleaned["custom_values"] = custom_values_clean(self.request_type, raw)
        except TicketError as error:
            for key, messages in error.message_dict.items():
                self.add_error(
                    FIELD_PREFIX + key if FIELD_PREFIX + key in self.fields else None, messages
                )
        return cleaned

    def add_service_error(self, error: TicketError) -> None:
        """Put the service's refusal beside the field it is about."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        aliases = {"email": "email", "name": "name", "body": "description"}
        for key, messages in error.message_dict.items():
            name = aliases.get(key, key)
            if name not in self.fields and FIELD_PREFIX + key in self.fields:
                name = FIELD_PREFIX + key
            self.add_error(name if name in self.fields else None, messages)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    attachments = MultipleFileField(label=_("Attachments"))


class CcForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address to add"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How did we do?"),
        choices=[("good", _("Good, I'm satisfied")), ("bad", _("Bad, I'm not satisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=RATING_COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
