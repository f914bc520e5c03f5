from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, register

SPEC = register(
    ModuleSpec(
        key="kb",
        label=_("Knowledge base"),
        description=_("Guides and how-to articles, grouped into categories and sections."),
        icon="doc-full",
        page_types=(
            "kb.KnowledgeBasePage",
            "kb.CategoryPage",
            "kb.SectionPage",
            "kb.ArticlePage",
        ),
        search_models=("kb.ArticlePage",),
        # Reports → Knowledge base activity / articles (modules.kb.wagtail_hooks)
        admin_menu_items=("kb-activity", "kb-articles"),
        api_routes=(
            ("kb-categories", "modules.kb.api.CategoryViewSet", "kb-category"),
            ("kb-sections", "modules.kb.api.SectionViewSet", "kb-section"),
            ("kb-articles", "modules.kb.api.ArticleViewSet", "kb-article"),
        ),
        furnish="modules.kb.services.kb_furnish",
        demo_content="modules.kb.services.kb_demo_content",
        demo_translations="modules.kb.services.kb_demo_translations",
        extra={
            "nav_url": "/kb/",
            "category_types": ("kb.CategoryPage",),
            # the page type a missing-article task offers to write (cms.insights)
            "article_type": "kb.ArticlePage",
            # tickets link to articles (modules.tickets.services.ticket_link)
            "ticket_link": {"search": "modules.kb.links.search", "get": "modules.kb.links.get"},
        },
    )
)
