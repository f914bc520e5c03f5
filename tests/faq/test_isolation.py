"""An FAQ made in tenant A cannot be reached from tenant B: not by page, API or search."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_per_tenant(faq_a, client_a, client_b):
    for url in ("/faq/", "/faq/billing/", "/faq/billing/q/can-i-get-a-refund/"):
        assert client_a.get(url).status_code == 200, url
        response = client_b.get(url)
        # B has its own (empty) FAQ at /faq/; A's groups and questions do not exist there
        assert response.status_code == (200 if url == "/faq/" else 404), url
        assert "Can I get a refund?" not in response.content.decode()


def test_api_is_per_tenant(faq_a, client_a, client_b):
    items_a = client_a.get("/api/v1/faq-items/").json()["results"]
    assert len(items_a) == 4
    assert client_b.get("/api/v1/faq-items/").json()["results"] == []
    assert client_b.get(f"/api/v1/faq-items/{items_a[0]['id']}/").status_code == 404


def test_search_is_per_tenant(faq_a, client_a, client_b):
    # each question is a result of its own, linking to its own address
    body = client_a.get("/search/", {"q": "refund"}, HTTP_USER_AGENT="Mozilla/5.0").content.decode()
    # (through the click-through redirect of search analytics)
    assert "to=%2Ffaq%2Fbilling%2Fq%2Fcan-i-get-a-refund%2F" in body
    body = client_b.get("/search/", {"q": "refund"}).content.decode()
    assert "Can I get a refund?" not in body and "/faq/billing/" not in body
