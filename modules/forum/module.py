from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, ScheduledTask, register

SPEC = register(
    ModuleSpec(
        key="forum",
        label=_("Community forum"),
        description=_("Customers ask questions and help each other; staff answer and moderate."),
        icon="group",
        urls="modules.forum.urls",
        url_prefix="forum",
        api_routes=(
            ("forum-categories", "modules.forum.api.CategoryViewSet", "forum-category"),
            ("forum-topics", "modules.forum.api.TopicViewSet", "forum-topic"),
        ),
        search_models=("forum.Topic",),
        permissions=("forum.moderate_category",),
        admin_menu_items=("forum",),
        # hourly: each customer's digest goes out once a day, when their last one is a day old
        scheduled_tasks=(ScheduledTask("forum.daily_digest", every_seconds=3600),),
        demo_content="modules.forum.demo.forum_demo_content",
        extra={
            "nav_url": "/forum/",
            "account_activity": "modules.forum.hooks.account_activity",
            "export_user_data": "modules.forum.hooks.export_user_data",
            "anonymise_user": "modules.forum.hooks.anonymise_user",
        },
    )
)
