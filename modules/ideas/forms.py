"""Forms of the ideas pages: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.ideas.models import IdeaCategory, Status
from modules.ideas.services import BODY_MAX, COMMENT_MAX, NOTE_MAX, TITLE_MAX


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Your idea in one line"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Tell us more"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What problem would it solve for you? Markdown works: *italic*, **bold**, lists."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=IdeaCategory.objects.none(),
        required=False,
        empty_label=_("Not sure"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = IdeaCategory.objects.order_by("sort_order", "name")


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add a comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the idea and emailed to its voters and followers."),
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Merge into idea number"),
        min_value=1,
        help_text=_("The number in the other idea's address (/ideas/<number>-…/)."),
    )


class VoteOnBehalfForm(forms.Form):
    email = forms.EmailField(label=_("Customer's email address"))
    note = forms.CharField(
        label=pgettext_lazy("vote on behalf", "Note"), required=False, max_length=500
    )
