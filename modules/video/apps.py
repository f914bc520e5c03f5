from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "modules.video"
    label = "video"
    verbose_name = _("Video tutorials")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from modules.video import module  # noqa: F401  (registers the module)
