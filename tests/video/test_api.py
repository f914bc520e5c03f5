"""/api/v1/videos/: fields, order, query count, and its place in the OpenAPI schema."""

import pytest
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def test_list_and_detail_fields(videos_a, client_a):
    response = client_a.get("/api/v1/videos/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["title"] for row in rows] == [
        "Take the tour",
        "Invite your team",
        "Your profile",
        "What's new this month",
    ]
    tour, invite, profile, loose = rows
    assert tour["url"] == "http://alpha.localhost/videos/getting-started/tour/"
    assert tour["provider"] == "upload"
    assert tour["file_url"] == f"http://alpha.localhost/video-files/{videos_a['tour'].pk}/"
    assert tour["embed_url"] == ""
    assert tour["duration"] == 6 and tour["duration_display"] == "0:06"
    assert tour["chapters"] == [
        {"seconds": 0, "stamp": "0:00", "title": "Welcome"},
        {"seconds": 2, "stamp": "0:02", "title": "Dashboard overview"},
        {"seconds": 4, "stamp": "0:04", "title": "Export"},
    ]
    assert "[0:04] Export everything to a spreadsheet" in tour["transcript"]
    assert tour["series"] == {
        "id": videos_a["series"].pk,
        "title": "Getting started",
        "url": "/videos/getting-started/",
    }
    assert invite["provider"] == "youtube"
    assert invite["embed_url"] == "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"
    assert invite["poster_url"] == "https://i.ytimg.com/vi/aqz-KE-bpKQ/hqdefault.jpg"
    assert invite["file_url"] == ""
    assert profile["embed_url"] == "https://player.vimeo.com/video/76979871"
    assert profile["duration"] is None
    assert loose["series"] is None

    detail = client_a.get(f"/api/v1/videos/{tour['id']}/").json()
    assert detail == tour


def test_list_has_no_n_plus_one(videos_a, tenant_a, client_a, django_assert_max_num_queries):
    from modules.video.services import video_page_create

    with tenant_context(tenant_a):
        for number in range(8):
            video_page_create(
                parent=videos_a["series"],
                title=f"Extra {number}",
                slug=f"extra-{number}",
                embed_url="https://vimeo.com/1234",
                chapters=[("0:00", "Start"), ("0:30", "Middle")],
            )
    client_a.get("/api/v1/videos/")  # warm the per-process caches (site root, modules)
    with django_assert_max_num_queries(14):
        response = client_a.get("/api/v1/videos/")
    assert len(response.json()["results"]) == 12


def test_unknown_video_is_problem_json(videos_a, client_a):
    response = client_a.get("/api/v1/videos/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert client_a.get("/api/v1/videos/not-a-number/").status_code == 404


def test_read_only(videos_a, client_a):
    assert client_a.post("/api/v1/videos/", {}).status_code in (401, 403, 405)


def test_in_the_openapi_schema(client_a):
    response = client_a.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/videos/" in schema["paths"]
    assert "/api/v1/videos/{id}/" in schema["paths"]
    video = schema["components"]["schemas"]["Video"]["properties"]
    for name in (
        "title",
        "url",
        "summary",
        "duration",
        "chapters",
        "transcript",
        "poster_url",
        "embed_url",
        "file_url",
        "series",
    ):
        assert name in video, name
