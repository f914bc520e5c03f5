"""A small video library in tenant alpha: a series of three videos (an uploaded WebM file, a
YouTube and a Vimeo embed) and one video outside any series."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files import File
from django_tenants.utils import tenant_context

TINY_WEBM = Path(__file__).with_name("tiny.webm")  # 6 s, 64×36, made with ffmpeg's testsrc
TOUR_TRANSCRIPT = (
    "[0:00] Welcome to the customer portal.\n"
    "[0:02] Open the dashboard to see your open requests.\n"
    "This line continues the cue above.\n"
    "\n"
    "[0:04] Export everything to a spreadsheet with one click."
)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_videos(tenant):
    from cms.models import HomePage
    from modules.video.pages import SeriesPage, VideoLibraryPage
    from modules.video.services import video_file_create, video_page_create

    with tenant_context(tenant):
        home = HomePage.objects.get()
        # every portal is furnished with an empty video library at /videos/
        library = VideoLibraryPage.objects.child_of(home).get()
        library.intro = "Watch and learn."
        library.save_revision().publish()
        series = publish(
            library,
            SeriesPage(title="Getting started", slug="getting-started", description="Start here."),
        )
        with TINY_WEBM.open("rb") as handle:
            upload = video_file_create(title="Portal tour", file=File(handle, name="tour.webm"))
        tour = video_page_create(
            parent=series,
            title="Take the tour",
            slug="tour",
            summary="A six-second look around the portal.",
            video_file=upload,
            duration=6,
            chapters=[("0:00", "Welcome"), ("0:02", "Dashboard overview"), ("0:04", "Export")],
            transcript=TOUR_TRANSCRIPT,
        )
        invite = video_page_create(
            parent=series,
            title="Invite your team",
            slug="invite",
            summary="Add colleagues by email.",
            embed_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ&list=xyz",
            duration=125,
            chapters=[("0:00", "Intro"), ("1:05", "Choosing roles")],
            transcript="[0:00] Invite people.\n[1:05] They receive an email.",
        )
        profile = video_page_create(
            parent=series,
            title="Your profile",
            slug="profile",
            embed_url="https://vimeo.com/76979871",
        )
        loose = video_page_create(
            parent=library,
            title="What's new this month",
            slug="whats-new",
            embed_url="https://youtu.be/eRsGyueVLvQ",
        )
        return {
            "library": library,
            "series": series,
            "tour": tour,
            "invite": invite,
            "profile": profile,
            "loose": loose,
            "upload": upload,
        }


def _forget_media_root() -> None:
    """django-tenants' storage caches its root (it only listens for changes of
    MULTITENANT_RELATIVE_MEDIA_ROOT): make it read MEDIA_ROOT again."""
    from django.core.files.storage import default_storage

    default_storage._setup()
    for attr in ("relative_media_root", "base_location", "location"):
        default_storage._wrapped.__dict__.pop(attr, None)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of these tests go to a temporary folder (one per tenant schema below it)."""
    settings.MEDIA_ROOT = str(tmp_path)
    _forget_media_root()
    yield tmp_path
    _forget_media_root()


@pytest.fixture
def videos_a(tenant_a):
    return make_videos(tenant_a)


def restrict_to_signed_in(tenant, page):
    from wagtail.models import PageViewRestriction

    with tenant_context(tenant):
        return PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.LOGIN
        )


def switch(tenant, on: bool):
    from cms.models import ModuleSettings

    with tenant_context(tenant):
        row = ModuleSettings.load()
        row.switches = {**(row.switches or {}), "video": on}
        row.save()
