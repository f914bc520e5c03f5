"""The console's "View as support" form: why the operator needs access, and for how long."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from tenants import support


class SupportAccessForm(forms.Form):
    # Labelled "why" rather than "reason": the suspend form on the same page asks for a reason.
    reason = forms.CharField(
        label=_("Why you need access"),
        min_length=support.REASON_MIN_LENGTH,
        max_length=support.REASON_MAX_LENGTH,
        strip=True,
        help_text=_(
            "Shown to the tenant's administrators and kept in the audit log, e.g. the ticket "
            "you are working on."
        ),
        error_messages={
            "required": _("Say why you need access."),
            "min_length": ngettext_lazy(
                "Say in a few words why you need access (at least %(limit_value)d character).",
                "Say in a few words why you need access (at least %(limit_value)d characters).",
                "limit_value",
            ),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minutes = forms.TypedChoiceField(label=_("Duration"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        # Field ids of their own: the suspend form on the same page has a "reason" too.
        kwargs.setdefault("auto_id", "support_%s")
        super().__init__(*args, **kwargs)
        choices = support.duration_choices()
        self.fields["minutes"].choices = [
            (m, ngettext("%(count)d minute", "%(count)d minutes", m) % {"count": m})
            for m in choices
        ]
        self.fields["minutes"].initial = 30 if 30 in choices else choices[0]
        self.fields["minutes"].error_messages["invalid_choice"] = _(
            "Choose one of the durations offered."
        )
