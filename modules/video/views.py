"""Serving uploaded video files: /video-files/<page id>/.

The file is served only to someone who may open the video page showing it (page privacy, the
module switch and the tenant all apply), and it answers HTTP Range requests so the browser can
seek: 206 Partial Content for one satisfiable range, 416 when none is, the whole file otherwise.
"""

from __future__ import annotations

import re
from email.utils import formatdate

from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.utils.http import quote_etag

from modules.video.selectors import video_page_for_file

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^bytes=(?P<start>\d*)-(?P<end>\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """The (first, last) byte of a single `Range: bytes=…` header for a file of `size` bytes.

    None: no usable range (absent, malformed or several ranges: the whole file is sent).
    False: the range cannot be satisfied (416).
    """
    match = _RANGE.match((header or "").replace(" ", ""))
    if match is None:
        return None
    start_text, end_text = match["start"], match["end"]
    if not start_text and not end_text:
        return None
    if not start_text:  # suffix: the last N bytes
        length = int(end_text)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(start_text)
    if start >= size:
        return False
    end = int(end_text) if end_text else size - 1
    if end < start:
        return None
    return start, min(end, size - 1)


def _chunks(handle, start: int, length: int):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK_SIZE, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def video_file(request, page_id: int):
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    page = video_page_for_file(request=request, page_id=page_id)
    upload = page.video_file
    storage, name = upload.file.storage, upload.file.name
    size = storage.size(name)
    modified = storage.get_modified_time(name)
    etag = quote_etag(f"{upload.pk}-{size}-{int(modified.timestamp())}")
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": formatdate(modified.timestamp(), usegmt=True),
        # the answer depends on who asks (page privacy): never stored by shared caches
        "Cache-Control": "private, max-age=3600",
        "Content-Disposition": "inline",
        "X-Content-Type-Options": "nosniff",
    }
    content_type = upload.content_type or "application/octet-stream"

    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=headers)

    wanted = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and (if_range is None or if_range == etag):
        wanted = parse_range(request.headers["Range"], size)
    if wanted is False:
        headers["Content-Range"] = f"bytes */{size}"
        return HttpResponse(status=416, headers=headers)

    if wanted is None:
        start, length, status = 0, size, 200
    else:
        start, end = wanted
        length, status = end - start + 1, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(length)

    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type, headers=headers)
        response["Content-Length"] = str(length)
        return response
    return StreamingHttpResponse(
        _chunks(storage.open(name, "rb"), start, length),
        status=status,
        content_type=content_type,
        headers=headers,
    )
