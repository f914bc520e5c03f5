"""Every forum input (title, body, reply, report reason) stored with XSS payloads renders inert:
no script element but the page's own, no event handler attribute, no javascript: or data:
address, no image from outside the tenant's media."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django_tenants.utils import tenant_context

from modules.forum import markdown
from modules.forum.models import Report
from tests.forum.conftest import make_customer
from tests.payloads import PAYLOADS

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def dangerous(html: str) -> list[str]:
    """What in `html` could run script or load something from elsewhere."""
    parser = _Tags()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag == "script" and not (
            attrs.get("type") == "application/ld+json"
            or (attrs.get("src") or "").startswith("/static/")
        ):
            found.append(f"script {attrs}")
        if tag in {"iframe", "object", "embed", "svg", "math", "style", "base"}:
            found.append(tag)
        for name, value in attrs.items():
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                found.append(f"{tag} {name}")
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                if value.startswith(("javascript:", "vbscript:")):
                    found.append(f"{tag} {name}={value}")
                if value.startswith("data:") and not (tag == "link" and value == "data:,"):
                    found.append(f"{tag} {name}={value}")
                if tag == "img" and name == "src" and value.startswith(("http:", "https:", "//")):
                    found.append(f"img from {value}")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_renders_payload_inert(payload, tenant_a):
    with tenant_context(tenant_a):
        html = markdown.render(payload, mentions={"img": "x"})
    assert dangerous(html) == [], html


def test_links_and_own_images_kept(tenant_a):
    with tenant_context(tenant_a):
        html = markdown.render(
            f"[docs](https://example.com/a) [mail](mailto:a@b.example) [rel](/forum/)\n\n"
            f"![mine]({markdown.media_prefix()}forum/2026/01/a.png)"
        )
    assert '<a href="https://example.com/a" rel="nofollow ugc noopener">docs</a>' in html
    assert 'href="mailto:a@b.example"' in html and 'href="/forum/"' in html
    assert f'src="/media/{tenant_a.schema_name}/forum/2026/01/a.png"' in html


def test_payloads_through_every_input_render_inert(forum_a):
    with tenant_context(forum_a.tenant):
        staff = make_customer("agent@company.example", is_staff=True)
    carol = forum_a.client(forum_a.carol)
    text = "\n\n".join(PAYLOADS)
    for payload in PAYLOADS:
        response = carol.post(
            "/forum/new/",
            {
                "category": forum_a.public.pk,
                "kind": "question",
                "title": payload[:200],
                "body": text,
            },
        )
        assert response.status_code == 302, payload
    topic_url = response["Location"]
    topic_id = int(topic_url.split("/")[3].split("-")[0])
    carol.post(f"/forum/t/{topic_id}/reply/", {"body": text})
    # one open report per person and post: a reporter for each payload
    for n, payload in enumerate(PAYLOADS):
        with tenant_context(forum_a.tenant):
            reporter = make_customer(f"reporter{n}@customer.example")
        response = forum_a.client(reporter).post(
            "/forum/report/", {"topic": topic_id, "reason": payload}
        )
        assert response.status_code == 302, payload
    with tenant_context(forum_a.tenant):
        reasons = list(Report.objects.filter(topic_id=topic_id).values_list("reason", flat=True))
    assert sorted(reasons) == sorted(payload.strip() for payload in PAYLOADS)
    bob = forum_a.client(forum_a.bob)
    bob.post(f"/forum/t/{forum_a.topic.pk}/reply/", {"body": f"Quote: {PAYLOADS[0]}"})
    pages = {
        "topic": carol.get(topic_url),
        "quoted": carol.get(f"{topic_url}?quote=topic"),
        "category": carol.get("/forum/c/questions/"),
        "index": carol.get("/forum/"),
        "moderation": forum_a.client(staff).get("/forum/moderation/"),
        "api": carol.get(f"/api/v1/forum-topics/{topic_id}/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        if name == "api":
            assert dangerous(response.json()["body_html"]) == []
            continue
        body = response.content.decode()
        # the whole page for scripts and handlers; what the forum shows (<main>) for the rest
        # (the theme's own <style> and icons sit outside it)
        main = body[body.index("<main") : body.index("</main>")]
        assert dangerous(main) == [], name
        assert [d for d in dangerous(body) if d.startswith("script") or " on" in d] == [], name
    # the payloads are shown as text, not dropped silently
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in pages["topic"].content.decode()
    assert "onerror" in pages["moderation"].content.decode()  # as escaped text of a reason
