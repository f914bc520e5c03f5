"""A small knowledge base in tenant alpha: KB → Billing → Invoices → articles."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tests.conftest import admin_of


def publish(parent, page, *, user=None):
    parent.add_child(instance=page)
    page.save_revision(user=user).publish(user=user)
    return page


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def heading(text: str, level: str = "2") -> dict:
    return {"type": "heading", "value": {"level": level, "text": text}}


def make_kb(tenant):
    from cms.models import HomePage
    from modules.kb.pages import ArticlePage, CategoryPage, KnowledgeBasePage, SectionPage

    with tenant_context(tenant):
        author = admin_of(tenant)
        home = HomePage.objects.get()
        # every portal is furnished with an empty knowledge base at /kb/; give it the test's text
        kb = KnowledgeBasePage.objects.child_of(home).get()
        kb.title, kb.intro = "Help articles", "Read on."
        kb.save_revision().publish()
        billing = publish(
            kb, CategoryPage(title="Billing", slug="billing", icon="💳", description="Money.")
        )
        invoices = publish(
            billing, SectionPage(title="Invoices", slug="invoices", description="Bills.")
        )
        article = ArticlePage(
            title="Download an invoice",
            slug="download-invoice",
            summary="Where your invoices live and how to get a PDF.",
            body=[
                heading("Find your invoices"),
                paragraph("Open <b>Billing</b>."),
                heading("Download a PDF", level="3"),
                {
                    "type": "code",
                    "value": {"language": "bash", "code": "curl -o invoice.pdf <url>"},
                },
                {
                    "type": "callout",
                    "value": {"kind": "warning", "text": "<p>Keep invoices safe.</p>"},
                },
                {
                    "type": "table",
                    "value": {
                        "caption": "Formats",
                        "first_row_is_header": True,
                        "data": "Format | Size\nPDF | small\nCSV | tiny",
                    },
                },
                heading("Find your invoices"),
            ],
        )
        article.tags.add("invoices", "pdf")
        publish(invoices, article, user=author)
        sibling = ArticlePage(title="Change billing address", slug="address", summary="Edit it.")
        sibling.tags.add("invoices")
        publish(invoices, sibling, user=author)
        return {
            "kb": kb,
            "category": billing,
            "section": invoices,
            "article": article,
            "sibling": sibling,
            "author": author,
        }


@pytest.fixture
def kb_a(tenant_a):
    return make_kb(tenant_a)


def restrict_to_signed_in(tenant, page):
    from wagtail.models import PageViewRestriction

    with tenant_context(tenant):
        return PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.LOGIN
        )
