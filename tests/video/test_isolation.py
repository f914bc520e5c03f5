"""Videos made in tenant A cannot be reached from tenant B: not by page, API, search or file."""

import pytest
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def test_pages_are_per_tenant(videos_a, client_a, client_b):
    for url in ("/videos/", "/videos/getting-started/", "/videos/getting-started/tour/"):
        assert client_a.get(url).status_code == 200, url
        response = client_b.get(url)
        # B has its own (empty) library at /videos/; A's series and videos do not exist there
        assert response.status_code == (200 if url == "/videos/" else 404), url
        assert "Take the tour" not in response.content.decode()


@pytest.fixture
def video_b(tenant_b):
    """Tenant B's own video, so B's API and search have something to show: its own."""
    from modules.video.pages import VideoLibraryPage
    from modules.video.services import video_page_create

    with tenant_context(tenant_b):
        return video_page_create(
            parent=VideoLibraryPage.objects.get(),
            title="Spreadsheet export for B",
            embed_url="https://vimeo.com/76979871",
            transcript="[0:00] Export a spreadsheet.",
        )


def test_api_is_per_tenant(videos_a, video_b, client_a, client_b):
    rows = client_a.get("/api/v1/videos/").json()["results"]
    assert len(rows) == 4
    b_rows = client_b.get("/api/v1/videos/").json()["results"]
    assert [row["title"] for row in b_rows] == ["Spreadsheet export for B"]
    by_id = client_b.get(f"/api/v1/videos/{rows[0]['id']}/")
    assert "Take the tour" not in by_id.content.decode()  # ids repeat across schemas


def test_search_is_per_tenant(videos_a, video_b, client_a, client_b):
    body_a = client_a.get("/search/", {"q": "spreadsheet"}).content.decode()
    assert "Take the tour" in body_a and "Spreadsheet export for B" not in body_a
    body = client_b.get("/search/", {"q": "spreadsheet"}).content.decode()
    assert "Spreadsheet export for B" in body
    assert "Take the tour" not in body and "/videos/getting-started/" not in body


def test_files_are_per_tenant(videos_a, tenant_a, tenant_b, client_a, client_b, admin_client_b):
    url = f"/video-files/{videos_a['tour'].pk}/"
    assert client_a.get(url).status_code == 200
    assert client_b.get(url).status_code == 404
    assert client_b.get(url, HTTP_RANGE="bytes=0-9").status_code == 404
    name = videos_a["upload"].file.name
    for schema in (tenant_a.schema_name, tenant_b.schema_name):
        assert admin_client_b.get(f"/media/{schema}/{name}").status_code == 404
    with tenant_context(tenant_b):
        from modules.video.files import VideoFile

        assert not VideoFile.objects.exists()


def test_admin_of_b_cannot_see_a_files(videos_a, admin_client_b):
    body = admin_client_b.get("/admin/snippets/video/videofile/").content.decode()
    assert "Portal tour" not in body
    assert (
        admin_client_b.get(
            f"/admin/snippets/video/videofile/edit/{videos_a['upload'].pk}/"
        ).status_code
        == 404
    )
