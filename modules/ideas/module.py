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
        api_routes=(("ideas", "modules.ideas.api.IdeaViewSet", "idea"),),
        search_models=("ideas.Idea",),
        admin_menu_items=("idea-categories",),
        permissions=("ideas.manage_ideas", "ideas.change_idea"),
        furnish="modules.ideas.services.ideas_furnish",
        demo_content="modules.ideas.demo.ideas_demo_content",
        extra={
            "nav_url": "/ideas/",
            "account_activity": "modules.ideas.hooks.account_activity",
            "export_user_data": "modules.ideas.hooks.export_user_data",
            "anonymise_user": "modules.ideas.hooks.anonymise_user",
            # tickets link to ideas; the requester then follows the idea
            "ticket_link": {
                "search": "modules.ideas.links.search",
                "get": "modules.ideas.links.get",
                "follow": "modules.ideas.links.follow",
            },
        },
    )
)
