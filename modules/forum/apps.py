from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "modules.forum"
    label = "forum"
    verbose_name = _("Community forum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from modules.forum import module  # noqa: F401  (registers the module)
