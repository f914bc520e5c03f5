from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "modules.accounts"
    label = "accounts"
    verbose_name = _("Customer accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from modules.accounts import module, signals  # noqa: F401  (registers them)
