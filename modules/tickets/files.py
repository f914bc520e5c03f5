"""Checking files customers and agents attach to tickets.

The type is decided by the file's content, never its name: the first bytes are matched against
known formats (`filetype`), and text is accepted only when it decodes as UTF-8 without control
bytes. What is allowed is a short list of documents, images and archives; HTML, SVG and
executables are refused whatever they are called. Files are stored under the tenant's protected
media folder and served only as downloads (`Content-Disposition: attachment`, `nosniff`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from cms import limits

# content type → extension the stored file gets
ALLOWED = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/gzip": "gz",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "video/mp4": "mp4",
    "text/plain": "txt",
    "text/csv": "csv",
}
TEXT_EXTENSIONS = {"txt": "text/plain", "log": "text/plain", "csv": "text/csv", "md": "text/plain"}
HTML_LIKE = re.compile(rb"<\s*(!doctype|html|script|svg|iframe|body|head|\?xml)", re.IGNORECASE)


@dataclass
class CheckedFile:
    filename: str
    content_type: str
    size: int
    content: ContentFile


def safe_filename(name: str, extension: str) -> str:
    """A name that is safe in a path and a header: letters, digits, dots, dashes; the extension
    the content deserves."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:80] or "file"
    return f"{stem}.{extension}"


def _sniff(head: bytes, data: bytes, name: str) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED else None
    # No binary signature: plain text is fine when it is text and not HTML in disguise.
    if b"\x00" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if HTML_LIKE.search(data[:4096]):
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f" for ch in text[:8192]):
        return None
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "txt"
    return TEXT_EXTENSIONS.get(extension, "text/plain")


def attachment_check(upload, *, max_bytes: int) -> CheckedFile:
    """Read an upload and decide whether it may be attached; raises ValidationError (under
    "attachments") with a message the person can act on."""
    name = getattr(upload, "name", "") or "file"
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            {
                "attachments": _("“%(name)s” is larger than %(size)d MB.")
                % {"name": os.path.basename(name), "size": max_bytes // (1024 * 1024)}
            }
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            {
                "attachments": _("“%(name)s” is larger than %(size)d MB.")
                % {"name": os.path.basename(name), "size": max_bytes // (1024 * 1024)}
            }
        )
    if not data:
        raise ValidationError({"attachments": _("“%(name)s” is empty.") % {"name": name}})
    if limits.storage_refusal(len(data)) is not None:
        raise ValidationError(
            {
                "attachments": _(
                    "Files cannot be attached at the moment. Send your message without them."
                )
            }
        )
    content_type = _sniff(data[:8192], data, name)
    if content_type is None:
        raise ValidationError(
            {
                "attachments": _(
                    "“%(name)s” is not a kind of file we accept. Attach images, PDFs, office "
                    "documents, text files or ZIP archives."
                )
                % {"name": os.path.basename(name)}
            }
        )
    filename = safe_filename(name, ALLOWED[content_type])
    return CheckedFile(filename, content_type, len(data), ContentFile(data, name=filename))
