"""The operator console's plan form: price, Stripe price id, modules and limits of one plan."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Plan
from modules import registry

CURRENCY_RE = re.compile(r"^[a-z]{3}$")


def module_choices() -> list[tuple[str, str]]:
    """The modules a plan can include (always-on ones, such as customer accounts, are in all)."""
    return [(spec.key, str(spec.label)) for spec in registry.all_modules() if not spec.always_on]


class PlanForm(forms.ModelForm):
    """Create or edit a plan. The key names the plan in tenants' rows and cannot change once
    made; empty modules in the row mean "every module", shown here as its own checkbox."""

    price = forms.DecimalField(
        label=_("Monthly price"),
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        help_text=_("In the plan's currency, e.g. 29.00. 0 for a free plan."),
    )
    every_module = forms.BooleanField(
        label=_("Every module, also modules added later"),
        required=False,
    )
    module_keys = forms.MultipleChoiceField(
        label=_("Modules included"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ignored when every module is included."),
    )

    field_order = [
        "key",
        "name",
        "price",
        "currency",
        "stripe_price_id",
        "agent_seats",
        "storage_mb",
        "sort_order",
        "every_module",
        "module_keys",
        "custom_domain",
        "remove_branding",
        "api_access",
        "public",
    ]
    FLAGS = ("custom_domain", "remove_branding", "api_access", "public")

    class Meta:
        model = Plan
        fields = [
            "key",
            "name",
            "currency",
            "stripe_price_id",
            "agent_seats",
            "storage_mb",
            "custom_domain",
            "remove_branding",
            "api_access",
            "public",
            "sort_order",
        ]
        help_texts = {
            "key": _("Lowercase letters, digits and hyphens; cannot be changed later."),
            "currency": _("Three letters, e.g. eur or usd."),
            "stripe_price_id": _("The Stripe price (price_…) a subscription to this plan uses."),
            "agent_seats": _("Active staff accounts the plan allows; 0 means no limit."),
            "storage_mb": _("Files the portal may store, in MB; 0 means no limit."),
            "public": _("Shown on the pricing and billing pages."),
            "sort_order": _("Plans are listed from the lowest number up."),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices = module_choices()
        cast(forms.MultipleChoiceField, self.fields["module_keys"]).choices = choices
        plan = self.instance
        if plan.pk:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _("The key names the plan in tenants' rows.")
        if not self.is_bound:
            self.initial["price"] = (Decimal(plan.price_cents or 0) / 100).quantize(Decimal("0.01"))
            self.initial["every_module"] = bool(plan.pk) and not plan.modules
            self.initial["module_keys"] = list(plan.modules or [])
        self.fields["stripe_price_id"].required = False
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "field__input")

    def value_fields(self):
        """The fields with a typed value (the grid at the top of the form)."""
        skip = {"every_module", "module_keys", *self.FLAGS}
        return [self[name] for name in self.fields if name not in skip]

    def flag_fields(self):
        return [self[name] for name in self.FLAGS]

    def clean_key(self):
        key = self.cleaned_data.get("key")
        if key == "new" and not self.instance.pk:
            raise forms.ValidationError(_("“new” is reserved; choose another key."))
        return key

    def clean_currency(self):
        value = (self.cleaned_data.get("currency") or "").strip().lower()
        if not CURRENCY_RE.match(value):
            raise forms.ValidationError(_("Use a three-letter currency code, e.g. eur."))
        return value

    def clean_stripe_price_id(self):
        return (self.cleaned_data.get("stripe_price_id") or "").strip() or None

    def clean(self):
        data = super().clean()
        if not data.get("every_module") and not data.get("module_keys"):
            self.add_error(
                "module_keys", _("Choose the modules the plan includes, or every module.")
            )
        return data

    def plan_fields(self) -> dict:
        """The cleaned values as billing.services.plan_create / plan_update take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "price_cents": int((data["price"] * 100).to_integral_value()),
            "currency": data["currency"],
            "stripe_price_id": data.get("stripe_price_id"),
            "modules": [] if data.get("every_module") else sorted(data.get("module_keys") or []),
            "agent_seats": data["agent_seats"],
            "storage_mb": data["storage_mb"],
            "custom_domain": data["custom_domain"],
            "remove_branding": data["remove_branding"],
            "api_access": data["api_access"],
            "public": data["public"],
            "sort_order": data["sort_order"],
        }
