"""Markdown of ideas and comments, rendered to HTML that is safe to show.

Two steps, so that neither has to be perfect on its own: markdown-it-py's "commonmark" preset
with raw HTML switched off (a typed `<script>` becomes text), then nh3 with a strict allow-list
(no script or style, no `on*` attributes, links only to http, https and mailto, each with
rel="nofollow ugc noopener"). Images are not allowed: an idea is words, and a remote image
would tell a third party who read it.
"""

from __future__ import annotations

import html as html_lib

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _downgrade_headings(html: str) -> str:
    # An idea's page has its own h1 and h2s: headings typed in a body start at h3.
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(
            f"</h{level}>", f"</h{level + 2}>"
        )
    return html


def render_markdown(text: str) -> str:
    """Markdown `text` as sanitised HTML."""
    html = _downgrade_headings(_md.render(text or ""))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def plain_text(text: str) -> str:
    """The words of a Markdown text, for search snippets and emails."""
    return html_lib.unescape(nh3.clean(_md.render(text or ""), tags=set())).strip()
