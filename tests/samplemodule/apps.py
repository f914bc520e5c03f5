from django.apps import AppConfig


class SampleModuleConfig(AppConfig):
    name = "tests.samplemodule"
    label = "samplemodule"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tests.samplemodule import module  # noqa: F401  (registers the module)
