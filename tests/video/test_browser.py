"""A video page in Chromium on a phone: clicking a chapter or a transcript cue seeks the uploaded
video (served with Range requests), the layout does not scroll sideways at 360 px, and without
JavaScript a chapter link reloads the page at that time (screenshots in test-results/)."""

from __future__ import annotations

import pytest

from tests.conftest import run_committed
from tests.video.conftest import make_videos

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

PLAYER = "document.getElementById('video-player')"


def _make():
    from tenants.models import Tenant

    videos = make_videos(Tenant.objects.get(slug="alpha"))
    return videos["series"].pk, videos["loose"].pk, videos["upload"].pk


def _drop(ids) -> None:
    from django_tenants.utils import tenant_context
    from wagtail.models import Page

    from modules.video.files import VideoFile
    from tenants.models import Tenant

    series_pk, loose_pk, upload_pk = ids
    with tenant_context(Tenant.objects.get(slug="alpha")):
        Page.objects.get(pk=series_pk).delete()
        Page.objects.get(pk=loose_pk).delete()
        VideoFile.objects.filter(pk=upload_pk).delete()


@pytest.fixture
def committed_videos():
    ids = run_committed(_make)
    yield
    run_committed(_drop, ids)


def test_chapters_seek_the_video_on_a_phone(
    browser, live_settings, screenshot_dir, committed_videos
):
    url = f"http://alpha.localhost:{live_settings.PLATFORM_PORT}/videos/getting-started/tour/"
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(f"{PLAYER}.readyState >= 1")  # metadata loaded through our file view
    assert page.evaluate(f"{PLAYER}.currentTime") == 0
    assert page.evaluate(f"Math.round({PLAYER}.duration)") == 6

    page.locator('.video-chapters a[data-seek="4"]').click()
    page.wait_for_function(f"{PLAYER}.currentTime >= 3.9")
    assert page.url.endswith("?t=4")
    assert page.locator('.video-chapters a[data-seek="4"]').get_attribute("aria-current") == "time"

    page.evaluate(f"{PLAYER}.pause()")
    page.get_by_role("link", name="Play from 0:02").click()
    page.wait_for_function(f"{PLAYER}.currentTime >= 1.9 && {PLAYER}.currentTime < 3.9")
    page.evaluate(f"{PLAYER}.pause()")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=screenshot_dir / "video-page-360.png", full_page=True)
    page.goto(url.removesuffix("getting-started/tour/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=screenshot_dir / "video-library-360.png", full_page=True)
    context.close()

    # without JavaScript a chapter is a link to ?t=, and the page starts the video there
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    page.locator('.video-chapters a[data-seek="2"]').click()
    page.wait_for_url("**/tour/?t=2")
    assert page.locator("#video-player source").get_attribute("src").endswith("#t=2")
    context.close()
