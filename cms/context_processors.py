from django.db import connection

from cms.templatetags.portal_tags import portal_context


def portal(request):
    """`portal` (the tenant's look) and `theme_base` (for `{% extends theme_base %}`) on portal
    hosts. Both are lazy, so pages that do not use them (the Wagtail admin) run no query; the
    platform host, whose schema has no branding, gets neither."""
    if getattr(request, "tenant", None) is None or connection.schema_name == "public":
        return {}
    return portal_context(request)
