"""Forms of the customer account pages: they only parse input; services do the work."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from modules.accounts.models import NotificationKind

EMAIL_ATTRS = {"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"}


class SignupForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(EMAIL_ATTRS)
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown beside your posts. Leave empty to use the start of your address."),
        widget=forms.TextInput({"autocomplete": "nickname"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )


class LoginForm(forms.Form):
    email = forms.CharField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(EMAIL_ATTRS)
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )


class AdminLoginForm(WagtailLoginForm):
    """Wagtail's admin sign-in, which would otherwise start a session for anyone with a
    password: a customer whose address is not confirmed gets none here either (checked only
    after the right password, like the customers' own sign-in page)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        from modules.accounts.selectors import is_staff_member, is_verified

        if not (is_staff_member(user) or is_verified(user)):
            raise forms.ValidationError(
                _("Confirm your email address first: open the link in the email we sent you."),
                code="unverified",
            )


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(EMAIL_ATTRS)
    )


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
    )


def _language_choices():
    return [("", _("The portal's language")), *settings.LANGUAGES]


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown beside your posts."),
        widget=forms.TextInput({"autocomplete": "nickname"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=_language_choices,
        help_text=_("The language of the emails we send you."),
    )

    def __init__(self, *args, notification_initial: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.notification_fields = []
        for value, label in NotificationKind.choices:
            if value == NotificationKind.ACCOUNT:
                continue
            name = f"notify_{value}"
            self.fields[name] = forms.BooleanField(
                label=label, required=False, initial=(notification_initial or {}).get(value)
            )
            self.notification_fields.append(name)

    def notifications(self) -> dict[str, bool]:
        return {
            name.removeprefix("notify_"): self.cleaned_data.get(name, False)
            for name in self.notification_fields
        }

    def notification_bound_fields(self):
        return [self[name] for name in self.notification_fields]


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("Picture"),
        help_text=_("A PNG, JPEG, GIF or WebP image of at most 5 MB."),
        widget=forms.ClearableFileInput({"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good."), required=True
    )
