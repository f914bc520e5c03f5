"""Timestamps, transcripts and provider addresses: what editors type, parsed or refused."""

import pytest
from django.core.exceptions import ValidationError

from modules.video.timecodes import (
    format_duration,
    iso_duration,
    parse_embed_url,
    parse_timestamp,
    parse_transcript,
    transcript_errors,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0:00", 0),
        ("4:05", 245),
        ("04:05", 245),
        ("59:59", 3599),
        ("1:02:03", 3723),
        ("120:00", 7200),
        (" 2:10 ", 130),
    ],
)
def test_timestamps_parse(text, seconds):
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "5", "4:5", "4:60", "1:60:00", "a:bc", "1:2:3", "-1:00", "25:00:00", "4.05"]
)
def test_bad_timestamps_are_refused(text):
    with pytest.raises(ValidationError):
        parse_timestamp(text)


def test_durations_are_shown_as_minutes_and_seconds():
    assert format_duration(None) == ""
    assert format_duration(5) == "0:05"
    assert format_duration(245) == "4:05"
    assert format_duration(3723) == "1:02:03"
    assert iso_duration(245) == "PT4M5S"
    assert iso_duration(3600) == "PT1H"
    assert iso_duration(None) == ""


def test_transcript_cues_and_continuations():
    cues = parse_transcript(
        "Intro without a time.\n[0:05] First cue\ncontinues here\n\nFree paragraph.\n"
        "[1:02:03] Late cue\n[9:99] not a time"
    )
    assert [(cue.seconds, cue.text) for cue in cues] == [
        (None, "Intro without a time."),
        (5, "First cue continues here"),
        (None, "Free paragraph."),
        (3723, "Late cue [9:99] not a time"),
    ]
    assert transcript_errors("[0:05] ok\n[9:99] bad\n[1:00:75] bad") == ["9:99", "1:00:75"]


@pytest.mark.parametrize(
    ("url", "provider", "video_id", "player"),
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "youtube",
            "aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ("https://youtu.be/aqz-KE-bpKQ?t=10", "youtube", "aqz-KE-bpKQ", None),
        ("https://m.youtube.com/shorts/aqz-KE-bpKQ", "youtube", "aqz-KE-bpKQ", None),
        ("https://www.youtube.com/embed/aqz-KE-bpKQ", "youtube", "aqz-KE-bpKQ", None),
        (
            "https://vimeo.com/76979871",
            "vimeo",
            "76979871",
            "https://player.vimeo.com/video/76979871",
        ),
        ("https://player.vimeo.com/video/76979871?h=abc", "vimeo", "76979871", None),
    ],
)
def test_provider_addresses(url, provider, video_id, player):
    embed = parse_embed_url(url)
    assert (embed.provider, embed.video_id) == (provider, video_id)
    if player:
        assert embed.player_url == player


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=aqz-KE-bpKQ",
        "https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ",
        "https://www.youtube.com/watch?v=short",
        'https://www.youtube.com/watch?v=aqz-KE-bpKQ"><script>',
        "javascript:alert(1)//youtube.com/watch?v=aqz-KE-bpKQ",
        "https://user@www.youtube.com/watch?v=aqz-KE-bpKQ",
        "https://vimeo.com/about",
        "ftp://vimeo.com/76979871",
        "",
    ],
)
def test_other_addresses_are_refused(url):
    with pytest.raises(ValidationError):
        parse_embed_url(url)


def test_player_start_times():
    youtube = parse_embed_url("https://youtu.be/aqz-KE-bpKQ")
    vimeo = parse_embed_url("https://vimeo.com/76979871")
    assert (
        youtube.player_url_at(65) == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=65"
    )
    assert vimeo.player_url_at(65) == "https://player.vimeo.com/video/76979871#t=65s"
    assert youtube.player_url_at(0) == youtube.player_url
