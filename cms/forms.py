from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from modules import registry


class ModuleSettingsForm(WagtailAdminModelForm):
    """Shows one checkbox per registered module; stores every module's state in `switches`."""

    switches = forms.MultipleChoiceField(
        label=_("Modules switched on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A module that is off disappears from the portal, the API, search and menus."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["switches"]
        field.choices = [
            (spec.key, f"{spec.label} — {spec.description}" if spec.description else spec.label)
            for spec in registry.all_modules()
            if not spec.always_on
        ]
        stored = self.instance.switches or {}
        self.initial["switches"] = [
            spec.key
            for spec in registry.all_modules()
            if stored.get(spec.key, spec.enabled_by_default)
        ]

    def clean_switches(self):
        chosen = set(self.cleaned_data.get("switches") or [])
        return {spec.key: spec.always_on or spec.key in chosen for spec in registry.all_modules()}
