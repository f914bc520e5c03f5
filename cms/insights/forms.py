from django import forms
from django.utils.translation import gettext_lazy as _

from cms.insights.models import COMMENT_MAX


class FeedbackForm(forms.Form):
    """The "Was this helpful?" widget's fields (the buttons post helpful=yes|no)."""

    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Choose Yes or No.")},
    )
    comment = forms.CharField(
        label=_("What was missing or unclear? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
    )
