"""With the module switched off a tenant has no videos: pages, API, files and search answer as
if it did not exist. Another tenant is unaffected."""

import pytest

from tests.video.conftest import make_videos, switch

pytestmark = pytest.mark.django_db


def test_module_off(videos_a, tenant_a, tenant_b, client_a, client_b):
    make_videos(tenant_b)
    switch(tenant_a, False)
    for url in ("/videos/", "/videos/getting-started/", "/videos/getting-started/tour/"):
        assert client_a.get(url).status_code == 404, url
    assert client_a.get(f"/video-files/{videos_a['tour'].pk}/").status_code == 404
    assert client_a.get("/api/v1/videos/").status_code == 404
    assert client_a.get(f"/api/v1/videos/{videos_a['tour'].pk}/").status_code == 404
    body = client_a.get("/search/", {"q": "spreadsheet"}).content.decode()
    assert "Take the tour" not in body
    assert 'href="/videos/"' not in client_a.get("/").content.decode()  # gone from the menu

    # tenant B still has its own
    assert client_b.get("/videos/getting-started/tour/").status_code == 200
    assert client_b.get("/api/v1/videos/").status_code == 200

    switch(tenant_a, True)
    assert client_a.get("/videos/getting-started/tour/").status_code == 200
    assert client_a.get(f"/video-files/{videos_a['tour'].pk}/").status_code == 200


def test_video_pages_cannot_be_created_while_off(videos_a, tenant_a, admin_client_a):
    from django_tenants.utils import tenant_context

    from modules.video.pages import VideoPage

    url = f"/admin/pages/add/video/videopage/{videos_a['series'].pk}/"
    assert admin_client_a.get(url).status_code == 200
    switch(tenant_a, False)
    with tenant_context(tenant_a):
        assert not VideoPage.can_create_at(videos_a["series"])
    refused = admin_client_a.get(url)
    assert refused.status_code in (302, 403, 404)
    assert refused.status_code != 302 or refused["Location"] == "/admin/"
    admin_client_a.post(
        url,
        {
            "title": "Sneaky",
            "slug": "sneaky",
            "embed_url": "https://vimeo.com/1",
            "action-publish": "1",
        },
    )
    with tenant_context(tenant_a):
        assert not VideoPage.objects.filter(slug="sneaky").exists()
