"""Markdown of ideas, comments and status notes: the platform's safe renderer (cms.markdown)
without images (an idea is words; a remote image would tell a third party who read it)."""

from __future__ import annotations

from cms import markdown


def render_markdown(text: str) -> str:
    """Markdown `text` as sanitised HTML (no images)."""
    return markdown.render_markdown(text)


plain_text = markdown.plain_text
