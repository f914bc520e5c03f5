"""Admin: uploaded video files, under "Video files" in the main menu (hidden while the module is
switched off). Video pages themselves are edited in the page tree."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.video.files import VideoFile


class VideoFileViewSet(SnippetViewSet):
    model = VideoFile
    icon = "media"
    menu_label = _("Video files")
    menu_name = "video-files"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["title", "content_type", "created_at"]
    search_fields = ["title"]


register_snippet(VideoFileViewSet)
