"""An FAQ group restricted to signed-in customers: hidden from anonymous visitors at every door
(index page, API, search), shown at every door to a customer who is signed in."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context
from wagtail.models import PageViewRestriction

from tests.conftest import TenantClient, host_of, login_on

pytestmark = pytest.mark.django_db

QUESTION = "Can I get a refund?"


def doors(client) -> dict[str, bool]:
    index = client.get("/faq/").content.decode()
    api = client.get("/api/v1/faq-items/").json()["results"]
    search = client.get("/search/", {"q": "refund"}).content.decode()
    return {
        "index": QUESTION in index,
        "api": any(row["question"] == QUESTION for row in api),
        "search": QUESTION in search,
        "group page": client.get("/faq/billing/").status_code == 200,
    }


def test_signed_in_only_group_is_shown_to_customers_and_hidden_from_anonymous(
    faq_a, tenant_a, client_a
):
    _index, billing, _account = faq_a
    with tenant_context(tenant_a):
        PageViewRestriction.objects.create(page=billing, restriction_type=PageViewRestriction.LOGIN)
        customer = get_user_model().objects.create_user(
            username="dora@customer.example", email="dora@customer.example", password="x"
        )
    assert not any(doors(client_a).values()), doors(client_a)
    signed_in = login_on(TenantClient(host_of(tenant_a)), tenant_a, customer)
    assert all(doors(signed_in).values()), doors(signed_in)
