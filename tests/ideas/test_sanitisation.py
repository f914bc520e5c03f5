"""XSS payloads stored through every input of the ideas board (title, description, comment,
status note) render inert on every page that shows them, and in the API's HTML fields.

The page is parsed as a browser would tokenise it: no element may carry an event handler,
no link or source may use javascript:/data:, and no script element may hold a payload.
tests/ideas/test_browser.py loads the same page in Chromium and checks that nothing runs."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django_tenants.utils import tenant_context

from cms.markdown import render_markdown
from modules.ideas import services
from modules.ideas.models import Status
from tests.ideas.conftest import client_for
from tests.payloads import PAYLOADS

pytestmark = pytest.mark.django_db


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\n", "").replace("\t", "")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and (
                value.startswith("javascript:") or value.startswith("data:text/html")
            ):
                self.problems.append(f"<{tag} {name}={value[:30]}>")
        if tag in {"iframe", "object", "embed", "math"}:
            self.problems.append(f"<{tag}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "__xss" in data:
            self.problems.append("script with a payload")


def inert(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_renders_each_payload_inert(payload):
    assert inert(render_markdown(payload)) == []
    assert inert(render_markdown(f"Some text\n\n{payload}\n\n* {payload}\n\n> {payload}")) == []


def make_hostile_idea(people):
    """An idea whose title, description, comments and status notes are all payloads."""
    body = "\n\n".join(PAYLOADS)
    idea = services.idea_create(author=people["ann"], title=PAYLOADS[0][:160], body=body)
    for payload in PAYLOADS:
        services.idea_comment(idea=idea, author=people["bob"], body=payload)
    services.idea_set_status(
        idea=idea, status=Status.PLANNED, note="\n\n".join(PAYLOADS), by=people["manager"]
    )
    services.idea_set_status(idea=idea, status=Status.DONE, note=PAYLOADS[1], by=people["manager"])
    for payload in PAYLOADS[1:6]:
        services.idea_create(author=people["cat"], title=payload, body=payload)
    return idea


def test_every_page_shows_payloads_inert(tenant_a, people_a, client_a):
    with tenant_context(tenant_a):
        idea = make_hostile_idea(people_a)
    manager = client_for(tenant_a, people_a["manager"])
    for client in (client_a, manager):
        for url in (
            idea.get_absolute_url(),
            "/ideas/",
            "/ideas/?sort=new",
            "/ideas/roadmap/",
            "/ideas/changelog/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert inert(response.content.decode()) == [], url
    # the titles are shown as text, escaped
    page = client_a.get(idea.get_absolute_url()).content.decode()
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page


def test_api_html_fields_are_inert(tenant_a, people_a, client_a):
    with tenant_context(tenant_a):
        idea = make_hostile_idea(people_a)
    data = client_a.get(f"/api/v1/ideas/{idea.pk}/").json()
    assert inert(data["body_html"]) == []
    comments = client_a.get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"]
    assert comments and all(inert(comment["body_html"]) == [] for comment in comments)


def test_similar_ideas_answer_titles_as_escaped_text(tenant_a, people_a, client_a):
    title = f"Flamingo {PAYLOADS[1]} & {PAYLOADS[0]}"
    with tenant_context(tenant_a):
        services.idea_create(author=people_a["ann"], title=title)
    similar = client_a.get("/ideas/similar/", {"q": "flamingo"})
    assert similar["Content-Type"] == "application/json"
    # a title is data, put in the page as text (similar.js): the exact characters typed, and
    # no raw markup in the answer even for a client that would read it as HTML
    assert [row["title"] for row in similar.json()["results"]] == [title]
    assert not {"<", ">", "&"} & set(similar.content.decode())


def test_status_email_is_inert(
    tenant_a, people_a, celery_eager, django_capture_on_commit_callbacks
):
    from django.core import mail

    with tenant_context(tenant_a):
        idea = services.idea_create(author=people_a["ann"], title=PAYLOADS[1])
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_set_status(
                idea=idea, status=Status.PLANNED, note=PAYLOADS[0], by=people_a["manager"]
            )
    html = mail.outbox[0].alternatives[0][0]
    assert inert(html) == []
