"""The portal's look through the test client: themes, branding, module tiles and links,
translations, search, error pages and the platform host's landing and signup pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from cms.templatetags.portal_tags import (
    AA,
    BLACK,
    NEAR_BLACK,
    WHITE,
    contrast,
    ink_on,
    readable_on,
)
from tests.conftest import TenantClient, admin_of, host_of, login_on


def branding_of(tenant, **changes):
    from cms.models import BrandingSettings

    with tenant_context(tenant):
        branding = BrandingSettings.load()
        for name, value in changes.items():
            setattr(branding, name, value)
        branding.save()
        return branding


def modules_of(tenant, **switches):
    from cms.models import ModuleSettings

    with tenant_context(tenant):
        settings = ModuleSettings.load()
        settings.switches = switches
        settings.save()


def publish_home(tenant, body):
    from cms.models import HomePage

    with tenant_context(tenant):
        home = HomePage.objects.get()
        home.body = body
        home.save_revision().publish()
        return home


def tile(title, module="", url="/somewhere/"):
    return {
        "module": module,
        "title": title,
        "description": f"About {title}",
        "icon": "",
        "page": None,
        "url": url,
    }


def keep_platform_branding(tenant):
    """On the free plan: the footer carries the platform's "Powered by" badge (a trial, with
    every feature, has it removed; tests/billing/test_branding.py)."""
    tenant.plan, tenant.status = "free", "active"
    tenant.save(update_fields=["plan", "status"])


def html_of(response) -> str:
    return response.content.decode()


# --- home page, tiles, nav ------------------------------------------------------------------


def test_home_page_renders_hero_and_chrome_with_the_tenant_name(client_a, tenant_a):
    keep_platform_branding(tenant_a)
    response = client_a.get("/")
    html = html_of(response)

    assert response.status_code == 200
    assert f'<span class="brand__name">{tenant_a.name}</span>' in html
    assert "<title>Alpha Corp</title>" in html
    assert '<h1 class="hero__heading">How can we help?</h1>' in html
    assert 'action="/search/"' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "Powered by" in html
    # The hero has the search box, so the header leaves its own out.
    assert 'id="header-search-q"' not in html


def test_tiles_show_only_for_no_module_or_a_switched_on_module(client_a, tenant_a):
    publish_home(
        tenant_a,
        [
            {"type": "hero", "value": {"heading": "Hi", "show_search": False}},
            {
                "type": "module_tiles",
                "value": {
                    "heading": "Browse",
                    "tiles": [
                        tile("Plain tile"),
                        tile("Sample tile", module="sample", url="/sample/"),
                        tile("Not installed tile", module="no-such-module", url="/nowhere/"),
                    ],
                },
            },
        ],
    )

    html = html_of(client_a.get("/"))
    assert "Plain tile" in html
    assert "Sample tile" in html
    assert "Not installed tile" not in html
    # With no search in the hero, the header has one.
    assert 'id="header-search-q"' in html

    modules_of(tenant_a, sample=False)
    html = html_of(client_a.get("/"))
    assert "Plain tile" in html
    assert "Sample tile" not in html


def test_tiles_section_disappears_when_no_tile_is_visible(client_a, tenant_a):
    publish_home(
        tenant_a,
        [
            {
                "type": "module_tiles",
                "value": {
                    "heading": "Nothing to see",
                    "tiles": [tile("Gone", module="no-such-module")],
                },
            }
        ],
    )
    html = html_of(client_a.get("/"))
    assert "Nothing to see" not in html
    # No hero: the page title becomes the h1.
    assert '<h1 class="page-title">Alpha Corp</h1>' in html


def test_header_links_switched_on_modules_only(client_a, tenant_a):
    html = html_of(client_a.get("/"))
    assert '<a href="/sample/">Sample module</a>' in html

    modules_of(tenant_a, sample=False)
    html = html_of(client_a.get("/"))
    assert 'href="/sample/"' not in html


def test_cta_and_rich_text_blocks_render(client_a, tenant_a):
    publish_home(
        tenant_a,
        [
            {"type": "rich_text", "value": "<p>Opening <b>hours</b></p>"},
            {
                "type": "call_to_action",
                "value": {
                    "heading": "Still stuck?",
                    "text": "Write to us.",
                    "button_label": "Get in touch",
                    "button_page": None,
                    "button_url": "/contact/",
                },
            },
        ],
    )
    html = html_of(client_a.get("/"))
    assert "Opening <b>hours</b>" in html
    assert re.search(r'<a class="button[^"]*" href="/contact/">Get in touch</a>', html)


def test_content_page_has_breadcrumbs_intro_and_body(client_a, tenant_a):
    from cms.models import ContentPage, HomePage

    with tenant_context(tenant_a):
        home = HomePage.objects.get()
        page = ContentPage(
            title="Opening hours",
            slug="hours",
            intro="When we answer.",
            body=[("rich_text", "<p>Monday to Friday.</p>")],
        )
        home.add_child(instance=page)
        page.save_revision().publish()

    response = client_a.get("/hours/")
    html = html_of(response)
    assert response.status_code == 200
    assert "<title>Opening hours · Alpha Corp</title>" in html
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<h1 class="page-title">Opening hours</h1>' in html
    assert '<p class="page__intro">When we answer.</p>' in html
    assert "<p>Monday to Friday.</p>" in html


# --- branding and themes --------------------------------------------------------------------


def test_branding_colour_shows_on_its_own_tenant_only(client_a, client_b, tenant_a):
    branding_of(tenant_a, primary_colour="#ff5500")

    assert "--color-primary: #ff5500;" in html_of(client_a.get("/"))
    html_b = html_of(client_b.get("/"))
    assert "--color-primary: #ff5500;" not in html_b
    assert "--color-primary: #1d4ed8;" in html_b


def test_text_on_a_light_brand_colour_is_dark(client_a, tenant_a):
    branding_of(tenant_a, primary_colour="#facc15", font="serif", colour_scheme="auto")
    html = html_of(client_a.get("/"))
    assert f"--color-on-primary: {NEAR_BLACK};" in html
    assert "--font-body: Charter," in html
    assert 'data-scheme="auto"' in html
    assert '<meta name="color-scheme" content="light dark">' in html


def test_switching_theme_changes_the_stylesheet(client_a, client_b, tenant_a):
    assert "/static/themes/classic/theme.css" in html_of(client_a.get("/"))

    branding_of(tenant_a, theme="bold")
    html = html_of(client_a.get("/"))
    assert "/static/themes/bold/theme.css" in html
    assert "/static/themes/classic/theme.css" not in html
    assert 'data-theme="bold"' in html
    assert "/static/themes/classic/theme.css" in html_of(client_b.get("/"))


def test_site_name_is_escaped(client_a, tenant_a):
    from wagtail.models import Site

    with tenant_context(tenant_a):
        Site.objects.update(site_name="<b>Alpha</b>")
    html = html_of(client_a.get("/search/"))
    assert "&lt;b&gt;Alpha&lt;/b&gt;" in html
    assert "<b>Alpha</b>" not in html


@pytest.mark.parametrize(
    "colour", ["#000000", "#ffffff", "#777777", "#1d4ed8", "#facc15", "#ff0000", "#0f766e"]
)
def test_derived_colours_meet_wcag_aa(colour):
    assert readable_on(colour) in {WHITE, NEAR_BLACK, BLACK}
    assert contrast(readable_on(colour), colour) >= AA
    assert contrast(ink_on(colour, ("#ffffff", "#f4f5f7"), towards=BLACK), "#f4f5f7") >= AA
    assert contrast(ink_on(colour, ("#12171e", "#1b222c"), towards=WHITE), "#1b222c") >= AA


def make_image(tenant, title="Logo"):
    """A small PNG in the tenant's image library."""
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images.models import Image

    buffer = BytesIO()
    PILImage.new("RGB", (240, 120), "#336699").save(buffer, format="PNG")
    with tenant_context(tenant):
        return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


def test_logo_favicon_and_hero_image_use_renditions(client_a, tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    image = make_image(tenant_a)
    branding_of(tenant_a, logo=image, favicon=image)
    publish_home(
        tenant_a,
        [
            {
                "type": "hero",
                "value": {"heading": "Hello", "show_search": True, "background_image": image.pk},
            }
        ],
    )

    html = html_of(client_a.get("/"))
    assert re.search(r'<img class="brand__logo" src="[^"]+height-48[^"]*"', html)
    assert 'alt="Alpha Corp"' in html
    assert '<span class="brand__name">' not in html
    assert re.search(r'<link rel="icon" href="[^"]+fill-64x64[^"]*">', html)
    assert 'class="hero hero--image"' in html
    assert re.search(r'<img[^>]*class="hero__image"', html)


# --- translations ---------------------------------------------------------------------------


def test_portal_chrome_in_russian_from_accept_language(client_a, tenant_a):
    keep_platform_branding(tenant_a)
    html = html_of(client_a.get("/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<html lang="ru"' in html
    assert "Перейти к основному содержанию" in html
    assert "Работает на" in html  # "Powered by"


def test_portal_chrome_in_chinese_from_the_language_cookie(client_a, settings):
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = html_of(client_a.get("/search/"))
    assert '<html lang="zh-hans"' in html
    assert '<h1 class="page-title">搜索</h1>' in html


def test_language_switcher_posts_to_set_language(client_a, settings):
    html = html_of(client_a.get("/"))
    assert 'action="/i18n/setlang/" method="post"' in html
    for code, _name in settings.LANGUAGES:
        assert f'value="{code}"' in html

    response = client_a.post("/i18n/setlang/", {"language": "lt", "next": "/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    html = html_of(client_a.get("/search/"))
    assert '<html lang="lt"' in html
    assert "Paieška" in html


def test_signup_page_in_croatian(platform_client):
    html = html_of(platform_client.get("/signup/", HTTP_ACCEPT_LANGUAGE="hr"))
    assert "Naziv tvrtke" in html  # "Company name", from tenants/forms.py


# --- search and error pages -----------------------------------------------------------------


def test_search_page_without_a_query_shows_the_empty_state(client_a):
    response = client_a.get("/search/")
    html = html_of(response)
    assert response.status_code == 200
    assert "What are you looking for?" in html
    assert '<label class="visually-hidden" for="search-q">' in html


def test_search_page_lists_results_with_pagination(
    client_a, tenant_a, django_capture_on_commit_callbacks
):
    from cms.models import ContentPage, HomePage

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        home = HomePage.objects.get()
        for number in range(12):
            child = ContentPage(title=f"Zebra guide {number}", slug=f"zebra-{number}")
            home.add_child(instance=child)
            child.save_revision().publish()

    html = html_of(client_a.get("/search/?q=zebra"))
    assert "12 results for “zebra”" in html
    assert html.count('class="result card"') == 10
    assert 'href="?q=zebra&amp;page=2"' in html
    assert "Page 1 of 2" in html

    html = html_of(client_a.get("/search/?q=zebra&page=2"))
    assert html.count('class="result card"') == 2
    assert 'rel="prev"' in html


def test_search_page_with_no_results(client_a):
    html = html_of(client_a.get("/search/?q=qwertyuiop"))
    assert "0 results for “qwertyuiop”" in html
    assert "Nothing matches “qwertyuiop”" in html


def test_not_found_on_a_tenant_host_uses_the_portal_look(client_a, tenant_a):
    branding_of(tenant_a, theme="bold")
    response = client_a.get("/no-such-page/")
    html = html_of(response)
    assert response.status_code == 404
    assert "We can’t find that page" in html
    assert "/static/themes/bold/theme.css" in html
    assert tenant_a.name in html


def test_unknown_host_page(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    html = html_of(response)
    assert response.status_code == 404
    assert "There is no portal at this address" in html
    assert "nobody.localhost" in html


def test_suspended_portal_page(tenant_a):
    from tenants.models import TenantStatus

    tenant_a.status = TenantStatus.SUSPENDED
    tenant_a.save()
    response = TenantClient(host_of(tenant_a)).get("/")
    html = html_of(response)
    assert response.status_code == 503
    assert "This portal is suspended" in html
    assert "nothing in it can be changed" not in html


def test_suspended_portal_tells_its_admin_why_changes_fail(tenant_a):
    from tenants.models import TenantStatus

    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, admin_of(tenant_a))
    tenant_a.status = TenantStatus.SUSPENDED
    tenant_a.save()
    response = client.post("/admin/pages/", {})
    html = html_of(response)
    assert response.status_code == 403
    assert "nothing in it can be changed" in html
    assert 'href="/admin/"' in html


def test_handoff_with_a_bad_token(client_a):
    response = client_a.get("/_handoff/not-a-token/")
    assert response.status_code == 400
    assert 'href="/admin/login/"' in html_of(response)


# --- platform host --------------------------------------------------------------------------


def test_landing_page_offers_the_trial(platform_client, settings):
    html = html_of(platform_client.get("/"))
    assert f"Start your free {settings.TRIAL_DAYS}-day trial" in html
    assert 'href="/signup/"' in html


def test_signup_page_has_labelled_fields(platform_client, settings):
    response = platform_client.get("/signup/")
    html = html_of(response)
    assert response.status_code == 200
    for name in ("company_name", "subdomain", "admin_name", "admin_email", "admin_password"):
        assert f'<label class="field__label" for="id_{name}">' in html
        assert f'id="id_{name}"' in html
    assert f'<span class="field__suffix">.{settings.PLATFORM_DOMAIN}</span>' in html
    assert 'aria-describedby="id_subdomain_helptext"' in html


def test_signup_errors_sit_next_to_their_fields(platform_client):
    response = platform_client.post(
        "/signup/",
        {
            "company_name": "Acme",
            "subdomain": "admin",
            "admin_name": "Ann",
            "admin_email": "not-an-email",
            "admin_password": "x",
        },
    )
    html = html_of(response)
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert '<ul class="errorlist" id="id_admin_email_error">' in html
    assert re.search(
        r'<input[^>]*aria-describedby="id_admin_email_error"[^>]*aria-invalid="true"'
        r'|<input[^>]*aria-invalid="true"[^>]*aria-describedby="id_admin_email_error"',
        html,
    )
    assert 'href="#id_admin_email"' in html
