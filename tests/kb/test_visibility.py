"""Hidden articles are hidden everywhere: lists, related links, search, API.

Privacy is Wagtail's (PageViewRestriction); these tests prove every door of the KB agrees with it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from wagtail.models import PageViewRestriction

from tests.conftest import TenantClient, host_of, login_on
from tests.kb.conftest import restrict_to_signed_in

pytestmark = pytest.mark.django_db

SECRET_URL = "/kb/billing/invoices/download-invoice/"


def customer(tenant, name="carol"):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(
            username=f"{name}@customer.example", email=f"{name}@customer.example", password="x"
        )


def signed_in_client(tenant, user):
    return login_on(TenantClient(host_of(tenant)), tenant, user)


def chosen_link(tenant, from_page, to_page):
    from modules.kb.pages import ArticlePage, ArticleRelatedLink

    with tenant_context(tenant):
        page = ArticlePage.objects.get(pk=from_page.pk)
        page.related_links = [ArticleRelatedLink(article_id=to_page.pk)]
        page.save_revision().publish()


def doors(client) -> dict[str, bool]:
    """Where the secret article shows up for this client."""
    section = client.get("/kb/billing/invoices/").content.decode()
    category = client.get("/kb/billing/").content.decode()
    sibling = client.get("/kb/billing/invoices/address/").content.decode()
    api = client.get("/api/v1/kb-articles/").json()["results"]
    search = client.get("/search/?q=invoice").content.decode()
    return {
        "section": "Download an invoice" in section,
        "category": "Download an invoice" in category,
        "related": "Download an invoice" in sibling,
        "api": any(row["title"] == "Download an invoice" for row in api),
        "search": "Download an invoice" in search,
        "page": client.get(SECRET_URL).status_code == 200,
    }


def test_login_restricted_article_hidden_from_anonymous_visible_when_signed_in(
    kb_a, tenant_a, client_a
):
    chosen_link(tenant_a, kb_a["sibling"], kb_a["article"])
    assert all(doors(client_a).values())  # public: everywhere

    restrict_to_signed_in(tenant_a, kb_a["article"])
    assert not any(doors(client_a).values())
    assert client_a.get(f"/api/v1/kb-articles/{kb_a['article'].pk}/").status_code == 404
    assert "1 article" in client_a.get("/kb/").content.decode()

    signed_in = signed_in_client(tenant_a, customer(tenant_a))
    assert all(doors(signed_in).values())


def test_group_restriction_on_a_category_hides_its_whole_subtree(kb_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        partners = Group.objects.create(name="Partners")
        restriction = PageViewRestriction.objects.create(
            page=kb_a["category"], restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(partners)
    insider, outsider = customer(tenant_a, "insider"), customer(tenant_a, "outsider")
    with tenant_context(tenant_a):
        insider.groups.add(partners)

    for client in (client_a, signed_in_client(tenant_a, outsider)):
        index = client.get("/kb/").content.decode()
        assert "Billing" not in index and "Invoices" not in index
        assert client.get("/api/v1/kb-articles/").json()["results"] == []
        assert client.get("/kb/billing/").status_code != 200

    insider_client = signed_in_client(tenant_a, insider)
    assert "Invoices" in insider_client.get("/kb/").content.decode()
    assert len(insider_client.get("/api/v1/kb-articles/").json()["results"]) == 2


def test_password_restriction_shows_after_the_password_is_given(kb_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        restriction = PageViewRestriction.objects.create(
            page=kb_a["article"], restriction_type=PageViewRestriction.PASSWORD, password="open"
        )
    assert "Download an invoice" not in client_a.get("/kb/billing/invoices/").content.decode()
    with tenant_context(tenant_a):  # the session row lives in the tenant's schema
        session = client_a.session
        session[PageViewRestriction.passed_view_restrictions_session_key] = [restriction.pk]
        session.save()
    assert "Download an invoice" in client_a.get("/kb/billing/invoices/").content.decode()


def test_drafts_are_hidden(kb_a, tenant_a, client_a):
    with tenant_context(tenant_a):
        kb_a["article"].unpublish()
    assert not any(doors(client_a).values())
