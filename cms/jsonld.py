"""JSON-LD for search engines, safe inside a <script> element."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

# What django.utils.html.json_script escapes, so text cannot end the <script> element early.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """JSON for a `<script type="application/ld+json">` element (Django's json_script escaping,
    without the element, since json_script cannot set the type schema.org readers look for)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308  (no <, > or & is left to end the script)
