"""After an upgrade brings a module, existing portals get its starting pages (migrate_tenants
runs the modules' furnish hooks again on every schema)."""

import pytest
from django_tenants.utils import tenant_context

from cms.setup import furnish_modules

pytestmark = pytest.mark.django_db


def test_a_portal_without_the_video_library_gets_one(tenant_a, client_a):
    from modules.video.pages import VideoLibraryPage

    with tenant_context(tenant_a):
        VideoLibraryPage.objects.all().delete()  # a portal from before the module existed
    assert client_a.get("/videos/").status_code == 404
    with tenant_context(tenant_a):
        assert "video" in furnish_modules()
        furnish_modules()  # idempotent
        assert VideoLibraryPage.objects.count() == 1
    assert client_a.get("/videos/").status_code == 200


def test_a_schema_without_a_portal_is_left_alone(tenant_b):
    from wagtail.models import Site

    with tenant_context(tenant_b):
        Site.objects.all().delete()
        assert furnish_modules() == []
