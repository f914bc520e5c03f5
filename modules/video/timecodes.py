"""Timestamps ("1:05", "01:02:03"), transcripts with "[mm:ss]" cues, and provider embed URLs.

Pure functions: no database, no network. The page types, forms and API use them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_SECONDS = 24 * 3600
_TIMESTAMP = re.compile(r"^(?:(?P<h>\d{1,2}):(?P<m1>[0-5]\d)|(?P<m2>\d{1,3})):(?P<s>[0-5]\d)$")
_CUE = re.compile(r"^\s*\[(?P<stamp>\d{1,3}(?::\d{2}){1,2})\]\s*(?P<text>.*)$")


def parse_timestamp(value: str) -> int:
    """Seconds in "m:ss", "mm:ss" or "h:mm:ss"; ValidationError if it is not one of those."""
    match = _TIMESTAMP.match((value or "").strip())
    if match is None:
        raise ValidationError(
            _("Enter a time as minutes:seconds (4:05) or hours:minutes:seconds (1:04:05)."),
            code="invalid_timestamp",
        )
    hours = int(match["h"] or 0)
    minutes = int(match["m1"] or match["m2"] or 0)
    seconds = hours * 3600 + minutes * 60 + int(match["s"])
    if seconds >= MAX_SECONDS:
        raise ValidationError(_("A video cannot be longer than a day."), code="too_long")
    return seconds


def validate_timestamp(value: str) -> None:
    parse_timestamp(value)


def format_duration(seconds: int | None) -> str:
    """ "4:05" or "1:04:05" (empty for no duration)."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def iso_duration(seconds: int | None) -> str:
    """ISO 8601 duration ("PT4M5S") as schema.org expects it."""
    if not seconds:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or text == "PT":
        text += f"{secs}S"
    return text


@dataclass(frozen=True)
class Cue:
    """One paragraph of a transcript; `seconds` is None for text without a "[mm:ss]" mark."""

    seconds: int | None
    stamp: str
    text: str


def parse_transcript(text: str) -> list[Cue]:
    """Split a transcript into cues: a line starting with "[mm:ss]" (or "[h:mm:ss]") begins a
    cue at that time; other lines continue the cue above them; blank lines end a paragraph."""
    cues: list[Cue] = []
    current: list = []  # [seconds, stamp, lines]

    def flush():
        if current and " ".join(current[2]).strip():
            cues.append(Cue(current[0], current[1], " ".join(current[2]).strip()))
        current.clear()

    for line in (text or "").splitlines():
        match = _CUE.match(line)
        seconds = None
        if match is not None:
            try:
                seconds = parse_timestamp(match["stamp"])
            except ValidationError:
                seconds = None
        if seconds is not None:
            flush()
            current.extend([seconds, match["stamp"], [match["text"]]])
        elif not line.strip():
            flush()
        elif current:
            current[2].append(line.strip())
        else:
            current.extend([None, "", [line.strip()]])
    flush()
    return cues


def transcript_errors(text: str) -> list[str]:
    """Lines that look like cues but whose time is not valid (e.g. "[7:75]")."""
    bad = []
    for line in (text or "").splitlines():
        match = _CUE.match(line)
        if match is None:
            continue
        try:
            parse_timestamp(match["stamp"])
        except ValidationError:
            bad.append(match["stamp"])
    return bad


# --- provider embeds --------------------------------------------------------------------------

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^\d{1,12}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com"}
YOUTUBE_HOSTS |= {"www.youtube-nocookie.com", "youtu.be"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


@dataclass(frozen=True)
class Embed:
    provider: str  # "youtube" or "vimeo"
    video_id: str

    @property
    def player_url(self) -> str:
        """The iframe address, built from the id alone (never the URL the editor typed)."""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        return f"https://player.vimeo.com/video/{self.video_id}"

    def player_url_at(self, seconds: int) -> str:
        if not seconds:
            return self.player_url
        if self.provider == "youtube":
            return f"{self.player_url}?start={int(seconds)}"
        return f"{self.player_url}#t={int(seconds)}s"

    @property
    def watch_url(self) -> str:
        """The canonical public address, as oEmbed endpoints expect it."""
        if self.provider == "youtube":
            return f"https://www.youtube.com/watch?v={self.video_id}"
        return f"https://vimeo.com/{self.video_id}"

    @property
    def thumbnail_url(self) -> str:
        """A poster that needs no lookup (YouTube publishes one per id); empty for Vimeo."""
        if self.provider == "youtube":
            return f"https://i.ytimg.com/vi/{self.video_id}/hqdefault.jpg"
        return ""


def parse_embed_url(url: str) -> Embed:
    """The provider and video id of a YouTube or Vimeo address; ValidationError otherwise."""
    invalid = ValidationError(
        _("Enter the address of a YouTube or Vimeo video (for example https://youtu.be/…)."),
        code="invalid_embed",
    )
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        raise invalid from None
    if parts.scheme not in {"http", "https"} or parts.username or parts.password:
        raise invalid
    host = (parts.hostname or "").lower().rstrip(".")
    segments = [segment for segment in parts.path.split("/") if segment]
    video_id = ""
    if host == "youtu.be":
        video_id = segments[0] if segments else ""
    elif host in YOUTUBE_HOSTS:
        if segments[:1] == ["watch"] or not segments:
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) >= 2 and segments[0] in {"embed", "shorts", "live", "v"}:
            video_id = segments[1]
        if not _YOUTUBE_ID.match(video_id):
            raise invalid
        return Embed("youtube", video_id)
    elif host in VIMEO_HOSTS:
        if host == "player.vimeo.com" and segments[:1] == ["video"]:
            segments = segments[1:]
        video_id = next((s for s in segments if _VIMEO_ID.match(s)), "")
        if not video_id:
            raise invalid
        return Embed("vimeo", video_id)
    else:
        raise invalid
    if not _YOUTUBE_ID.match(video_id):
        raise invalid
    return Embed("youtube", video_id)
