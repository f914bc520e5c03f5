"""oEmbed metadata for embedded videos, fetched through the SSRF-safe client when an editor
saves a video page; the page saves and renders without it when the provider is unreachable."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from modules.video.services import video_embed_metadata
from tests.local_http import LocalHTTPServer, json_body, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    """A stand-in for YouTube's and Vimeo's oEmbed endpoints, on 127.0.0.1."""
    server = LocalHTTPServer()
    server.routes["/youtube"] = json_body(
        {
            "title": "Invite your team (YouTube)",
            "thumbnail_url": "https://i.ytimg.com/vi/aqz-KE-bpKQ/hqdefault.jpg",
            "type": "video",
        }
    )
    server.routes["/vimeo"] = json_body(
        {
            "title": "Profile tour",
            "thumbnail_url": "http://insecure.example/thumb.jpg",
            "duration": 208,
        }
    )
    server.start()
    settings.SAFE_HTTP_ALLOWED_PORTS = [80, 443, server.port]
    settings.SAFE_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.VIDEO_OEMBED_ENDPOINTS = {
        "youtube": server.url("/youtube"),
        "vimeo": server.url("/vimeo"),
    }
    yield server
    server.stop()


def test_metadata_from_the_providers(provider):
    data = video_embed_metadata(url="https://youtu.be/aqz-KE-bpKQ")
    assert data == {
        "title": "Invite your team (YouTube)",
        "thumbnail_url": "https://i.ytimg.com/vi/aqz-KE-bpKQ/hqdefault.jpg",
    }
    # the endpoint is asked about the canonical address built from the id
    assert (
        "url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3Daqz-KE-bpKQ"
        in (provider.requests[-1]["path"])
    )
    data = video_embed_metadata(url="https://vimeo.com/76979871")
    assert data == {"title": "Profile tour", "duration": 208}  # http thumbnails are dropped


def test_metadata_failures_give_nothing(provider, settings):
    provider.routes["/youtube"] = text("<html>not json</html>")
    assert video_embed_metadata(url="https://youtu.be/aqz-KE-bpKQ") == {}
    provider.routes["/youtube"] = json_body({"error": "gone"}, status=404)
    assert video_embed_metadata(url="https://youtu.be/aqz-KE-bpKQ") == {}
    assert video_embed_metadata(url="https://evil.example/x") == {}
    settings.SAFE_HTTP_ALLOWED_NETWORKS = []  # the endpoint is now a private address: refused
    before = len(provider.requests)
    assert video_embed_metadata(url="https://vimeo.com/76979871") == {}
    assert len(provider.requests) == before


def _page_form(**fields) -> dict:
    data = {
        "title": "Invite your team",
        "slug": "invite-your-team",
        "summary": "",
        "video_file": "",
        "embed_url": "",
        "poster": "",
        "duration": "",
        "transcript": "[0:00] Hello.",
        "chapters": inline_formset(
            [{"timestamp": "0:00", "title": "Intro"}, {"timestamp": "1:05", "title": "Roles"}]
        ),
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(fields)
    return nested_form_data(data)


def _add_url(tenant):
    from modules.video.pages import VideoLibraryPage

    with tenant_context(tenant):
        library = VideoLibraryPage.objects.get()
    return f"/admin/pages/add/video/videopage/{library.pk}/"


def test_editor_saves_an_embed_and_gets_its_metadata(provider, tenant_a, admin_client_a):
    from modules.video.pages import VideoPage

    response = admin_client_a.post(
        _add_url(tenant_a), _page_form(embed_url="https://vimeo.com/76979871")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant_a):
        page = VideoPage.objects.get(slug="invite-your-team")
        assert page.live
        assert page.embed_title == "Profile tour"
        assert page.duration == 208
        assert [c["title"] for c in page.chapter_list()] == ["Intro", "Roles"]


def test_editor_saves_while_the_provider_is_unreachable(
    settings, tenant_a, admin_client_a, client_a
):
    from modules.video.pages import VideoPage

    settings.VIDEO_OEMBED_ENDPOINTS = {"youtube": "http://127.0.0.1:9/oembed"}  # refused anyway
    response = admin_client_a.post(
        _add_url(tenant_a),
        _page_form(embed_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ", duration="90"),
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        page = VideoPage.objects.get(slug="invite-your-team")
        assert page.embed_title == "" and page.duration == 90
    body = client_a.get("/videos/invite-your-team/").content.decode()
    assert "youtube-nocookie.com/embed/aqz-KE-bpKQ" in body


def test_editor_gets_form_errors_for_bad_input(provider, tenant_a, admin_client_a):
    response = admin_client_a.post(
        _add_url(tenant_a),
        _page_form(
            embed_url="https://evil.example/watch?v=aqz-KE-bpKQ",
            chapters=inline_formset([{"timestamp": "1:75", "title": "Bad"}]),
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "YouTube or Vimeo video" in body
    assert "minutes:seconds" in body
    assert provider.requests == []  # nothing fetched for an address that is not allowed
