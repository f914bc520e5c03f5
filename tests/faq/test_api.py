"""GET /api/v1/faq-items/: published public questions, one query however many there are."""

import pytest
from django_tenants.utils import tenant_context
from wagtail.models import PageViewRestriction

from modules.faq.services import faq_group_create
from tests.faq.conftest import switch_faq

pytestmark = pytest.mark.django_db


def test_lists_published_questions_in_order(faq_a, client_a):
    response = client_a.get("/api/v1/faq-items/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["question"] for r in results] == [
        "How do I change my card?",
        "Can I get a refund?",
        "Do you send invoices?",
        "How do I reset my password?",
    ]
    first = results[0]
    assert set(first) == {"id", "group", "group_id", "question", "slug", "answer", "url"}
    assert first["group"] == "Billing"
    assert first["answer"] == "<p>Open <b>Billing</b> and choose <i>Change card</i>.</p>"
    assert first["url"] == "http://alpha.localhost/faq/billing/q/how-do-i-change-my-card/"
    one = client_a.get(f"/api/v1/faq-items/{first['id']}/")
    assert one.status_code == 200 and one.json()["slug"] == "how-do-i-change-my-card"


def test_drafts_and_private_groups_stay_out(faq_a, tenant_a, client_a):
    index, billing, _account = faq_a
    with tenant_context(tenant_a):
        draft = faq_group_create(
            index=index, title="Drafts", questions=[("Secret?", "<p>x</p>")], publish=False
        )
        draft_item = draft.items.get()
        PageViewRestriction.objects.create(page=billing, restriction_type=PageViewRestriction.LOGIN)
    results = client_a.get("/api/v1/faq-items/").json()["results"]
    assert [r["question"] for r in results] == ["How do I reset my password?"]
    assert client_a.get(f"/api/v1/faq-items/{draft_item.pk}/").status_code == 404


def test_no_query_per_question(faq_a, tenant_a, client_a, django_assert_max_num_queries):
    index, _billing, _account = faq_a
    with tenant_context(tenant_a):
        for n in range(3):
            faq_group_create(
                index=index,
                title=f"Group {n}",
                questions=[(f"Question {n}.{i}?", f"<p>Answer {i}</p>") for i in range(8)],
            )
    client_a.get("/api/v1/faq-items/")  # warm the per-process caches (site, settings)
    with django_assert_max_num_queries(10):
        response = client_a.get("/api/v1/faq-items/", {"page_size": 100})
    assert len(response.json()["results"]) == 28


def test_switched_off_module_answers_404(faq_a, tenant_a, client_a):
    switch_faq(tenant_a, False)
    response = client_a.get("/api/v1/faq-items/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
