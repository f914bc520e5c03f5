"""FAQ pages as visitors see them: accordion, deep links, schema.org data, the module switch."""

import json
import re

import pytest
from django_tenants.utils import tenant_context
from wagtail.models import PageViewRestriction

from modules.faq.services import faq_group_create
from tests.faq.conftest import switch_faq

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(body: str) -> dict:
    blocks = JSON_LD.findall(body)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_group_page_is_an_accordion_with_faqpage_data(faq_a, client_a):
    response = client_a.get("/faq/billing/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<details class="faq-item"') == 3
    assert '<details class="faq-item" id="q-how-do-i-change-my-card">' in body
    assert "<summary" in body and "faq/faq.js" in body and "faq/faq.css" in body
    assert "<b>Billing</b>" in body  # the answer's rich text is rendered, not escaped
    assert 'href="/faq/billing/q/can-i-get-a-refund/"' in body
    assert '<link rel="canonical" href="http://alpha.localhost/faq/billing/">' in body
    data = json_ld(body)
    assert data["@type"] == "FAQPage"
    assert [q["name"] for q in data["mainEntity"]] == [
        "How do I change my card?",
        "Can I get a refund?",
        "Do you send invoices?",
    ]
    first = data["mainEntity"][0]
    assert first["@type"] == "Question"
    assert first["acceptedAnswer"]["@type"] == "Answer"
    assert "Change card" in first["acceptedAnswer"]["text"]


def test_deep_link_opens_one_question(faq_a, client_a):
    response = client_a.get("/faq/billing/q/can-i-get-a-refund/")
    assert response.status_code == 200
    body = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert title.startswith("Can I get a refund? · Billing")
    assert '<details class="faq-item faq-item--current" id="q-can-i-get-a-refund" open>' in body
    # the opened question comes first, straight after the heading; the others follow closed
    assert body.index("q-can-i-get-a-refund") < body.index("q-how-do-i-change-my-card")
    assert body.count(" open>") == 1
    assert (
        '<link rel="canonical" href="http://alpha.localhost/faq/billing/q/can-i-get-a-refund/">'
        in body
    )
    data = json_ld(body)
    assert [q["name"] for q in data["mainEntity"]] == ["Can I get a refund?"]
    assert data["mainEntity"][0]["url"].endswith("/faq/billing/q/can-i-get-a-refund/")


def test_unknown_question_is_404(faq_a, client_a):
    assert client_a.get("/faq/billing/q/no-such-question/").status_code == 404
    assert client_a.get("/faq/billing/q/how-do-i-reset-my-password/").status_code == 404


def test_index_page_shows_every_group_with_its_questions(faq_a, client_a):
    body = client_a.get("/faq/").content.decode()
    assert "Quick answers." in body
    assert 'href="/faq/billing/"' in body and 'href="/faq/your-account/"' in body
    assert body.count('<details class="faq-item"') == 4
    # anchors on the index name the group, so two groups may ask the same question
    _index, billing, account = faq_a
    assert f'id="g{billing.pk}-q-can-i-get-a-refund"' in body
    assert f'id="g{account.pk}-q-how-do-i-reset-my-password"' in body


def test_index_page_can_list_only_the_groups(faq_a, tenant_a, client_a):
    index, _billing, _account = faq_a
    with tenant_context(tenant_a):
        index.show_questions = False
        index.save_revision().publish()
    body = client_a.get("/faq/").content.decode()
    assert 'class="faq-item' not in body
    assert "3 questions" in body and "1 question" in body


def test_unpublished_and_private_groups_are_not_listed(faq_a, tenant_a, client_a):
    index, billing, _account = faq_a
    with tenant_context(tenant_a):
        faq_group_create(
            index=index, title="Drafts", questions=[("Secret draft?", "<p>x</p>")], publish=False
        )
        PageViewRestriction.objects.create(page=billing, restriction_type=PageViewRestriction.LOGIN)
    body = client_a.get("/faq/").content.decode()
    assert "Secret draft?" not in body and "Can I get a refund?" not in body
    assert "How do I reset my password?" in body


def test_pages_404_when_the_module_is_off(faq_a, tenant_a, tenant_b, client_a):
    switch_faq(tenant_a, False)
    for url in ("/faq/", "/faq/billing/", "/faq/billing/q/can-i-get-a-refund/"):
        assert client_a.get(url).status_code == 404, url
    switch_faq(tenant_a, True)
    assert client_a.get("/faq/billing/").status_code == 200


def test_question_text_cannot_inject_markup(tenant_a, faq_a, client_a):
    index, _billing, _account = faq_a
    evil = '</script><script>alert("x")</script> Is this & that safe?'
    with tenant_context(tenant_a):
        group = faq_group_create(
            index=index, title="Edge cases", questions=[(evil, "<p>Quite safe.</p>")]
        )
        slug = group.items.get().slug
    for url in (f"/faq/{group.slug}/", f"/faq/{group.slug}/q/{slug}/", "/faq/"):
        body = client_a.get(url).content.decode()
        assert '<script>alert("x")' not in body, url
        assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in body, url
    body = client_a.get(f"/faq/{group.slug}/q/{slug}/").content.decode()
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert" in body
    assert json_ld(body)["mainEntity"][0]["name"] == evil
