"""What every new portal starts with, and how it is made a company's own at signup.

`furnish_portal` runs ahead of time (on spares and the template), so that signup only has to
`personalise_portal`: a handful of UPDATEs and one INSERT for the admin.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from cms.models import BrandingSettings, HomePage, ModuleSettings
from modules import registry


def default_body(site_name: str = "") -> list[dict]:
    heading = _("How can we help?")
    return [
        {
            "type": "hero",
            "value": {
                "heading": heading,
                "subheading": _("Search our help centre or browse the topics below."),
                "show_search": True,
                "search_placeholder": _("Search for answers"),
                "background_image": None,
            },
        },
        {
            "type": "module_tiles",
            "value": {
                "heading": _("Browse"),
                "tiles": [
                    {
                        "module": "kb",
                        "title": _("Knowledge base"),
                        "description": _("Guides and how-to articles."),
                        "icon": "📘",
                        "page": None,
                        "url": "/kb/",
                    },
                    {
                        "module": "faq",
                        "title": _("FAQ"),
                        "description": _("Quick answers to common questions."),
                        "icon": "❓",
                        "page": None,
                        "url": "/faq/",
                    },
                    {
                        "module": "forum",
                        "title": _("Community"),
                        "description": _("Ask other customers and our team."),
                        "icon": "💬",
                        "page": None,
                        "url": "/community/",
                    },
                    {
                        "module": "tickets",
                        "title": _("Contact support"),
                        "description": _("Open a ticket and follow its progress."),
                        "icon": "✉️",
                        "page": None,
                        "url": "/tickets/",
                    },
                ],
            },
        },
        {
            "type": "call_to_action",
            "value": {
                "heading": _("Still stuck?"),
                "text": _("Try other words, or browse everything in the help centre."),
                "button_label": _("Search the help centre"),
                "button_page": None,
                "button_url": "/search/",
            },
        },
    ]


@transaction.atomic
def furnish_portal() -> HomePage:
    """Replace Wagtail's welcome page with a portal HomePage served by the one default Site."""
    Site.objects.all().delete()
    for page in Page.objects.filter(depth=2):
        page.delete()
    root = Page.get_first_root_node()
    home = HomePage(title="Portal", slug="home", body=default_body())
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Portal"
    )
    BrandingSettings.objects.get_or_create()
    furnish_modules()
    return home


def furnish_modules() -> list[str]:
    """Run the `furnish` hook of every module this schema's portal has not been furnished with
    yet (after an upgrade brings a new module, existing portals get its starting pages too),
    and remember them. Returns the keys furnished now; nothing when the schema has no portal."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        return []
    home = site.root_page.specific
    switches, _created = ModuleSettings.objects.get_or_create()
    done = set(switches.furnished)
    furnished = []
    for spec in registry.all_modules():
        if spec.furnish and spec.key not in done:
            import_string(spec.furnish)(home=home)
            furnished.append(spec.key)
    if furnished:
        switches.furnished = sorted(done | set(furnished))
        switches.save(update_fields=["furnished"])
    return furnished


def personalise_portal(*, site_name: str, hostname: str, admin: dict) -> int:
    """Name the portal and its home page after the company; create its first admin.

    `admin["password"]` is already hashed (hashing is deliberately done before the transaction).
    """
    home = HomePage.objects.first()
    if home is not None and home.title != site_name:
        HomePage.objects.filter(pk=home.pk).update(title=site_name, draft_title=site_name)
        revision = home.latest_revision
        if revision is not None:
            revision.content["title"] = site_name
            revision.content["draft_title"] = site_name
            revision.object_str = site_name
            revision.save(update_fields=["content", "object_str"])
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        site.hostname = hostname
        site.site_name = site_name
        site.save()
    user = get_user_model()(
        username=admin["email"],
        email=admin["email"],
        first_name=admin.get("first_name", ""),
        last_name=admin.get("last_name", ""),
        password=admin["password"],
        is_staff=True,
        is_superuser=True,
    )
    user.save()
    return user.pk
