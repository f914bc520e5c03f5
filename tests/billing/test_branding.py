"""The platform's "Powered by" badge in the portal's footer: on plans without `remove_branding`,
linking to the platform's landing page, in every theme and colour scheme; gone with it. A plan
change shows at once, also on pages the page cache had stored; one tenant's plan never changes
another's footer."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from billing.models import Plan
from billing.services import tenant_set_plan
from cms.templatetags.portal_tags import AA, contrast, platform_url
from tenants.models import TenantStatus
from tests.conftest import TenantClient, host_of

pytestmark = pytest.mark.django_db
BADGE = "data-platform-badge"


def on_plan(tenant, key: str):
    tenant.plan, tenant.status = key, TenantStatus.ACTIVE
    tenant.save(update_fields=["plan", "status"])
    return tenant


def footer_of(tenant, path="/") -> str:
    html = TenantClient(host_of(tenant)).get(path).content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_a_plan_that_keeps_the_branding_shows_the_badge_linking_to_the_platform(tenant_a):
    on_plan(tenant_a, "free")
    footer = footer_of(tenant_a)
    assert BADGE in footer
    assert f'Powered by <a href="{platform_url("/")}">Portal</a>' in footer


def test_a_plan_that_removes_the_branding_has_no_badge(tenant_a):
    on_plan(tenant_a, "pro")
    footer = footer_of(tenant_a)
    assert BADGE not in footer and "Powered by" not in footer
    assert "©" in footer  # the footer itself stays


@pytest.mark.parametrize("theme", ["classic", "bold"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_badge_shows_in_every_theme_and_scheme(tenant_a, theme, scheme):
    from cms.models import BrandingSettings

    on_plan(tenant_a, "starter")
    with tenant_context(tenant_a):
        branding = BrandingSettings.load()
        branding.theme, branding.colour_scheme = theme, scheme
        branding.save()
    html = TenantClient(host_of(tenant_a)).get("/").content.decode()
    assert f'data-theme="{theme}"' in html and f'data-scheme="{scheme}"' in html
    assert BADGE in html


def test_the_badge_colours_meet_contrast_in_both_schemes():
    """The badge is body text (--text) on the page background (--bg), as common.css declares
    for each scheme."""
    from pathlib import Path

    css = Path("themes/static/themes/common.css").read_text()
    assert ".site-footer .platform-badge" in css
    rule = css[css.index(".site-footer .platform-badge {") :].split("}", 1)[0]
    assert "background: var(--bg)" in rule and "color: var(--text)" in rule
    for bg, text in (("#f4f5f7", "#1b2330"), ("#12171e", "#e8ecf1")):
        assert f"--bg: {bg}" in css and f"--text: {text}" in css
        assert contrast(bg, text) >= AA


def test_a_plan_change_shows_at_once_on_cached_pages(tenant_a, settings):
    settings.PAGE_CACHE_SECONDS = 300
    on_plan(tenant_a, "free")
    client = TenantClient(host_of(tenant_a))
    first = client.get("/")
    assert BADGE in first.content.decode()
    again = client.get("/")
    assert again["X-Page-Cache"] == "hit" and BADGE in again.content.decode()
    tenant_set_plan(tenant=tenant_a, plan=Plan.objects.get(key="pro"), actor="test")
    after = client.get("/")
    assert after["X-Page-Cache"] == "miss"
    assert BADGE not in after.content.decode()


def test_an_operator_turning_branding_removal_on_for_a_plan_purges_its_tenants_pages(
    tenant_a, settings, celery_eager, django_capture_on_commit_callbacks
):
    from billing.services import plan_update

    settings.PAGE_CACHE_SECONDS = 300
    on_plan(tenant_a, "starter")
    client = TenantClient(host_of(tenant_a))
    assert BADGE in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    # the tenants on the plan are changed by a task once the change commits
    with django_capture_on_commit_callbacks(execute=True):
        plan_update(plan=Plan.objects.get(key="starter"), actor="ops", remove_branding=True)
    assert BADGE not in client.get("/").content.decode()


def test_one_tenants_plan_does_not_change_anothers_footer(tenant_a, tenant_b):
    on_plan(tenant_a, "pro")
    on_plan(tenant_b, "free")
    assert BADGE not in footer_of(tenant_a)
    assert BADGE in footer_of(tenant_b)
