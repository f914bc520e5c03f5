"""Private videos are private everywhere: library, series, next-video link, search, API, file."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from tests.conftest import TenantClient, host_of, login_on
from tests.video.conftest import restrict_to_signed_in

pytestmark = pytest.mark.django_db


def doors(client, videos) -> dict[str, bool]:
    """Where the "Invite your team" video shows up for this client."""
    title = "Invite your team"
    api = client.get("/api/v1/videos/").json()["results"]
    return {
        "library": title in client.get("/videos/").content.decode(),
        "series": title in client.get("/videos/getting-started/").content.decode(),
        "next": title in client.get("/videos/getting-started/tour/").content.decode(),
        "search": title in client.get("/search/?q=roles").content.decode(),
        "api": any(row["title"] == title for row in api),
        "api-detail": client.get(f"/api/v1/videos/{videos['invite'].pk}/").status_code == 200,
        "page": client.get("/videos/getting-started/invite/").status_code == 200,
    }


def test_signed_in_only_video(videos_a, tenant_a, client_a):
    restrict_to_signed_in(tenant_a, videos_a["invite"])
    assert not any(doors(client_a, videos_a).values()), doors(client_a, videos_a)
    # the series skips it: the tour's next video is the one after it
    page = client_a.get("/videos/getting-started/tour/").content.decode()
    assert "Next video: Your profile" in page
    with tenant_context(tenant_a):
        user = get_user_model().objects.create_user(
            username="dan@customer.example", email="dan@customer.example", password="x"
        )
    customer = login_on(TenantClient(host_of(tenant_a)), tenant_a, user)
    assert all(doors(customer, videos_a).values()), doors(customer, videos_a)


def test_private_series_hides_all_its_videos(videos_a, tenant_a, client_a):
    restrict_to_signed_in(tenant_a, videos_a["series"])
    library = client_a.get("/videos/").content.decode()
    assert "Getting started" not in library and "Take the tour" not in library
    assert "What&#x27;s new this month" in library
    titles = {row["title"] for row in client_a.get("/api/v1/videos/").json()["results"]}
    assert titles == {"What's new this month"}
    assert client_a.get(f"/video-files/{videos_a['tour'].pk}/").status_code == 404
    assert "Take the tour" not in client_a.get("/search/?q=spreadsheet").content.decode()


def test_draft_videos_are_not_listed(videos_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        videos_a["profile"].unpublish()
    assert "Your profile" not in client_a.get("/videos/getting-started/").content.decode()
    assert (
        "last video of the series"
        in client_a.get("/videos/getting-started/invite/").content.decode()
    )
