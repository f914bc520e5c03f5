"""Video tutorial page types: one video library under the home page, series (playlists), videos.

    HomePage → VideoLibraryPage ("/videos/") → SeriesPage → VideoPage
                                            → VideoPage (a video in no series)

A video plays an uploaded file (`VideoFile`, served with Range requests by
`modules.video.views.video_file`) or a YouTube/Vimeo video (the player address is built from
the video's id, never from the address the editor typed). Chapters and a transcript with
"[mm:ss]" cues seek the player; both are searchable, so a word said in a video finds it.

Who may watch what is Wagtail's page privacy, as in the knowledge base: every list, "next
video" link, search result, API row and file download goes through
`modules.video.selectors.visible_pages`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.jsonld import json_ld
from cms.pages import ModulePageMixin, PageSearchMixin
from modules.video.selectors import visible_pages
from modules.video.timecodes import (
    MAX_SECONDS,
    Embed,
    format_duration,
    iso_duration,
    parse_embed_url,
    parse_timestamp,
    parse_transcript,
    transcript_errors,
    validate_timestamp,
)

MODULE_KEY = "video"
SNIPPET_LENGTH = 300


class VideoSearchMixin(PageSearchMixin):
    """The search contract (cms.search) for every video page type: only pages this request may
    open, none while the module is switched off."""

    search_module = MODULE_KEY
    search_kind = _("Video")
    search_text_field = "intro"
    search_snippet_length = SNIPPET_LENGTH


def _with_cards(videos) -> list:
    """Videos as a list, ready for the card template (poster and series already chosen)."""
    return list(videos.select_related("poster", "video_file"))


class VideoLibraryPage(ModulePageMixin, VideoSearchMixin, Page):
    """The video library's front door (by convention at /videos/): its series, each with the
    videos a visitor may watch, then videos that belong to no series."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["video.SeriesPage", "video.VideoPage"]
    max_count = 1
    search_kind = _("Video library")

    class Meta:
        verbose_name = _("Video library")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        series = list(visible_pages(SeriesPage.objects.child_of(self), request).order_by("path"))
        videos = _with_cards(
            visible_pages(VideoPage.objects.descendant_of(self), request).order_by("path")
        )
        by_parent: dict[str, list] = {}
        for video in videos:
            by_parent.setdefault(video.path[: -Page.steplen], []).append(video)
        for item in series:
            item.visible_videos = by_parent.get(item.path, [])
        context["series_list"] = series
        context["videos"] = by_parent.get(self.path, [])
        return context


class SeriesPage(ModulePageMixin, VideoSearchMixin, Page):
    """A playlist: videos watched in order (its children, in the order of the page tree).
    Each video of a series links to the next one."""

    description = models.TextField(_("description"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("description")]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["video.VideoLibraryPage"]
    subpage_types = ["video.VideoPage"]
    search_kind = _("Video series")
    search_text_field = "description"

    class Meta:
        verbose_name = _("Video series")
        verbose_name_plural = _("Video series")

    def visible_videos(self, request) -> list[VideoPage]:
        return _with_cards(
            visible_pages(VideoPage.objects.child_of(self), request).order_by("path")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["videos"] = self.visible_videos(request)
        return context


class VideoPageForm(WagtailAdminPageForm):
    """The editor's form: when an embed address is saved, fetch the provider's title, thumbnail
    and duration (oEmbed, through the SSRF-safe client). The page saves without them when the
    provider cannot be reached."""

    def clean(self):
        cleaned_data = super().clean()
        url = (cleaned_data.get("embed_url") or "").strip()
        if url and not self.errors.get("embed_url"):
            changed = "embed_url" in self.changed_data or not self.instance.embed_title
            if changed:
                from modules.video.services import video_embed_metadata

                metadata = video_embed_metadata(url=url)
                self.instance.embed_title = metadata.get("title", "")
                self.instance.embed_thumbnail_url = metadata.get("thumbnail_url", "")
                if not cleaned_data.get("duration") and metadata.get("duration"):
                    cleaned_data["duration"] = metadata["duration"]
        elif not url:
            self.instance.embed_title = ""
            self.instance.embed_thumbnail_url = ""
        return cleaned_data


class VideoPage(ModulePageMixin, VideoSearchMixin, Page):
    """One video tutorial: the player, clickable chapters, a transcript beside the player, the
    series it belongs to with a link to the next video, and a "was this helpful?" box."""

    summary = models.TextField(
        _("summary"),
        max_length=SNIPPET_LENGTH,
        blank=True,
        help_text=_("One or two sentences. Shown in lists, search results and to search engines."),
    )
    video_file = models.ForeignKey(
        "video.VideoFile",
        verbose_name=_("uploaded video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An MP4 or WebM file. Leave empty to show a YouTube or Vimeo video instead."),
    )
    embed_url = models.URLField(
        _("YouTube or Vimeo address"),
        blank=True,
        max_length=500,
        help_text=_("For example https://www.youtube.com/watch?v=… or https://vimeo.com/…"),
    )
    embed_title = models.CharField(max_length=255, blank=True, editable=False)
    embed_thumbnail_url = models.URLField(max_length=500, blank=True, editable=False)
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("poster image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown before the video plays and in lists."),
    )
    duration = models.PositiveIntegerField(
        _("duration (seconds)"),
        null=True,
        blank=True,
        help_text=_("Length in seconds, e.g. 245 for 4:05. Filled in from YouTube or Vimeo."),
    )
    transcript = models.TextField(
        _("transcript"),
        blank=True,
        help_text=_(
            'What is said in the video. Start a line with a time such as "[1:05]" to let '
            "viewers jump there."
        ),
    )

    base_form_class = VideoPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("video_file"),
                FieldPanel("embed_url"),
                FieldPanel("poster"),
                FieldPanel("duration"),
            ],
            heading=_("Video"),
        ),
        InlinePanel("chapters", label=_("Chapter")),
        FieldPanel("transcript"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("transcript"),
        index.RelatedFields("chapters", [index.SearchField("title")]),
    ]
    parent_page_types = ["video.VideoLibraryPage", "video.SeriesPage"]
    subpage_types: list[str] = []
    search_text_field = "summary"

    class Meta:
        verbose_name = _("Video")

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.video_file_id and self.embed_url:
            errors["embed_url"] = [_("Choose an uploaded video or an address, not both.")]
        elif not self.video_file_id and not self.embed_url:
            errors["embed_url"] = [
                _("Choose an uploaded video or enter a YouTube or Vimeo address.")
            ]
        elif self.embed_url:
            try:
                parse_embed_url(self.embed_url)
            except ValidationError as error:
                errors["embed_url"] = error.messages
        if self.duration is not None and self.duration >= MAX_SECONDS:
            errors["duration"] = [_("A video cannot be longer than a day.")]
        bad = transcript_errors(self.transcript)
        if bad:
            errors["transcript"] = [
                _("These times are not valid: %(times)s. Use [m:ss] or [h:mm:ss].")
                % {"times": ", ".join(bad)}
            ]
        if errors:
            raise ValidationError(errors)

    # --- the player ---------------------------------------------------------------------------

    @cached_property
    def embed(self) -> Embed | None:
        if self.video_file_id or not self.embed_url:
            return None
        try:
            return parse_embed_url(self.embed_url)
        except ValidationError:
            return None

    @property
    def is_upload(self) -> bool:
        return bool(self.video_file_id)

    @property
    def file_url(self) -> str:
        """Where the uploaded file is served (by the module's view, which checks privacy)."""
        if not self.video_file_id:
            return ""
        return f"/video-files/{self.pk}/"

    @property
    def player_url(self) -> str:
        return self.embed.player_url if self.embed else ""

    @property
    def duration_display(self) -> str:
        return format_duration(self.duration)

    @property
    def duration_iso(self) -> str:
        return iso_duration(self.duration)

    @property
    def poster_url(self) -> str:
        if self.poster_id:
            return self.poster.get_rendition("fill-1280x720-c100").url
        if self.embed_thumbnail_url.startswith("https://"):
            return self.embed_thumbnail_url
        return self.embed.thumbnail_url if self.embed else ""

    def chapter_list(self) -> list[dict]:
        result = []
        for chapter in self.chapters.all():
            try:
                seconds = parse_timestamp(chapter.timestamp)
            except ValidationError:
                continue
            result.append(
                {"seconds": seconds, "stamp": format_duration(seconds), "title": chapter.title}
            )
        return sorted(result, key=lambda chapter: chapter["seconds"])

    def cues(self):
        return parse_transcript(self.transcript)

    # --- where it belongs ---------------------------------------------------------------------

    def series(self) -> SeriesPage | None:
        parent = self.get_parent()
        specific = parent.specific if parent is not None else None
        return specific if isinstance(specific, SeriesPage) else None

    def structured_data(self, request=None) -> dict:
        """schema.org VideoObject for search engines (rendered as JSON-LD)."""
        data = {
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": self.seo_title or self.title,
            "description": self.search_description or self.summary or self.title,
            "url": self.get_full_url(request),
        }
        poster = self.poster_url
        if poster:
            data["thumbnailUrl"] = [
                poster if poster.startswith("http") else self._absolute(request, poster)
            ]
        if self.first_published_at:
            data["uploadDate"] = self.first_published_at.isoformat()
        if self.duration:
            data["duration"] = iso_duration(self.duration)
        if self.embed:
            data["embedUrl"] = self.embed.player_url
        elif self.file_url:
            data["contentUrl"] = self._absolute(request, self.file_url)
        chapters = self.chapter_list()
        if chapters:
            data["hasPart"] = [
                {
                    "@type": "Clip",
                    "name": chapter["title"],
                    "startOffset": chapter["seconds"],
                    "url": f"{self.get_full_url(request)}?t={chapter['seconds']}",
                }
                for chapter in chapters
            ]
        return data

    def _absolute(self, request, path: str) -> str:
        if request is not None:
            return request.build_absolute_uri(path)
        site = self.get_site()
        return f"{site.root_url}{path}" if site is not None else path

    # --- serving ------------------------------------------------------------------------------

    def start_time(self, request) -> int:
        """The `?t=` a chapter link without JavaScript asks for (seconds or m:ss)."""
        value = (request.GET.get("t") or "").strip().removesuffix("s")
        if not value:
            return 0
        try:
            seconds = int(value) if value.isdigit() else parse_timestamp(value)
        except (ValidationError, ValueError):
            return 0
        if self.duration and seconds >= self.duration:
            return 0
        return min(seconds, MAX_SECONDS - 1)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        start = self.start_time(request)
        series = self.series()
        playlist = series.visible_videos(request) if series is not None else []
        position = next((i for i, video in enumerate(playlist) if video.pk == self.pk), None)
        next_video = None
        previous_video = None
        if position is not None:
            if position + 1 < len(playlist):
                next_video = playlist[position + 1]
            if position > 0:
                previous_video = playlist[position - 1]
        context.update(
            start=start,
            player_src=self.embed.player_url_at(start) if self.embed else "",
            chapters=self.chapter_list(),
            cues=self.cues(),
            series=series,
            playlist=playlist,
            next_video=next_video,
            previous_video=previous_video,
            canonical_url=self.get_full_url(request),
            structured_data=json_ld(self.structured_data(request)),
        )
        return context

    # --- search contract (cms.search, with VideoSearchMixin) ----------------------------------

    search_snippet_length = 2000  # the results page shows the part around the words searched

    def search_snippet(self) -> str:
        """The summary, then the chapters and what is said: a result shows where a word was
        found, e.g. a sentence of the transcript."""
        parts = [self.summary, *(chapter["title"] for chapter in self.chapter_list())]
        parts.extend(cue.text for cue in self.cues())
        return " · ".join(part for part in parts if part)


class VideoChapter(Orderable):
    """A point in a video worth jumping to ("2:10 Invite your team"), listed beside the player."""

    page = ParentalKey(VideoPage, on_delete=models.CASCADE, related_name="chapters")
    timestamp = models.CharField(
        _("starts at"),
        max_length=9,
        validators=[validate_timestamp],
        help_text=_("m:ss or h:mm:ss, e.g. 2:10"),
    )
    title = models.CharField(_("title"), max_length=150)

    panels = [FieldPanel("timestamp"), FieldPanel("title")]

    @property
    def seconds(self) -> int:
        return parse_timestamp(self.timestamp)
