"""Read-only REST API of video tutorials: /api/v1/videos/.

Anyone may call it; like the pages, it lists only the live videos the caller may watch
(anonymous callers see public ones, signed-in customers and API keys see what their user may).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers

from api.viewsets import ModuleReadOnlyViewSet
from modules.video.pages import SeriesPage, VideoPage
from modules.video.selectors import visible_pages

STEP = 4  # wagtail.models.Page.steplen


class ChapterSerializer(serializers.Serializer):
    seconds = serializers.IntegerField(help_text="Start of the chapter, in seconds.")
    stamp = serializers.CharField(help_text='Start of the chapter as "m:ss" or "h:mm:ss".')
    title = serializers.CharField()


class SeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class VideoListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context["series"] = _series_of(items)
        return super().to_representation(items)


def _series_of(videos) -> dict[str, SeriesPage]:
    """The series (parent pages) of `videos`, by tree path, in one query."""
    paths = {video.path[:-STEP] for video in videos}
    if not paths:
        return {}
    return {page.path: page for page in SeriesPage.objects.filter(path__in=paths)}


class VideoSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    summary = serializers.CharField(read_only=True)
    duration = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Length in seconds."
    )
    duration_display = serializers.CharField(read_only=True, help_text='"m:ss" or "h:mm:ss".')
    chapters = serializers.SerializerMethodField()
    transcript = serializers.CharField(read_only=True)
    poster_url = serializers.SerializerMethodField()
    provider = serializers.SerializerMethodField()
    embed_url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    series = serializers.SerializerMethodField()
    last_published_at = serializers.DateTimeField(read_only=True)

    class Meta:
        list_serializer_class = VideoListSerializer

    def _request(self):
        request = self.context.get("request")
        return getattr(request, "_request", request)

    def _absolute(self, path: str) -> str:
        if not path or path.startswith("http"):
            return path
        request = self._request()
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, page) -> str:
        return page.get_full_url(self._request())

    @extend_schema_field(ChapterSerializer(many=True))
    def get_chapters(self, page):
        return page.chapter_list()

    def get_poster_url(self, page) -> str:
        return self._absolute(page.poster_url)

    def get_provider(self, page) -> str:
        """ "upload", "youtube" or "vimeo"."""
        return "upload" if page.is_upload else (page.embed.provider if page.embed else "")

    def get_embed_url(self, page) -> str:
        """The player address for an embedded video (empty for an upload)."""
        return page.player_url

    def get_file_url(self, page) -> str:
        """Where an uploaded video is served, with Range requests (empty for an embed)."""
        return self._absolute(page.file_url)

    @extend_schema_field(SeriesSerializer(allow_null=True))
    def get_series(self, page):
        series_by_path = self.context.get("series")
        if series_by_path is None:
            series_by_path = self.context["series"] = _series_of([page])
        series = series_by_path.get(page.path[:-STEP])
        if series is None:
            return None
        return {"id": series.pk, "title": series.title, "url": series.get_url(self._request())}


class VideoViewSet(ModuleReadOnlyViewSet):
    """Video tutorials this caller may watch, in library order (series by series)."""

    module_key = "video"
    serializer_class = VideoSerializer
    permission_classes = [permissions.AllowAny]
    queryset = VideoPage.objects.none()  # for the schema; get_queryset is the real one

    def get_queryset(self):
        return (
            visible_pages(VideoPage.objects.all(), self.request)
            .select_related("poster", "video_file")
            .prefetch_related("chapters")
            .order_by("path")
        )
