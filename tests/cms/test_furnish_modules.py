"""After an upgrade brings a module, existing portals get its starting pages (migrate_tenants
runs cms.setup.furnish_modules on every schema), once: what an admin later deletes stays gone."""

import pytest
from django_tenants.utils import tenant_context

from cms.models import ModuleSettings
from cms.setup import furnish_modules

pytestmark = pytest.mark.django_db


def test_a_module_new_to_the_portal_is_furnished_once(tenant_a, client_a):
    from modules.video.pages import VideoLibraryPage

    with tenant_context(tenant_a):
        # a portal from before the video module existed
        VideoLibraryPage.objects.all().delete()
        switches = ModuleSettings.objects.get()
        switches.furnished = [key for key in switches.furnished if key != "video"]
        switches.save()
    assert client_a.get("/videos/").status_code == 404
    with tenant_context(tenant_a):
        assert furnish_modules() == ["video"]
        assert "video" in ModuleSettings.objects.get().furnished
        assert VideoLibraryPage.objects.count() == 1
    assert client_a.get("/videos/").status_code == 200

    # the admin deletes it: the next upgrade leaves it deleted
    with tenant_context(tenant_a):
        VideoLibraryPage.objects.all().delete()
        assert furnish_modules() == []
        assert not VideoLibraryPage.objects.exists()


def test_a_schema_without_a_portal_is_left_alone(tenant_b):
    from wagtail.models import Site

    with tenant_context(tenant_b):
        Site.objects.all().delete()
        assert furnish_modules() == []
