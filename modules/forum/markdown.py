"""Customers' Markdown turned into HTML that is safe to show to everyone else.

Two layers: markdown-it-py ("commonmark" preset, raw HTML off, so `<script>` stays text) makes
the HTML, then nh3 keeps only a small allow-list of tags and attributes: no script, style,
iframe or event handlers; links only to http, https and mailto (relative links stay), marked
rel="nofollow ugc noopener"; images only from this tenant's own media folder (attachments).
"""

from __future__ import annotations

import re

import nh3
from django.conf import settings
from django.db import connection
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img",
    "h3", "h4", "h5", "h6", "hr", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
MENTION = re.compile(r"(?<![\w@/.])@([\w][\w.+-]*(?:@[\w-]+(?:\.[\w-]+)+)?)", re.UNICODE)

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# Headings of a post must not compete with the page's own h1/h2.
_md.disable(["lheading"])


def media_prefix() -> str:
    """Where this tenant's uploads are served from (the only images a post may show)."""
    return f"{settings.MEDIA_URL}{connection.schema_name}/"


def _attribute_filter(prefix: str):
    def keep(tag: str, attribute: str, value: str):
        if tag == "img" and attribute == "src":
            return value if value.startswith(prefix) and ".." not in value else None
        if tag == "span" and attribute == "class":
            return "mention" if value == "mention" else None
        return value

    return keep


def _shift_headings(html: str) -> str:
    # "# Title" in a post becomes <h3>, so the topic title stays the page's only big heading.
    def shift(match: re.Match) -> str:
        level = min(6, int(match.group(2)) + 2)
        return f"<{match.group(1)}h{level}"

    return re.sub(r"<(/?)h([1-6])", shift, html)


def render(text: str, *, mentions: dict[str, str] | None = None) -> str:
    """HTML for Markdown `text`. `mentions` maps a mentioned handle (as typed, lowercased) to
    the name shown; those handles are highlighted."""
    html = _shift_headings(_md.render(text or ""))
    if mentions:

        def mark(match: re.Match) -> str:
            name = mentions.get(match.group(1).lower())
            if name is None:
                return match.group(0)
            return f'<span class="mention">@{nh3.clean_text(name)}</span>'

        # only in text, never inside a tag or an attribute
        parts = re.split(r"(<[^>]*>)", html)
        inside_code = 0
        for i, part in enumerate(parts):
            if part.startswith("<"):
                if re.match(r"<(code|pre)\b", part):
                    inside_code += 1
                elif re.match(r"</(code|pre)\b", part):
                    inside_code = max(0, inside_code - 1)
                continue
            if not inside_code:
                parts[i] = MENTION.sub(mark, part)
        html = "".join(parts)
    return sanitise(html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter(media_prefix()),
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def mentioned_handles(text: str) -> list[str]:
    """The @handles in `text` (outside code), lowercased, in order, without repeats."""
    text = re.sub(r"```.*?```|`[^`]*`", " ", text or "", flags=re.DOTALL)
    seen: list[str] = []
    for match in MENTION.finditer(text):
        handle = match.group(1).lower().rstrip(".")
        if handle not in seen:
            seen.append(handle)
    return seen[:20]


def quote(text: str, author_name: str) -> str:
    """Markdown quoting `text` by `author_name`, to prefill a reply."""
    lines = (text or "").strip().splitlines()[:40]
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    return f"> **{author_name}:**\n{quoted}\n\n"
