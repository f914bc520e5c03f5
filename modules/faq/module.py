from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, register

SPEC = register(
    ModuleSpec(
        key="faq",
        label=_("FAQ"),
        description=_("Groups of frequently asked questions, each with a link of its own."),
        icon="help",
        page_types=("faq.FaqIndexPage", "faq.FaqGroupPage"),
        api_routes=(("faq-items", "modules.faq.api.FaqItemViewSet", "faq-item"),),
        search_models=("faq.FaqItem",),
        furnish="modules.faq.services.faq_furnish",
        demo_content="modules.faq.services.faq_demo_content",
        demo_translations="modules.faq.services.faq_demo_translations",
        extra={"nav_url": "/faq/", "category_types": ("faq.FaqGroupPage",)},
    )
)
