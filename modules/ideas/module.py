from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, register

SPEC = register(
    ModuleSpec(
        key="ideas",
        label=_("Ideas"),
        description=_(
            "Customers suggest and vote on ideas; a public roadmap shows what is coming."
        ),
        icon="pick",
        urls="modules.ideas.urls",
        url_prefix="ideas",
        extra={"nav_url": "/ideas/"},
    )
)
