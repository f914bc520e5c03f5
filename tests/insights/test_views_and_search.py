"""View counting, search logging, the click-through redirect and missing-article tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.insights.models import MissingContentTask, PageViewDay, SearchClick, SearchQuery
from cms.insights.services import normalise_query
from tests.conftest import login_on
from tests.insights.conftest import BROWSER, customer, set_module

pytestmark = pytest.mark.django_db


def views_of(tenant, page) -> int:
    with tenant_context(tenant):
        return sum(PageViewDay.objects.filter(page_id=page.pk).values_list("views", flat=True))


def test_visitor_and_customer_views_count_admins_bots_and_posts_do_not(
    kb_a, tenant_a, client_a, admin_client_a
):
    article, url = kb_a["article"], kb_a["url"]
    for _ in range(3):
        assert client_a.get(url, HTTP_USER_AGENT=BROWSER).status_code == 200
    assert views_of(tenant_a, article) == 3
    login_on(client_a, tenant_a, customer(tenant_a))
    client_a.get(url, HTTP_USER_AGENT=BROWSER)
    assert views_of(tenant_a, article) == 4
    admin_client_a.get(url, HTTP_USER_AGENT=BROWSER)
    client_a.get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    client_a.get(url)  # no user agent at all
    client_a.get(f"{url}?feedback=yes", HTTP_USER_AGENT=BROWSER)  # the widget's thank-you
    assert views_of(tenant_a, article) == 4
    with tenant_context(tenant_a):
        row = PageViewDay.objects.get(page_id=article.pk)
        assert row.day == timezone.localdate()


def test_view_count_is_one_upsert(kb_a, client_a, django_assert_max_num_queries):
    client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER)  # warm caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER)
    writes = [q["sql"] for q in queries if "insights_pageviewday" in q["sql"]]
    assert len(writes) == 1 and "ON CONFLICT" in writes[0]


def test_switched_off_module_counts_no_views(kb_a, tenant_a, client_a):
    set_module(tenant_a, "kb", False)
    assert client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER).status_code == 404
    assert views_of(tenant_a, kb_a["article"]) == 0


def test_normalised_queries():
    assert normalise_query("  Reset   PASSWORD?? ") == "reset password"
    assert normalise_query("“Invoice”") == "invoice"
    assert normalise_query("   ") == ""


def test_results_page_is_logged_once_suggestions_and_page_two_are_not(kb_a, tenant_a, client_a):
    client_a.get("/search/suggest/?q=inv")
    client_a.get("/search/suggest/?q=invo")
    client_a.get("/search/?q=")
    with tenant_context(tenant_a):
        assert not SearchQuery.objects.exists()
    response = client_a.get("/search/?q=Invoice", HTTP_USER_AGENT=BROWSER)
    html = response.content.decode()
    client_a.get("/search/?q=Invoice&page=2", HTTP_USER_AGENT=BROWSER)
    with tenant_context(tenant_a):
        log = SearchQuery.objects.get()
    assert log.query == "invoice" and log.raw == "Invoice"
    assert log.results >= 2 and log.module == "" and len(log.session_hash) == 64
    assert f"{log.results} results for" in html
    # result links go through the click-through redirect, with their position
    assert f"/search/click/?q={log.pk}&amp;pos=1&amp;to=%2Fkb%2F" in html


def test_search_page_costs_one_insert(kb_a, client_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_a.get("/search/?q=invoice", HTTP_USER_AGENT=BROWSER)
    with CaptureQueriesContext(connection) as queries:
        client_a.get("/search/?q=invoice", HTTP_USER_AGENT=BROWSER)
    insight_queries = [q["sql"] for q in queries if "insights_" in q["sql"]]
    assert len(insight_queries) == 1 and insight_queries[0].startswith("INSERT")


def test_click_redirects_and_is_counted(kb_a, tenant_a, client_a):
    client_a.get("/search/?q=invoice", HTTP_USER_AGENT=BROWSER)
    with tenant_context(tenant_a):
        log = SearchQuery.objects.get()
    target = kb_a["url"]
    response = client_a.get(
        "/search/click/", {"q": log.pk, "pos": 2, "to": target}, HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 302 and response["Location"] == target
    with tenant_context(tenant_a):
        click = SearchClick.objects.get()
        assert click.search_id == log.pk and click.position == 2 and click.url == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "http://alpha.localhost.evil.example/",
        "javascript:alert(1)",
        "  //evil.example",
        "/\r\nLocation: http://evil.example",
        "",
    ],
)
def test_click_redirect_refuses_other_hosts(kb_a, tenant_a, client_a, target):
    response = client_a.get("/search/click/", {"q": 1, "pos": 1, "to": target})
    assert response.status_code == 400
    assert "Location" not in response
    with tenant_context(tenant_a):
        assert not SearchClick.objects.exists()


def test_click_with_a_bogus_log_id_still_redirects_but_records_nothing(kb_a, tenant_a, client_a):
    response = client_a.get(
        "/search/click/", {"q": "999999", "pos": "x", "to": "/kb/"}, HTTP_USER_AGENT=BROWSER
    )
    assert response.status_code == 302 and response["Location"] == "/kb/"
    with tenant_context(tenant_a):
        assert not SearchClick.objects.exists()


def test_repeated_zero_result_query_becomes_a_missing_article_task(kb_a, tenant_a, client_a):
    # one visitor reloading a search cannot put text on the KB owners' list
    for _ in range(5):
        client_a.get("/search/", {"q": "refund policy"}, HTTP_USER_AGENT=BROWSER)
    with tenant_context(tenant_a):
        assert not MissingContentTask.objects.exists()
    # three different visitors who found nothing do
    for number, text in enumerate(("Refund policy", "refund  policy?")):
        client_a.get("/search/", {"q": text}, HTTP_USER_AGENT=f"{BROWSER} visitor-{number}")
    with tenant_context(tenant_a):
        task = MissingContentTask.objects.get()
        assert task.query == "refund policy" and task.times_seen == 7
        assert task.status == "open" and task.first_seen <= task.last_seen
    client_a.get("/search/", {"q": "refund policy"}, HTTP_USER_AGENT=BROWSER)
    client_a.get("/search/", {"q": "invoice"}, HTTP_USER_AGENT=BROWSER)  # has results
    # a robot's searches are not logged at all
    client_a.get("/search/", {"q": "refund policy"}, HTTP_USER_AGENT="Googlebot/2.1")
    with tenant_context(tenant_a):
        assert MissingContentTask.objects.get().times_seen == 8
        assert MissingContentTask.objects.count() == 1


def test_search_report_counts_click_through_and_zero_results(kb_a, tenant_a):
    from cms.insights.selectors import search_report

    with tenant_context(tenant_a):
        logs = [
            SearchQuery.objects.create(query="invoice", raw="invoice", results=2),
            SearchQuery.objects.create(query="invoice", raw="Invoice", results=2),
            SearchQuery.objects.create(query="refund", raw="refund", results=0),
            SearchQuery.objects.create(query="pdf", raw="pdf", results=1),
        ]
        SearchClick.objects.create(search=logs[0], url="/kb/", position=1)
        SearchClick.objects.create(search=logs[0], url="/kb/x/", position=2)
        old = SearchQuery.objects.create(query="old", raw="old", results=0)
        SearchQuery.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
        report = search_report(days=30)
    assert report.searches == 4 and report.with_click == 1 and report.click_through == 25.0
    assert report.zero_results == 1
    assert report.top[0] == {"query": "invoice", "n": 2, "with_click": 1, "zero": 0, "ctr": 50}
    assert report.zero == [{"query": "refund", "n": 1}]
    assert len(report.daily) == 30 and report.daily[-1][1] == 4
