"""Customers' Markdown (forum posts, ideas, comments, tickets) as HTML safe to show to others.

Two layers, so that neither has to be perfect on its own: markdown-it-py ("commonmark" preset,
raw HTML off, so a typed `<script>` stays text) makes the HTML, then nh3 keeps only a small
allow-list: no script, style, iframe or event handlers; links only to http, https and mailto
(relative links stay), marked rel="nofollow ugc noopener"; images, where a module allows them,
only from this tenant's own media folder (its attachments: a remote image would tell a third
party who read the post). Headings typed in a post start at h3, so the page's own h1 and h2
stay its only big headings.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from django.conf import settings
from django.db import connection
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "span",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "span": {"class"}}
IMAGE_ATTRIBUTES = {"img": {"src", "alt", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
SPAN_CLASSES = {"mention"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable(["lheading"])  # "Title\n===" is rarely meant as a heading in a post


def media_prefix() -> str:
    """Where this tenant's uploads are served from (the only images a post may show)."""
    return f"{settings.MEDIA_URL}{connection.schema_name}/"


def _attribute_filter(prefix: str):
    def keep(tag: str, attribute: str, value: str):
        if tag == "img" and attribute == "src":
            return value if value.startswith(prefix) and ".." not in value else None
        if tag == "span" and attribute == "class":
            return value if value in SPAN_CLASSES else None
        return value

    return keep


def _shift_headings(html: str) -> str:
    def shift(match: re.Match) -> str:
        return f"<{match.group(1)}h{min(6, int(match.group(2)) + 2)}"

    return re.sub(r"<(/?)h([1-6])", shift, html)


def to_html(text: str) -> str:
    """Markdown `text` as HTML, not yet sanitised (a module may mark it up, e.g. mentions,
    before `sanitise`)."""
    return _shift_headings(_md.render(text or ""))


def sanitise(html: str, *, images: bool = False) -> str:
    """`html` reduced to the allow-list; `images`: keep <img> of this tenant's own media."""
    tags = TAGS | {"img"} if images else TAGS
    attributes = {**ATTRIBUTES, **IMAGE_ATTRIBUTES} if images else ATTRIBUTES
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags={"script", "style"},
        attributes=attributes,
        attribute_filter=_attribute_filter(media_prefix()),
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str, *, images: bool = False) -> str:
    """Markdown `text` as sanitised HTML."""
    return sanitise(to_html(text), images=images)


def plain_text(text: str) -> str:
    """The words of Markdown `text`, for snippets, emails and the search index."""
    return html_lib.unescape(nh3.clean(_md.render(text or ""), tags=set())).strip()


_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6]|blockquote)>")


def plain_text_from_html(html: str) -> str:
    """The words of an HTML email part, one line per block, with no markup left."""
    text = nh3.clean(_BLOCK_END.sub("\n", html or ""), tags=set())
    lines = [" ".join(line.split()) for line in html_lib.unescape(text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
