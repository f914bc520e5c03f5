"""The results page filters by category (a knowledge base category, an FAQ group, a video
series) as well as by module, each filter's counts taking the other into account."""

import pytest
from django_tenants.utils import tenant_context

from tests.kb.conftest import make_kb, publish, restrict_to_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_categories(tenant_a):
    from modules.faq.pages import FaqIndexPage
    from modules.faq.services import faq_group_create
    from modules.kb.pages import ArticlePage, CategoryPage, SectionPage

    kb = make_kb(tenant_a)  # Billing → Invoices → "Download an invoice", "Change billing address"
    with tenant_context(tenant_a):
        account = publish(kb["kb"], CategoryPage(title="Account", slug="account"))
        profile = publish(account, SectionPage(title="Profile", slug="profile"))
        publish(
            profile,
            ArticlePage(title="Invoice contact", slug="contact", summary="Who gets the invoice."),
        )
        group = faq_group_create(
            index=FaqIndexPage.objects.get(),
            title="Invoices FAQ",
            intro="",
            questions=[("When is the invoice sent?", "<p>On the first of the month.</p>")],
        )
    return {"billing": kb["category"], "account": account, "group": group}


def _titles(body: str) -> set[str]:
    import re

    return set(re.findall(r'class="result__title"><a [^>]*>([^<]+)</a>', body))


def test_category_filter_and_counts(two_categories, client_a):
    everything = client_a.get("/search/", {"q": "invoice"}).content.decode()
    assert {"Download an invoice", "Invoice contact", "When is the invoice sent?"} <= _titles(
        everything
    )
    # each category with its number of results
    assert 'aria-label="Filter by category"' in everything
    billing_id = two_categories["billing"].pk
    assert f"category={billing_id}" in everything

    billing = client_a.get("/search/", {"q": "invoice", "category": billing_id}).content.decode()
    assert "Download an invoice" in _titles(billing)
    assert "Invoice contact" not in _titles(billing)
    assert "When is the invoice sent?" not in _titles(billing)

    group = client_a.get(
        "/search/", {"q": "invoice", "category": two_categories["group"].pk}
    ).content.decode()
    assert _titles(group) == {"Invoices FAQ", "When is the invoice sent?"}


def test_module_and_category_together(two_categories, client_a):
    account_id = two_categories["account"].pk
    body = client_a.get(
        "/search/", {"q": "invoice", "category": account_id, "module": "kb"}
    ).content.decode()
    assert _titles(body) == {"Invoice contact"}
    # the module links keep the category, the category links keep the module
    assert f"module=faq&amp;category={account_id}" not in body  # no FAQ hit in this category
    assert f"module=kb&amp;category={account_id}" in body


def test_a_private_category_is_not_offered(two_categories, tenant_a, client_a):
    restrict_to_signed_in(tenant_a, two_categories["account"])
    body = client_a.get("/search/", {"q": "invoice"}).content.decode()
    assert f"category={two_categories['account'].pk}" not in body
    assert "Invoice contact" not in _titles(body)


def test_another_tenants_category_id_filters_nothing_in(two_categories, client_b):
    body = client_b.get(
        "/search/", {"q": "invoice", "category": two_categories["billing"].pk}
    ).content.decode()
    assert _titles(body) == set()
