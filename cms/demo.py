"""Sample content for the demo tenant (run inside its schema)."""

from django.db import transaction
from django.utils.module_loading import import_string

from cms.models import ContentPage, HomePage
from cms.setup import default_body
from modules import registry

PAGES = [
    (
        "Getting started",
        "getting-started",
        "Everything you need in your first ten minutes.",
        "<h2>Create your account</h2><p>Sign up with your work email and confirm it from the "
        "message we send you.</p><h2>Invite your team</h2><p>Open <b>Settings → Team</b> and "
        "add colleagues by email. Each gets their own login.</p><h2>Connect your tools</h2>"
        "<p>Use an API key from <b>Settings → API keys</b> to sync data from your CRM.</p>",
    ),
    (
        "Billing and invoices",
        "billing",
        "How we charge, and where to find your invoices.",
        "<p>We bill monthly or yearly by card or bank transfer. Invoices are emailed to the "
        "account owner and are always available under <b>Account → Billing</b>.</p>"
        "<p>Changing plans takes effect at once; the difference is prorated.</p>",
    ),
    (
        "Security and privacy",
        "security",
        "How we keep your data safe.",
        "<p>Data is encrypted in transit and at rest, backed up daily and stored in the EU. "
        "You can export or delete your data at any time.</p>",
    ),
    (
        "Contact us",
        "contact",
        "Talk to a person.",
        "<p>Our support team answers every request within one working day, Monday to Friday, "
        "9:00–17:00 CET.</p>",
    ),
]


@transaction.atomic
def seed_sample_content() -> HomePage:
    home = HomePage.objects.get()
    if ContentPage.objects.exists():
        return home
    created = []
    for title, slug, intro, html in PAGES:
        page = ContentPage(title=title, slug=slug, intro=intro, body=[("rich_text", html)])
        home.add_child(instance=page)
        page.save_revision().publish()
        created.append(page)
    body = default_body()
    body.insert(
        1,
        {
            "type": "module_tiles",
            "value": {
                "heading": "Start here",
                "tiles": [
                    {
                        "module": "",
                        "title": page.title,
                        "description": page.intro,
                        "icon": icon,
                        "page": page.pk,
                        "url": "",
                    }
                    for page, icon in zip(created, ["Go", "€", "✓", "@"], strict=True)
                ],
            },
        },
    )
    body.insert(
        3,
        {
            "type": "featured",
            "value": {"heading": "Popular topics", "pages": [p.pk for p in created[:3]]},
        },
    )
    body.insert(
        4,
        {
            "type": "rich_text",
            "value": '<h2>New here?</h2><p>Start with <a href="/getting-started/">Getting '
            "started</a>, or search above: most questions are answered in under a minute.</p>",
        },
    )
    home.body = body
    home.save_revision().publish()
    for spec in registry.all_modules():
        if spec.demo_content:
            import_string(spec.demo_content)(home=home)
    return home
