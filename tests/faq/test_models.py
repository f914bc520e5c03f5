"""FAQ models and services: slugs, the search contract and the editor's form."""

import json

import pytest
from django.test import RequestFactory
from django_tenants.utils import tenant_context
from wagtail.models import PageViewRestriction

from cms.search import portal_search
from modules import registry
from modules.faq.pages import FaqGroupPage, FaqItem
from modules.faq.services import faq_group_create
from tests.faq.conftest import switch_faq

pytestmark = pytest.mark.django_db


def portal_request():
    return RequestFactory().get("/", HTTP_HOST="alpha.localhost")


def test_module_spec_lists_pages_search_and_api():
    spec = registry.get("faq")
    assert spec.icon == "help" and spec.description
    assert spec.page_types == ("faq.FaqIndexPage", "faq.FaqGroupPage")
    assert spec.search_models == ("faq.FaqItem",)
    assert spec.api_routes == (("faq-items", "modules.faq.api.FaqItemViewSet", "faq-item"),)


def test_slugs_are_made_from_questions_and_unique_per_group(faq_a, tenant_a):
    index, billing, _account = faq_a
    with tenant_context(tenant_a):
        group = faq_group_create(
            index=index,
            title="Twins",
            questions=[("Can I get a refund?", "<p>a</p>"), ("Can I get a refund?", "<p>b</p>")],
        )
        assert list(group.items.values_list("slug", flat=True)) == [
            "can-i-get-a-refund",
            "can-i-get-a-refund-2",
        ]
        # a question saved on its own gets a slug too, clear of its siblings'
        item = FaqItem(page=billing, question="Do you send invoices?", answer="<p>c</p>")
        item.save()
        assert item.slug == "do-you-send-invoices-2"


def test_search_contract(faq_a, tenant_a):
    _index, _billing, _account = faq_a
    with tenant_context(tenant_a):
        request = portal_request()
        items = FaqItem.search_queryset(request)
        assert items.count() == 4
        found = list(items.search("refund"))
        assert [item.question for item in found] == ["Can I get a refund?"]
        result = found[0].search_result()
        assert result == {
            "title": "Can I get a refund?",
            "url": "/faq/billing/q/can-i-get-a-refund/",
            "snippet": "Yes, within 30 days of the flamingo purchase.",
            "kind": "FAQ",
        }
        # the group and index pages are found as live, public pages of the module
        hits = {hit.title: hit for hit in portal_search("Billing", request).hits}
        assert hits["Billing"].url == "/faq/billing/"
        assert hits["Billing"].kind == "FAQ" and hits["Billing"].module == "faq"


def test_search_snippet_is_short_plain_text(faq_a, tenant_a):
    index, _billing, _account = faq_a
    long_answer = "<p>" + "A <b>very</b> long &amp; winding answer. " * 30 + "</p>"
    with tenant_context(tenant_a):
        group = faq_group_create(index=index, title="Long", questions=[("Long?", long_answer)])
        snippet = group.items.get().search_result()["snippet"]
    assert len(snippet) <= 300
    assert "<" not in snippet and "&amp;" not in snippet
    assert snippet.startswith("A very long & winding answer.")


def test_search_leaves_out_drafts_private_groups_and_a_switched_off_module(faq_a, tenant_a):
    index, billing, _account = faq_a
    with tenant_context(tenant_a):
        faq_group_create(
            index=index, title="Draft", questions=[("Refund draft?", "<p>x</p>")], publish=False
        )
        PageViewRestriction.objects.create(page=billing, restriction_type=PageViewRestriction.LOGIN)
        visible = FaqItem.search_queryset(portal_request())
        assert [item.question for item in visible] == ["How do I reset my password?"]
        assert list(visible.search("refund")) == []
        titles = [hit.title for hit in portal_search("Billing refund", portal_request()).hits]
        assert "Billing" not in titles and "Can I get a refund?" not in titles
    switch_faq(tenant_a, False)
    with tenant_context(tenant_a):
        request = portal_request()
        assert not FaqItem.search_queryset(request).exists()
        assert portal_search("Billing FAQ refund password", request).counts.get("faq", 0) == 0


def draftail(text: str) -> str:
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [],
                }
            ],
            "entityMap": {},
        }
    )


def group_form_data(questions: list[tuple[str, str]]) -> dict:
    data = {
        "title": "Shipping",
        "slug": "shipping",
        "intro": "Parcels.",
        "items-TOTAL_FORMS": str(len(questions)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    for n, (question, slug) in enumerate(questions):
        data |= {
            f"items-{n}-question": question,
            f"items-{n}-slug": slug,
            f"items-{n}-answer": draftail(f"Answer to {question}"),
            f"items-{n}-ORDER": str(n + 1),
            f"items-{n}-id": "",
            f"items-{n}-DELETE": "",
        }
    return data


def test_editor_shows_the_questions_inline(faq_a, admin_client_a):
    _index, billing, _account = faq_a
    body = admin_client_a.get(f"/admin/pages/{billing.pk}/edit/").content.decode()
    assert "Can I get a refund?" in body and 'name="items-0-slug"' in body


def test_editor_form_fills_in_unique_slugs(faq_a, tenant_a, admin_client_a):
    index, _billing, _account = faq_a
    url = f"/admin/pages/add/faq/faqgrouppage/{index.pk}/"
    response = admin_client_a.post(
        url,
        group_form_data([("Where is my parcel?", ""), ("Where is my parcel?", ""), ("Hi", "hi")]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant_a):
        group = FaqGroupPage.objects.get(slug="shipping")
        assert group.live
        assert list(group.items.values_list("slug", flat=True)) == [
            "where-is-my-parcel",
            "where-is-my-parcel-2",
            "hi",
        ]


def test_editor_form_refuses_a_repeated_slug(faq_a, tenant_a, admin_client_a):
    index, _billing, _account = faq_a
    url = f"/admin/pages/add/faq/faqgrouppage/{index.pk}/"
    response = admin_client_a.post(url, group_form_data([("One?", "same"), ("Two?", "same")]))
    assert response.status_code == 200
    assert "Another question in this group has this slug." in response.content.decode()
    with tenant_context(tenant_a):
        assert not FaqGroupPage.objects.filter(slug="shipping").exists()
