from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, register

SPEC = register(
    ModuleSpec(
        key="forum",
        label=_("Community forum"),
        description=_("Customers ask questions and help each other; staff answer and moderate."),
        icon="group",
        urls="modules.forum.urls",
        url_prefix="forum",
        extra={"nav_url": "/forum/"},
    )
)
