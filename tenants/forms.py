from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=100)
    subdomain = forms.CharField(
        label=_("Portal address"),
        max_length=63,
        help_text=_("Lowercase letters, digits and hyphens. You can add your own domain later."),
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "none",
                "autocomplete": "off",
                "spellcheck": "false",
                "pattern": "[a-z0-9-]{3,63}",
                "inputmode": "url",
            }
        ),
    )
    admin_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    admin_email = forms.EmailField(
        label=_("Work email"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    admin_password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    @property
    def platform_domain(self) -> str:
        return settings.PLATFORM_DOMAIN
