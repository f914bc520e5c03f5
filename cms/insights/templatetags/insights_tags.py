"""`{% load insights_tags %}{% helpful_widget page %}`: the "Was this helpful?" form for any
page, and the search results' click-through links."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from cms.insights.forms import FeedbackForm

register = template.Library()

THANKS_STATES = {"yes", "no", "commented"}


@register.inclusion_tag("insights/widget.html", takes_context=True)
def helpful_widget(context, page, question=None):
    """`question` replaces "Was this article helpful?" (e.g. for a video)."""
    request = context.get("request")
    state = request.GET.get("feedback") if request is not None else None
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "page": page,
        "form": FeedbackForm(),
        "state": state if state in THANKS_STATES else "",
        "question": question,
    }


@register.simple_tag
def search_click_url(search_log, url: str, position: int) -> str:
    """The click-through address of a search result, or the result's own address when the
    search was not logged (page 2 and on)."""
    if not search_log or not url or not url.startswith("/"):
        return url
    return "/search/click/?" + urlencode({"q": search_log, "pos": position, "to": url})
