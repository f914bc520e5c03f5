"""POST /api/v1/feedback/ and GET /api/v1/search/: checks, problem+json errors, OpenAPI."""

import pytest
from django_tenants.utils import tenant_context

from cms.insights.models import PageFeedback
from tests.insights.conftest import BROWSER, set_module
from tests.kb.conftest import restrict_to_signed_in

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def post_feedback(client, payload, ip="10.6.0.1"):
    return client.post(
        "/api/v1/feedback/",
        payload,
        content_type="application/json",
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=BROWSER,
    )


def test_feedback_vote_and_change(kb_a, tenant_a, client_a):
    page = kb_a["article"].pk
    response = post_feedback(client_a, {"page": page, "helpful": True})
    assert response.status_code == 201
    assert response.json() == {"page": page, "helpful": True, "has_comment": False}
    response = post_feedback(client_a, {"page": page, "helpful": False, "comment": "Too short"})
    assert response.json() == {"page": page, "helpful": False, "has_comment": True}
    with tenant_context(tenant_a):
        row = PageFeedback.objects.get()
        assert row.helpful is False and row.comment == "Too short"


def test_feedback_errors_are_problem_json(kb_a, tenant_a, client_a, settings):
    bad = post_feedback(client_a, {"page": "x", "helpful": "perhaps", "comment": "y" * 2001})
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM
    body = bad.json()
    assert body["type"].endswith("validation-error")
    assert {"page", "helpful", "comment"} <= set(body["errors"])
    missing = post_feedback(client_a, {"page": 999999, "helpful": True})
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    restrict_to_signed_in(tenant_a, kb_a["article"])
    private = post_feedback(client_a, {"page": kb_a["article"].pk, "helpful": True})
    assert private.status_code == 404 and private.json()["status"] == 404
    settings.INSIGHTS_FEEDBACK_RATE = "1/minute"
    post_feedback(client_a, {"page": kb_a["sibling"].pk, "helpful": True}, ip="10.6.9.9")
    limited = post_feedback(client_a, {"page": kb_a["sibling"].pk, "helpful": True}, ip="10.6.9.9")
    assert limited.status_code == 429 and limited["Content-Type"] == PROBLEM
    assert limited.json()["retry_after"] >= 1
    with tenant_context(tenant_a):
        assert PageFeedback.objects.count() == 1


def test_feedback_refused_while_the_module_is_off(kb_a, tenant_a, client_a):
    set_module(tenant_a, "kb", False)
    response = post_feedback(client_a, {"page": kb_a["article"].pk, "helpful": True})
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_search_lists_visible_hits_with_pagination(kb_a, tenant_a, client_a):
    response = client_a.get("/api/v1/search/", {"q": "invoice"})
    assert response.status_code == 200
    body = response.json()
    titles = [row["title"] for row in body["results"]]
    assert "Download an invoice" in titles
    row = next(r for r in body["results"] if r["title"] == "Download an invoice")
    assert row["url"] == "http://alpha.localhost/kb/billing/invoices/download-invoice/"
    assert row["module"] == "kb" and row["kind"] and "invoice" in row["snippet"].lower()
    assert body["count"] == len(titles)
    page_one = client_a.get("/api/v1/search/", {"q": "invoice", "page_size": 1}).json()
    assert len(page_one["results"]) == 1 and page_one["next"]
    only_kb = client_a.get("/api/v1/search/", {"q": "invoice", "module": "kb"}).json()
    assert {r["module"] for r in only_kb["results"]} == {"kb"}
    restrict_to_signed_in(tenant_a, kb_a["article"])
    titles = [r["title"] for r in client_a.get("/api/v1/search/?q=invoice").json()["results"]]
    assert "Download an invoice" not in titles


def test_search_errors_and_module_switch(kb_a, tenant_a, client_a):
    missing = client_a.get("/api/v1/search/")
    assert missing.status_code == 400 and missing["Content-Type"] == PROBLEM
    assert "q" in missing.json()["errors"]
    unknown = client_a.get("/api/v1/search/", {"q": "invoice", "module": "nope"})
    assert unknown.status_code == 400 and "module" in unknown.json()["errors"]
    set_module(tenant_a, "kb", False)
    off = client_a.get("/api/v1/search/", {"q": "invoice", "module": "kb"})
    assert off.status_code == 400
    rows = client_a.get("/api/v1/search/", {"q": "invoice"}).json()["results"]
    assert all(row["module"] != "kb" for row in rows)


def test_endpoints_are_in_the_openapi_schema(client_a):
    schema = client_a.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "post" in schema["paths"]["/api/v1/feedback/"]
    search = schema["paths"]["/api/v1/search/"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {"q", "module", "page"}


def test_api_searches_count_in_search_analytics(kb_a, tenant_a, client_a, client_b):
    from cms.insights.models import MissingContentTask, SearchQuery

    browser = "Mozilla/5.0 (X11; Linux x86_64)"
    client_a.get("/api/v1/search/", {"q": "Invoice"}, HTTP_USER_AGENT=browser)
    client_a.get("/api/v1/search/", {"q": "invoice", "page": 2}, HTTP_USER_AGENT=browser)
    for number in range(3):  # three visitors find nothing
        client_a.get("/api/v1/search/", {"q": "walrus tusks"}, HTTP_USER_AGENT=f"Browser {number}")
    client_b.get("/api/v1/search/", {"q": "invoice"})
    with tenant_context(tenant_a):
        logged = list(SearchQuery.objects.values_list("query", "results").order_by("pk"))
        assert logged[0][0] == "invoice" and logged[0][1] >= 1
        assert [q for q, _n in logged].count("invoice") == 1
        assert MissingContentTask.objects.filter(query="walrus tusks").exists()
