from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.forum.models import TopicKind
from modules.forum.services import BODY_MAX, TITLE_MAX


class TopicForm(forms.Form):
    category = forms.ModelChoiceField(queryset=None, label=_("Category"), empty_label=None)
    kind = forms.ChoiceField(
        choices=TopicKind.choices,
        initial=TopicKind.QUESTION,
        widget=forms.RadioSelect,
        label=_("Kind of topic"),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-forum-similar": "title"}),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, `code`, > quote, [link](https://…), @name."),
    )
    image = forms.ImageField(
        label=_("Image (optional)"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, up to 5 MB."),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class TopicEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Details"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, `code`, > quote, [link](https://…), @name."),
    )
    image = forms.ImageField(label=_("Image (optional)"), required=False)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
