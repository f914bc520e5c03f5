"""Django finds the module's models here; they are defined in pages.py (Wagtail page types) and
files.py (uploaded videos)."""

from modules.video.files import VideoFile  # noqa: F401
from modules.video.pages import (  # noqa: F401
    SeriesPage,
    VideoChapter,
    VideoLibraryPage,
    VideoPage,
)
