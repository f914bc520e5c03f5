from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=100)
    subdomain = forms.CharField(
        label=_("Portal address"),
        max_length=255,
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

    def clean(self):
        """Report every problem at once: the service's rules (reserved or taken subdomain,
        password strength) for fields whose basic format was fine."""
        from tenants.services import validate_signup

        data = super().clean()
        problems = validate_signup(
            company_name=data.get("company_name", ""),
            subdomain=(data.get("subdomain") or "").strip().lower(),
            admin_name=data.get("admin_name", ""),
            admin_email=data.get("admin_email", ""),
            admin_password=data.get("admin_password", ""),
        )
        for field, messages in problems.items():
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data
