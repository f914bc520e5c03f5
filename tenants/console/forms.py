"""Forms of the operator console: sign-in with lockout, list filters, suspension, trial
extension, offline plan change and deletion."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from billing.plans import plan_label
from cms.ratelimit import client_ip, hit
from tenants.console import lockout
from tenants.models import Tenant, TenantStatus
from tenants.selectors import user_is_operator
from tenants.services import TRIAL_EXTENDABLE, TRIAL_EXTENSION_MAX_DAYS

# Sign-in attempts one IP may make per hour whatever the usernames, so spraying many usernames
# from one address is slowed down too (the per-username lockout alone would not).
SIGNIN_RATE_PER_IP = "60/hour"


class OperatorLoginForm(AuthenticationForm):
    """Django's sign-in form, refusing anyone who is not an operator (with the same message as a
    wrong password, so the form does not reveal who has an account) and locking an
    IP + username pair out after too many failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _("Too many failed sign-in attempts. Try again in %(minutes)d minutes."),
        "rate_limited": _("Too many sign-in attempts from your network. Try again later."),
    }

    def __init__(self, request=None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.locked_out = False

    def clean(self):
        ip = client_ip(self.request) if self.request else ""
        username = (self.cleaned_data.get("username") or "").strip().lower()
        self.cleaned_data["username"] = username
        if lockout.is_locked(ip=ip, username=username):
            self.locked_out = True
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": lockout.LOCKOUT_SECONDS // 60},
            )
        allowed, _retry_after = hit("console-login", ip, SIGNIN_RATE_PER_IP)
        if not allowed:
            self.locked_out = True
            raise forms.ValidationError(self.error_messages["rate_limited"], code="rate_limited")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if lockout.record_failure(ip=ip, username=username):
                self.locked_out = True
            raise
        # The failure count is not cleared here but after the second factor, so that signing
        # in again with the password does not give someone holding it fresh guesses at codes.
        return cleaned

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user_is_operator(user=user):
            raise self.get_invalid_login_error()


class TotpCodeForm(forms.Form):
    """The 6-digit code of the operator's authenticator app (sign-in and enrolment)."""

    code = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^\d{6}$",
        max_length=20,
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def full_clean(self):
        # Apps show codes as "123 456"; accept them typed that way.
        if self.data and "code" in self.data:
            data = self.data.copy()
            data["code"] = "".join(str(data.get("code", "")).split())
            self.data = data
        super().full_clean()


class BackupCodeForm(forms.Form):
    """One of the ten backup codes shown at enrolment (each works once)."""

    code = forms.CharField(
        label=_("Backup code"),
        max_length=30,
        help_text=_("Ten letters and digits, as printed: abcde-23456."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _status_choices():
    return [("", _("All statuses")), *TenantStatus.choices]


class TenantFilterForm(forms.Form):
    """The tenants list's search, filters and sort (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, slug or domain")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_status_choices)
    plan = forms.ChoiceField(label=_("Plan"), required=False)

    def __init__(self, *args, plans: list[str], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["plan"]).choices = [
            ("", _("All plans")),
            *((key, plan_label(key)) for key in plans),
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters, each "" when absent or invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or "" for name in ("q", "status", "plan")}


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    tenant = forms.CharField(
        label=_("Tenant"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Slug")}),
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("All actions")),
            *((action, action) for action in actions),
        ]

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or "" for name in ("action", "tenant")}


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Recorded in the audit log. The tenant does not see it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean(self):
        # A cancelled or deleted tenant is on its way out; suspending (and later resuming) it
        # would bring it back to life.
        if self.tenant.deleted_at or self.tenant.status == TenantStatus.CANCELLED:
            raise forms.ValidationError(_("A cancelled tenant cannot be suspended."))
        if self.tenant.status == TenantStatus.SUSPENDED:
            raise forms.ValidationError(_("This tenant is already suspended."))
        return super().clean()


class ExtendTrialForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days to add"),
        min_value=1,
        max_value=TRIAL_EXTENSION_MAX_DAYS,
        initial=14,
        help_text=_("1 to 90 days, counted from the current trial end (or from now if it passed)."),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean(self):
        if self.tenant.deleted_at or self.tenant.status not in TRIAL_EXTENDABLE:
            raise forms.ValidationError(
                _("Only a tenant on trial or whose trial ended can have its trial extended.")
            )
        return super().clean()


class ChangePlanForm(forms.Form):
    plan = forms.ChoiceField(
        label=_("New plan"),
        help_text=_("An offline change: Stripe is not told. Recorded in the audit log."),
    )

    def __init__(self, *args, tenant: Tenant, plans: list[tuple[str, str]], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        cast(forms.ChoiceField, self.fields["plan"]).choices = [
            ("", _("Choose a plan")),
            *plans,
        ]
        self.fields["plan"].initial = tenant.plan

    def clean(self):
        if self.tenant.deleted_at:
            raise forms.ValidationError(_("A deleted tenant's plan cannot be changed."))
        return super().clean()


class DeleteTenantForm(forms.Form):
    confirm = forms.CharField(label=_("Type the tenant's slug to confirm"), max_length=63)

    def __init__(self, *args, tenant: Tenant, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_confirm(self):
        typed = self.cleaned_data["confirm"].strip()
        if not self.tenant.slug or typed != self.tenant.slug:
            raise forms.ValidationError(_("That is not this tenant's slug. Nothing was deleted."))
        return typed

    def clean(self):
        if self.tenant.deleted_at:
            raise forms.ValidationError(_("This tenant is already deleted."))
        return super().clean()
