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
        self._check_plan(chosen)
        return {spec.key: spec.always_on or spec.key in chosen for spec in registry.all_modules()}

    def _check_plan(self, chosen: set[str]) -> None:
        """A module outside the tenant's plan cannot be switched on (one already on stays on:
        switching it off is the admin's choice)."""
        from django.db import connection
        from django.utils.html import format_html

        from cms import limits

        tenant = getattr(connection, "tenant", None)
        if tenant is None or getattr(tenant, "schema_name", "public") == "public":
            return
        stored = self.instance.switches or {}
        newly_on = [
            spec.key
            for spec in registry.all_modules()
            if spec.key in chosen and not stored.get(spec.key, spec.enabled_by_default)
        ]
        refused = set(limits.modules_not_in_plan(tenant, newly_on))
        if refused:
            labels = [str(spec.label) for spec in registry.all_modules() if spec.key in refused]
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Not in your plan: %(modules)s.") % {"modules": ", ".join(labels)},
                    limits.upgrade_url(),
                    _("Upgrade to switch them on."),
                )
            )
