"""Video pages as a visitor sees them: library, series, player, chapters, transcript, next video,
the ?t= start time without JavaScript, JSON-LD, and the editor's checks."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def html(client, url, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response.content.decode()


def test_library_lists_series_and_loose_videos(videos_a, client_a):
    page = html(client_a, "/videos/")
    assert "Watch and learn." in page
    assert '<a href="/videos/getting-started/">Getting started</a>' in page
    # the series' videos in order, numbered, with their length
    tour, invite, profile = (page.index(t) for t in ("Take the tour", "Invite your", "Your prof"))
    assert tour < invite < profile
    assert "2:05" in page
    assert "More videos" in page and "What&#x27;s new this month" in page
    # the module has its own link in the portal's navigation
    assert 'href="/videos/"' in page


def test_series_page_lists_its_videos(videos_a, client_a):
    page = html(client_a, "/videos/getting-started/")
    assert "Start here." in page
    assert "3 videos" in page
    assert page.index("Take the tour") < page.index("Invite your team") < page.index("Your profile")
    assert "What&#x27;s new" not in page


def test_uploaded_video_page(videos_a, client_a):
    page = html(client_a, "/videos/getting-started/tour/")
    pk = videos_a["tour"].pk
    assert re.search(r'<video id="video-player"[^>]*aria-label="Video: Take the tour"', page)
    assert f'<source src="/video-files/{pk}/" type="video/webm">' in page
    # chapters are links that work without JavaScript, in time order
    assert 'href="?t=2" data-seek="2"' in page
    chapters = page.split('<nav class="video-chapters"', 1)[1].split("</nav>", 1)[0]
    assert (
        chapters.index("Welcome") < chapters.index("Dashboard overview") < chapters.index("Export")
    )
    # the transcript is a labelled region with clickable cues
    assert 'aria-labelledby="video-transcript-title"' in page
    assert (
        "Open the dashboard to see your open requests. This line continues the cue above." in page
    )
    assert 'aria-label="Play from 0:04"' in page
    # next video in the series, and the series as a list
    assert 'rel="next">Next video: Invite your team</a>' in page
    assert 'aria-current="page">Take the tour</a>' in page
    assert "video/video.js" in page
    assert "Was this video helpful?" in page  # the feedback widget, as on articles


def test_start_time_from_the_address(videos_a, client_a):
    page = html(client_a, "/videos/getting-started/tour/?t=4")
    assert f'<source src="/video-files/{videos_a["tour"].pk}/#t=4"' in page
    assert 'data-seek="4" aria-current="time"' in page
    page = html(client_a, "/videos/getting-started/invite/?t=1:05")
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=65"' in page
    page = html(client_a, "/videos/getting-started/invite/?t=nonsense")
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in page
    page = html(client_a, "/videos/getting-started/tour/?t=99999")  # past the end: from the start
    assert f'<source src="/video-files/{videos_a["tour"].pk}/"' in page


def test_embedded_videos_use_privacy_friendly_players_built_from_the_id(videos_a, client_a):
    page = html(client_a, "/videos/getting-started/invite/")
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in page
    assert "list=xyz" not in page.split("<iframe", 1)[1].split(">", 1)[0]
    assert 'title="Video: Invite your team"' in page
    assert 'rel="next">Next video: Your profile</a>' in page
    page = html(client_a, "/videos/getting-started/profile/")
    assert 'src="https://player.vimeo.com/video/76979871"' in page
    assert "last video of the series" in page
    page = html(client_a, "/videos/whats-new/")
    assert "Next video" not in page and "Series:" not in page


def test_structured_data(videos_a, client_a):
    page = html(client_a, "/videos/getting-started/invite/")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "VideoObject"
    assert data["name"] == "Invite your team"
    assert data["description"] == "Add colleagues by email."
    assert data["duration"] == "PT2M5S"
    assert data["embedUrl"] == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"
    assert data["thumbnailUrl"] == ["https://i.ytimg.com/vi/aqz-KE-bpKQ/hqdefault.jpg"]
    assert data["uploadDate"]
    assert data["hasPart"][1]["startOffset"] == 65
    page = html(client_a, "/videos/getting-started/tour/")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert data["contentUrl"] == f"http://alpha.localhost/video-files/{videos_a['tour'].pk}/"


def test_structured_data_cannot_end_its_script(videos_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        page = videos_a["invite"]
        page.summary = "</script><script>alert(1)</script>"
        page.save_revision().publish()
    body = html(client_a, "/videos/getting-started/invite/")
    assert "<script>alert(1)" not in body
    assert "\\u003C/script\\u003E" in body


def test_page_checks(videos_a, tenant_a):
    from modules.video.pages import VideoChapter, VideoPage

    with tenant_context(tenant_a):
        series = videos_a["series"]

        def invalid(**fields):
            page = VideoPage(title="X", slug="x", **fields)
            with pytest.raises(ValidationError) as error:
                series.add_child(instance=page)
            return error.value.message_dict

        assert "embed_url" in invalid()
        assert "embed_url" in invalid(embed_url="https://evil.example/v/1")
        assert "embed_url" in invalid(
            embed_url="https://vimeo.com/1", video_file=videos_a["upload"]
        )
        assert "transcript" in invalid(embed_url="https://vimeo.com/1", transcript="[7:75] x")
        chapter = VideoChapter(timestamp="1:75", title="Bad")
        with pytest.raises(ValidationError):
            chapter.full_clean(exclude=["page"])


def test_furnished_library_and_demo_content(tenant_b, client_b):
    from cms.models import HomePage
    from modules.video.pages import SeriesPage, VideoPage
    from modules.video.services import video_demo_content

    assert client_b.get("/videos/").status_code == 200  # every portal starts with a library
    with tenant_context(tenant_b):
        video_demo_content(home=HomePage.objects.get())
        video_demo_content(home=HomePage.objects.get())  # twice is harmless
        assert SeriesPage.objects.count() == 1
        videos = list(VideoPage.objects.order_by("path"))
        assert len(videos) == 3
        assert all(len(video.chapter_list()) == 4 for video in videos)
        assert all(len(video.cues()) >= 4 for video in videos)
        first_url = videos[0].url
    page = client_b.get(first_url).content.decode()
    assert "Next video: Open a request" in page
    assert (
        "Find an answer in under a minute"
        in client_b.get("/search/", {"q": "bookmark"}).content.decode()
    )
