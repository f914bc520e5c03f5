"""The Feedback screens in the tenant's Wagtail admin: who may open them and what they show."""

import pytest
from django_tenants.utils import tenant_context

from cms.insights.models import MissingContentTask, PageFeedback, ReviewFlag, SearchQuery
from tests.conftest import login_on
from tests.insights.conftest import BROWSER, customer, vote

pytestmark = pytest.mark.django_db

SCREENS = [
    "/admin/feedback/",
    "/admin/feedback/stats/",
    "/admin/feedback/search/",
    "/admin/feedback/missing/",
]


def test_screens_refuse_anonymous_and_customers(kb_a, tenant_a, client_a):
    for url in SCREENS:
        response = client_a.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    login_on(client_a, tenant_a, customer(tenant_a))
    for url in SCREENS:
        response = client_a.get(url)
        assert response.status_code in (302, 403), url
        assert "Feedback inbox" not in response.content.decode()


def test_editor_without_the_permission_is_refused_and_sees_no_menu(kb_a, tenant_a, client_a):
    from django.contrib.auth.models import Group, Permission

    with tenant_context(tenant_a):
        editor = customer(tenant_a, "eddie")
        group = Group.objects.create(name="Just admin access")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        editor.groups.add(group)
    login_on(client_a, tenant_a, editor)
    refused = client_a.get("/admin/feedback/")  # Wagtail answers "permission denied" so
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert "/admin/feedback/" not in client_a.get("/admin/").content.decode()
    with tenant_context(tenant_a):
        group.permissions.add(Permission.objects.get(codename="view_pagefeedback"))
    assert client_a.get("/admin/feedback/").status_code == 200
    with tenant_context(tenant_a):
        item = PageFeedback.objects.create(
            page=kb_a["article"], helpful=False, comment="Hmm", visitor_key="k"
        )
    # viewing is not changing
    client_a.post(f"/admin/feedback/{item.pk}/status/", {"status": "read"})
    with tenant_context(tenant_a):
        item.refresh_from_db()
        assert item.status == "new"


def test_inbox_filters_and_mark_read_resolved(kb_a, tenant_a, client_a, admin_client_a):
    vote(client_a, kb_a["article"], False, comment="Screenshots are outdated", ip="10.3.0.1")
    vote(client_a, kb_a["sibling"], True, comment="Great, thanks", ip="10.3.0.2")
    vote(client_a, kb_a["sibling"], False, ip="10.3.0.3")  # no comment: not in the inbox
    html = admin_client_a.get("/admin/feedback/").content.decode()
    assert "Screenshots are outdated" in html and "Great, thanks" in html
    only_no = admin_client_a.get("/admin/feedback/?helpful=no").content.decode()
    assert "Screenshots are outdated" in only_no and "Great, thanks" not in only_no
    one_page = admin_client_a.get(f"/admin/feedback/?page={kb_a['sibling'].pk}").content.decode()
    assert "Great, thanks" in one_page and "Screenshots are outdated" not in one_page
    with tenant_context(tenant_a):
        item = PageFeedback.objects.get(comment="Screenshots are outdated")
    response = admin_client_a.post(
        f"/admin/feedback/{item.pk}/status/", {"status": "resolved", "next": "/admin/feedback/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/feedback/"
    assert "Screenshots are outdated" not in admin_client_a.get("/admin/feedback/").content.decode()
    resolved = admin_client_a.get("/admin/feedback/?status=resolved").content.decode()
    assert "Screenshots are outdated" in resolved
    bad = admin_client_a.post(f"/admin/feedback/{item.pk}/status/", {"status": "gone"})
    assert bad.status_code == 302
    assert (
        admin_client_a.post("/admin/feedback/999999/status/", {"status": "read"}).status_code == 404
    )
    # an open redirect through "next" is refused
    evil = admin_client_a.post(
        f"/admin/feedback/{item.pk}/status/", {"status": "read", "next": "https://evil.example/"}
    )
    assert evil["Location"] == "/admin/feedback/"


def test_stats_report_counts_views_votes_and_flags(kb_a, tenant_a, client_a, admin_client_a):
    for _ in range(4):
        client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER)
    client_a.get(kb_a["sibling_url"], HTTP_USER_AGENT=BROWSER)
    for number, helpful in enumerate([True, True, True, False]):
        vote(client_a, kb_a["article"], helpful, ip=f"10.4.0.{number}")
    with tenant_context(tenant_a):
        flag = ReviewFlag.objects.create(
            page=kb_a["sibling"], reason="test", not_helpful_share=80, votes=5
        )
        from cms.insights.selectors import page_stats

        rows = {row.page.pk: row for row in page_stats()}
    article = rows[kb_a["article"].pk]
    assert (article.views, article.yes, article.no, article.helpful_share) == (4, 3, 1, 75)
    assert rows[kb_a["sibling"].pk].views == 1 and rows[kb_a["sibling"].pk].flag == flag
    html = admin_client_a.get("/admin/feedback/stats/?order=-helpful").content.decode()
    assert "Download an invoice" in html and "75%" in html and "3 yes / 1 no" in html
    assert "Flagged" in html and "<svg" in html and "<title" in html
    assert admin_client_a.get("/admin/feedback/stats/?order=nonsense").status_code == 200
    response = admin_client_a.post(f"/admin/feedback/flags/{flag.pk}/resolve/")
    assert response.status_code == 302
    with tenant_context(tenant_a):
        flag.refresh_from_db()
        assert flag.resolved_at is not None


def test_editor_sees_views_and_helpfulness_on_the_page_itself(kb_a, client_a, admin_client_a):
    client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER)
    vote(client_a, kb_a["article"], True, ip="10.5.0.1")
    html = admin_client_a.get(f"/admin/pages/{kb_a['article'].pk}/edit/").content.decode()
    assert "Last 30 days: 1 views. Was it helpful? 1 yes, 0 no (100% helpful)." in html


def test_search_analytics_shows_queries_ctr_and_a_chart(kb_a, tenant_a, admin_client_a):
    with tenant_context(tenant_a):
        hit = SearchQuery.objects.create(query="invoice", raw="invoice", results=2)
        SearchQuery.objects.create(query="refund policy", raw="refund policy", results=0)
        hit.clicks.create(url="/kb/", position=1)
    html = admin_client_a.get("/admin/feedback/search/").content.decode()
    assert "invoice" in html and "refund policy" in html
    assert "50.0%" in html  # one of two searches led to a click
    assert '<svg viewBox="0 0 640 220"' in html and 'role="img"' in html
    assert '<table class="w-sr-only">' in html


def test_missing_articles_list_create_link_dismiss_and_dashboard(kb_a, tenant_a, admin_client_a):
    from django.utils import timezone

    with tenant_context(tenant_a):
        now = timezone.now()
        task = MissingContentTask.objects.create(
            query="refund policy", times_seen=4, first_seen=now, last_seen=now
        )
    html = admin_client_a.get("/admin/feedback/missing/").content.decode()
    assert "refund policy" in html
    section = kb_a["section"]
    assert f"/admin/pages/add/kb/articlepage/{section.pk}/" in html
    dashboard = admin_client_a.get("/admin/").content.decode()
    assert "Needs your attention" in dashboard and "refund policy" in dashboard
    admin_client_a.post(f"/admin/feedback/missing/{task.pk}/status/", {"status": "dismissed"})
    with tenant_context(tenant_a):
        task.refresh_from_db()
        assert task.status == "dismissed"
    listing = admin_client_a.get("/admin/feedback/missing/").content.decode()
    assert "<strong>refund policy</strong>" not in listing


def test_dashboard_lists_flags_assigned_to_me(kb_a, tenant_a, admin_client_a):
    with tenant_context(tenant_a):
        ReviewFlag.objects.create(
            page=kb_a["article"], reason="x", not_helpful_share=60, votes=5, owner=kb_a["author"]
        )
    html = admin_client_a.get("/admin/").content.decode()
    assert "Pages flagged for your review" in html and "Download an invoice" in html


def test_thresholds_are_a_tenant_setting(tenant_a, admin_client_a):
    url = "/admin/settings/insights/insightssettings/"
    response = admin_client_a.get(url, follow=True)
    url = response.redirect_chain[-1][0] if response.redirect_chain else url
    assert "not-helpful threshold (%)" in response.content.decode().lower()
    response = admin_client_a.post(
        url, {"not_helpful_threshold": "150", "minimum_votes": "5", "zero_result_repeats": "3"}
    )
    assert response.status_code == 200  # the form again, with an error
    admin_client_a.post(
        url, {"not_helpful_threshold": "25", "minimum_votes": "8", "zero_result_repeats": "2"}
    )
    from cms.insights.models import InsightsSettings

    with tenant_context(tenant_a):
        config = InsightsSettings.load()
        assert (config.not_helpful_threshold, config.minimum_votes) == (25, 8)
