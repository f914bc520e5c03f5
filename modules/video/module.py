from django.utils.translation import gettext_lazy as _

from modules.registry import ModuleSpec, register

SPEC = register(
    ModuleSpec(
        key="video",
        label=_("Video tutorials"),
        description=_("Video guides with chapters and transcripts, grouped into series."),
        icon="media",
        page_types=(
            "video.VideoLibraryPage",
            "video.SeriesPage",
            "video.VideoPage",
        ),
        urls="modules.video.urls",
        url_prefix="video-files",
        search_models=("video.VideoPage",),
        api_routes=(("videos", "modules.video.api.VideoViewSet", "video"),),
        admin_menu_items=("video-files",),
        furnish="modules.video.services.video_furnish",
        demo_content="modules.video.services.video_demo_content",
        demo_translations="modules.video.services.video_demo_translations",
        extra={"nav_url": "/videos/", "category_types": ("video.SeriesPage",)},
    )
)
