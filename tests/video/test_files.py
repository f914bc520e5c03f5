"""Uploaded videos: checked by content and size, stored privately per tenant, served with Range
requests (so seeking works) only to visitors who may open the video's page."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django_tenants.utils import tenant_context

from tests.conftest import TenantClient, host_of, login_on
from tests.video.conftest import TINY_WEBM, restrict_to_signed_in

pytestmark = pytest.mark.django_db

DATA = TINY_WEBM.read_bytes()
SIZE = len(DATA)


def file_url(videos):
    return f"/video-files/{videos['tour'].pk}/"


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_whole_file(videos_a, client_a):
    response = client_a.get(file_url(videos_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/webm"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SIZE)
    assert "private" in response["Cache-Control"]
    assert body(response) == DATA


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),  # a slice
        ("bytes=1000-", 1000, SIZE - 1),  # open ended
        ("bytes=-500", SIZE - 500, SIZE - 1),  # the last 500 bytes
        (f"bytes=100-{SIZE * 2}", 100, SIZE - 1),  # past the end: cut to the end
        (f"bytes=-{SIZE * 2}", 0, SIZE - 1),  # suffix longer than the file
    ],
)
def test_partial_content(videos_a, client_a, header, first, last):
    response = client_a.get(file_url(videos_a), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body(response) == DATA[first : last + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_unsatisfiable_range(videos_a, client_a, header):
    response = client_a.get(file_url(videos_a), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-9", "bytes=9-1", "bytes=x-y"])
def test_ranges_we_do_not_serve_fall_back_to_the_whole_file(videos_a, client_a, header):
    response = client_a.get(file_url(videos_a), HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == DATA


def test_if_range_with_a_stale_etag_gets_the_whole_file(videos_a, client_a):
    etag = client_a.head(file_url(videos_a))["ETag"]
    response = client_a.get(file_url(videos_a), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert response.status_code == 206
    response = client_a.get(file_url(videos_a), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert response.status_code == 200


def test_head(videos_a, client_a):
    response = client_a.head(file_url(videos_a))
    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == b""
    response = client_a.head(file_url(videos_a), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{SIZE}"
    assert response["Content-Length"] == "10"


def test_writes_are_refused(videos_a, client_a):
    assert client_a.post(file_url(videos_a)).status_code in (403, 405)


def test_private_video_file_is_refused_until_signed_in(videos_a, tenant_a, client_a):
    from django.contrib.auth import get_user_model

    restrict_to_signed_in(tenant_a, videos_a["tour"])
    assert client_a.get(file_url(videos_a)).status_code == 404
    assert client_a.get(file_url(videos_a), HTTP_RANGE="bytes=0-9").status_code == 404
    with tenant_context(tenant_a):
        user = get_user_model().objects.create_user(
            username="carol@customer.example", email="carol@customer.example", password="x"
        )
    customer = login_on(TenantClient(host_of(tenant_a)), tenant_a, user)
    response = customer.get(file_url(videos_a), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206


def test_unpublished_video_file_is_refused(videos_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        videos_a["tour"].unpublish()
    assert client_a.get(file_url(videos_a)).status_code == 404


def test_files_are_stored_per_tenant_and_not_served_as_public_media(
    videos_a, tenant_a, admin_client_a, media_root
):
    name = videos_a["upload"].file.name
    assert name.startswith("private/videos/") and name.endswith(".webm")
    assert (media_root / tenant_a.schema_name / name).read_bytes() == DATA
    # even the tenant's own admin cannot fetch it through the public media door
    assert admin_client_a.get(f"/media/{tenant_a.schema_name}/{name}").status_code == 404
    assert admin_client_a.get(f"/media/{tenant_a.schema_name}/./{name}").status_code == 404


def test_upload_is_checked_by_content(tenant_a):
    from modules.video.services import video_file_create

    with tenant_context(tenant_a):
        with pytest.raises(ValidationError) as error:
            video_file_create(
                title="Fake", file=ContentFile(b"<html>not a video</html>" * 10, name="a.mp4")
            )
        assert "not an MP4 or WebM" in str(error.value)
        mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 100
        upload = video_file_create(title="Real", file=ContentFile(mp4, name="clip.webm"))
        assert upload.content_type == "video/mp4"
        assert upload.file.name.endswith(".mp4")  # named by what it is, not what it claims
        assert upload.size == len(mp4)
        mkv = DATA.replace(b"webm", b"mkvx", 1)
        with pytest.raises(ValidationError):
            video_file_create(title="Matroska", file=ContentFile(mkv, name="a.webm"))
        assert connection.schema_name == tenant_a.schema_name


def test_upload_size_is_limited(tenant_a, settings):
    from modules.video.services import video_file_create

    settings.VIDEO_MAX_UPLOAD_SIZE = 1000
    with tenant_context(tenant_a), pytest.raises(ValidationError) as error:
        video_file_create(title="Big", file=ContentFile(DATA, name="big.webm"))
    assert "at most" in str(error.value)


def test_admin_uploads_a_video_file(tenant_a, admin_client_a):
    from modules.video.files import VideoFile

    url = "/admin/snippets/video/videofile/add/"
    assert admin_client_a.get(url).status_code == 200
    with TINY_WEBM.open("rb") as handle:
        response = admin_client_a.post(url, {"title": "Tour", "file": handle})
    assert response.status_code == 302
    with tenant_context(tenant_a):
        upload = VideoFile.objects.get(title="Tour")
        assert upload.content_type == "video/webm"
    fake = ContentFile(b"GIF89a" + b"\x00" * 200, name="cat.webm")
    response = admin_client_a.post(url, {"title": "Cat", "file": fake})
    assert response.status_code == 200
    assert "not an MP4 or WebM video" in response.content.decode()


def test_deleting_an_upload_removes_its_stored_file(
    videos_a, tenant_a, media_root, django_capture_on_commit_callbacks
):
    upload = videos_a["upload"]
    with tenant_context(tenant_a):
        stored = upload.file.path
        assert Path(stored).exists()
        with django_capture_on_commit_callbacks(execute=True):
            type(upload).objects.get(pk=upload.pk).delete()
    assert not Path(stored).exists()


def test_deleting_an_upload_purges_the_cached_page_that_played_it(videos_a, tenant_a):
    client = TenantClient(host_of(tenant_a))
    with tenant_context(tenant_a):
        url = videos_a["tour"].get_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit" and b"<video" in cached.content
    with tenant_context(tenant_a):
        videos_a["upload"].delete()
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert b"<video" not in after.content
