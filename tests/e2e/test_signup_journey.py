"""A company signs up in Chromium, lands in its admin, changes its hero text and primary colour,
publishes, and sees both on its portal; another company's portal does not change."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import TEST_PASSWORD, run_committed

# The test itself only reads through committed connections (run_committed); the marker makes
# pytest-django create the test database for a run of the journeys alone.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

HERO = "Welcome to Zephyr help"
COLOUR = "#b91c1c"


def css_var(page, name: str) -> str:
    return page.evaluate(
        f"getComputedStyle(document.documentElement).getPropertyValue('{name}').trim()"
    )


def drop_tenant(slug: str) -> None:
    from tenants.models import Tenant
    from tenants.provisioning import drop_schema

    for tenant in Tenant.objects.filter(slug=slug):
        drop_schema(tenant.schema_name)
        tenant.delete()


def test_company_signs_up_and_brands_its_portal(browser, live_settings, screenshot_dir):
    port = live_settings.PLATFORM_PORT
    base = f"http://localhost:{port}"
    slug = f"zephyr-{uuid.uuid4().hex[:6]}"
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    try:
        page.goto(f"{base}/signup/")
        page.get_by_label("Company name").fill("Zephyr Analytics")
        page.get_by_label("Portal address").fill(slug)
        page.get_by_label("Your name").fill("Zoe Zephyr")
        page.get_by_label("Work email").fill("zoe@zephyr.example")
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.screenshot(path=screenshot_dir / "journey-1-signup.png", full_page=True)
        page.get_by_role("button", name=re.compile("trial|sign up|create", re.I)).click()

        # the hand-off lands the browser logged in on the tenant's own admin
        page.wait_for_url(re.compile(rf"http://{slug}\.localhost:{port}/admin/"))
        assert page.get_by_text("Zoe", exact=False).first.is_visible()
        page.screenshot(path=screenshot_dir / "journey-2-admin.png")

        # edit the home page's hero and publish
        page.goto(f"http://{slug}.localhost:{port}/admin/pages/")
        home_id = _home_page_id(slug)
        page.goto(f"http://{slug}.localhost:{port}/admin/pages/{home_id}/edit/")
        heading = page.locator("input[name='body-0-value-heading']")
        heading.fill(HERO)
        page.locator("button.dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
        page.get_by_role("button", name=re.compile(r"^\s*Publish\s*$", re.I)).click()
        page.wait_for_url(re.compile(r"/admin/pages/\d+/"))
        page.screenshot(path=screenshot_dir / "journey-3-published.png")

        # change the primary colour in Settings → Branding
        page.goto(f"http://{slug}.localhost:{port}/admin/settings/cms/brandingsettings/")
        page.locator("input[name='primary_colour']").fill(COLOUR)
        page.get_by_role("button", name=re.compile("save", re.I)).first.click()
        page.wait_for_load_state()

        # the portal shows both, on desktop and on a phone
        portal = f"http://{slug}.localhost:{port}/"
        page.goto(portal)
        assert page.get_by_role("heading", name=HERO).is_visible()
        assert css_var(page, "--color-primary").lower() == COLOUR
        page.screenshot(path=screenshot_dir / "journey-4-portal-desktop.png", full_page=True)
        phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
        phone_page = phone.new_page()
        phone_page.goto(portal)
        assert phone_page.get_by_role("heading", name=HERO).is_visible()
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the portal scrolls sideways on a phone ({width}px)"
        phone_page.screenshot(path=screenshot_dir / "journey-5-portal-phone.png", full_page=True)
        phone.close()

        # another company's portal is untouched
        page.goto(f"http://beta.localhost:{port}/")
        assert page.get_by_text(HERO).count() == 0
        assert css_var(page, "--color-primary").lower() != COLOUR
        page.screenshot(path=screenshot_dir / "journey-6-other-portal.png", full_page=True)
    finally:
        context.close()
        run_committed(drop_tenant, slug)


def _home_page_id(slug: str) -> int:
    from django_tenants.utils import tenant_context

    from cms.models import HomePage
    from tenants.models import Tenant

    def find():
        with tenant_context(Tenant.objects.get(slug=slug)):
            return HomePage.objects.get().pk

    return run_committed(find)
