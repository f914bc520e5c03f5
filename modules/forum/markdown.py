"""Forum posts' Markdown: the platform's safe renderer (cms.markdown) with images of the
tenant's own attachments, plus what only the forum has: @mentions and quotes."""

from __future__ import annotations

import re

import nh3

from cms import markdown as safe_markdown

# @name (a public name without spaces); never an email address: "@ann@example.com" is text
MENTION = re.compile(r"(?<![\w@/.])@(\w(?:[\w.+-]*\w)?)(?![\w.+-]*@)", re.UNICODE)
media_prefix = safe_markdown.media_prefix


def render(text: str, *, mentions: dict[str, str] | None = None) -> str:
    """HTML for Markdown `text`. `mentions` maps a mentioned handle (as typed, lowercased) to
    the name shown; those handles are highlighted."""
    html = safe_markdown.to_html(text)
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
    """cms.markdown's allow-list, with images of this tenant's own attachments."""
    return safe_markdown.sanitise(html, images=True)


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
