"""Uploaded video files: a model of their own, checked by content, stored privately per tenant.

Why not a Wagtail document: documents are served by Wagtail's own view, which knows nothing of
the video page's privacy and answers no Range requests (so a browser could not seek). A
`VideoFile` is only ever served by `modules.video.views.video_file`, which checks that the
visitor may open the page showing it and answers Range requests.

Files go to the default storage (one folder per tenant schema) under `private/`, a folder the
portal's public /media/ view refuses to serve.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from cms.page_cache import page_cache_purge

DEFAULT_MAX_UPLOAD_SIZE = 500 * 1024 * 1024
PRIVATE_PREFIX = "private/"
EXTENSIONS = {"video/mp4": ".mp4", "video/webm": ".webm"}


def max_upload_size() -> int:
    return int(getattr(settings, "VIDEO_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE))


def sniff_video(head: bytes) -> str | None:
    """The MIME type of a video by its first bytes (MP4 or WebM), or None.

    MP4 (ISO base media) starts with a box whose type is `ftyp`; WebM is an EBML document
    (1A 45 DF A3) whose DocType is "webm" (plain Matroska is refused: browsers may not play it).
    """
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand not in {b"qt  ", b"crx ", b"heic", b"heix", b"mif1", b"msf1", b"avif"}:
            return "video/mp4"
        return None
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"\x42\x82" in head[:64]:
        position = head.find(b"\x42\x82", 0, 64)
        size_byte = head[position + 2] if position + 2 < len(head) else 0
        length = size_byte & 0x7F if size_byte & 0x80 else 0
        doctype = head[position + 3 : position + 3 + length]
        if doctype == b"webm":
            return "video/webm"
    return None


def validate_video_upload(file) -> None:
    """Refuse files that are not MP4 or WebM by their content, or that are too large."""
    limit = max_upload_size()
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("This file is %(size)s; videos can be at most %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(64)
    file.seek(position)
    if sniff_video(head) is None:
        raise ValidationError(
            _("This file is not an MP4 or WebM video."),
            code="not_a_video",
        )


def video_upload_to(instance: VideoFile, filename: str) -> str:
    """A random name (the editor's file name is kept as the title): nothing to guess."""
    extension = EXTENSIONS.get(instance.content_type, "")
    return f"{PRIVATE_PREFIX}videos/{uuid.uuid4().hex}{extension}"


class VideoFile(index.Indexed, models.Model):
    """A video uploaded by an editor (MP4 or WebM), shown by the video pages that choose it.

    Managed in the admin under Video files; never served from /media/.
    """

    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(
        _("file"),
        upload_to=video_upload_to,
        validators=[validate_video_upload],
        help_text=_("An MP4 or WebM video."),
    )
    content_type = models.CharField(max_length=40, editable=False, default="")
    size = models.PositiveBigIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("file")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("video file")
        verbose_name_plural = _("video files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """Record what the content check found, so the file is named and served by its real
        type (not the extension the uploader gave it)."""
        if self.file and not getattr(self.file, "_committed", True):
            self.file.seek(0)
            self.content_type = sniff_video(self.file.read(64)) or ""
            self.file.seek(0)
            self.size = self.file.size or 0


@receiver(post_delete, sender=VideoFile)
def delete_stored_file(sender, instance: VideoFile, **kwargs) -> None:
    """A deleted upload takes its stored file with it, once the deletion is committed (a
    rolled-back delete keeps both), and the cached pages that played it go too."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    page_cache_purge()


@receiver(post_save, sender=VideoFile)
def purge_pages_playing_it(sender, instance: VideoFile, created: bool, **kwargs) -> None:
    """A replaced upload (new file, type or title) shows on every page that plays it."""
    if not created:
        page_cache_purge()
