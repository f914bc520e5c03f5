"""Portal search across every switched-on module's content, inside the tenant's own schema.

This is the spine's version: Wagtail's database backend over live, public pages, leaving out page
types of switched-off modules. The knowledge-modules issue replaces it with ranked, per-language,
multi-module search behind the same function.
"""

from django.apps import apps
from wagtail.models import Page

from modules import registry


def portal_search(query: str, request=None):
    pages = Page.objects.live().public()
    excluded = []
    for label in registry.disabled_page_types(request):
        try:
            excluded.append(apps.get_model(label))
        except LookupError:
            continue
    if excluded:
        pages = pages.not_type(*excluded)
    return list(pages.specific().search(query))
