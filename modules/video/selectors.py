"""Reads of video pages that respect who is asking (visibility itself is the portal's:
cms.visibility, Wagtail page privacy applied to every list, link, search result and API row)."""

from __future__ import annotations

from django.http import Http404

from cms.visibility import can_view, visible_pages

__all__ = ["can_view", "video_page_for_file", "visible_pages"]


def video_page_for_file(*, request, page_id: int):
    """The live video page `page_id` with an uploaded file, if `request` may watch it; 404
    otherwise (a private video's file is as unreachable as its page)."""
    from modules.video.pages import VideoPage

    page = (
        visible_pages(VideoPage.objects.filter(pk=page_id), request)
        .select_related("video_file")
        .first()
    )
    if page is None or page.video_file is None or not page.video_file.file:
        raise Http404
    return page
