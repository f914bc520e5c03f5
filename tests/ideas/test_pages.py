"""The ideas pages as a customer and as staff use them: the board with its sorts and filters,
submitting (with similar ideas), an idea's page, voting and following by form, the roadmap and
the changelog; staff controls only for staff with the ideas permission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from django_tenants.utils import tenant_context

from modules.ideas import services
from modules.ideas.models import Idea, IdeaCategory, IdeaVote, Status, StatusChange
from tests.ideas.conftest import client_for, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_a(tenant_a, people_a):
    with tenant_context(tenant_a):
        billing = IdeaCategory.objects.create(name="Billing", slug="billing")
        old = services.idea_create(
            author=people_a["ann"], title="Export invoices to CSV", category=billing
        )
        fresh = services.idea_create(author=people_a["bob"], title="Dark mode for the dashboard")
        planned = services.idea_create(author=people_a["cat"], title="Recurring invoices")
        for who in ("ann", "bob", "cat"):
            services.idea_vote(idea=old, user=people_a[who])
        services.idea_vote(idea=fresh, user=people_a["ann"])
        services.idea_vote(idea=fresh, user=people_a["cat"])
        # the export idea is old and its votes are old: it trends below the fresh one
        Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=90))
        IdeaVote.objects.filter(idea=old).update(created_at=timezone.now() - timedelta(days=60))
        services.idea_set_status(
            idea=planned, status=Status.PLANNED, note="Spring.", by=people_a["manager"]
        )
        return {"old": old, "fresh": fresh, "planned": planned, "billing": billing}


def _titles(body: str, titles) -> list[str]:
    return sorted(titles, key=lambda title: body.index(title))


def test_board_sorts_and_filters(board_a, client_a):
    titles = ["Export invoices to CSV", "Dark mode for the dashboard", "Recurring invoices"]
    body = client_a.get("/ideas/").content.decode()
    assert _titles(body, titles)[:2] == ["Dark mode for the dashboard", "Export invoices to CSV"]
    body = client_a.get("/ideas/?sort=top").content.decode()
    assert _titles(body, titles)[0] == "Export invoices to CSV"
    body = client_a.get("/ideas/?sort=new").content.decode()
    assert _titles(body, titles)[0] == "Recurring invoices"
    body = client_a.get("/ideas/?status=planned").content.decode()
    assert "Recurring invoices" in body and "Export invoices" not in body
    body = client_a.get("/ideas/?category=billing").content.decode()
    assert "Export invoices to CSV" in body and "Dark mode" not in body
    # nonsense filters are ignored, not an error
    response = client_a.get("/ideas/?sort=%27&status=zzz&category=nope&page=-1")
    assert response.status_code == 200


def test_board_pages_through_many_ideas_in_few_queries(
    tenant_a, people_a, client_a, django_assert_max_num_queries
):
    with tenant_context(tenant_a):
        ann = people_a["ann"]
        Idea.objects.bulk_create(
            Idea(title=f"Idea {n}", slug=f"idea-{n}", author=ann, vote_count=n % 7)
            for n in range(1000)
        )
    client = client_for(tenant_a, people_a["bob"])
    assert client.get("/ideas/").status_code == 200
    for sort in ("trending", "top", "new"):
        # the tenant, session and portal settings, the count, the vote budget, the categories
        # and one query for the page's 20 ideas, whatever their number
        with django_assert_max_num_queries(12):
            response = client.get(f"/ideas/?sort={sort}&page=3")
        assert response.status_code == 200
        assert response.content.decode().count('class="idea-row card"') == 20
    with django_assert_max_num_queries(10):
        assert client_a.get("/ideas/roadmap/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client_a.get("/ideas/changelog/").status_code == 200


def test_submit_needs_sign_in_and_shows_errors(tenant_a, people_a, client_a):
    response = client_a.get("/ideas/new/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Fideas%2Fnew%2F"
    client = client_for(tenant_a, people_a["ann"])
    response = client.post("/ideas/new/", {"title": "", "body": "x"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post("/ideas/new/", {"title": "Slack alerts", "body": "Post to **Slack**"})
    with tenant_context(tenant_a):
        idea = Idea.objects.get(title="Slack alerts")
    assert response.status_code == 302 and response["Location"] == f"/ideas/{idea.pk}-slack-alerts/"
    page = client.get(response["Location"]).content.decode()
    assert "<strong>Slack</strong>" in page and "Thank you! Your idea is on the board." in page


def test_unverified_customer_cannot_post(tenant_a):
    with tenant_context(tenant_a):
        newbie = make_customer("newbie@customer.example", verified=False)
    client = client_for(tenant_a, newbie)
    response = client.get("/ideas/new/")
    # customer accounts' rule: an unverified customer may sign in and read, not take part
    assert response.status_code == 403
    assert "Verify your email address" in response.content.decode()
    response = client.post("/ideas/new/", {"title": "Sneaky"})
    assert response.status_code == 403
    with tenant_context(tenant_a):
        assert not Idea.objects.filter(title="Sneaky").exists()


def test_similar_ideas_while_typing(board_a, client_a, tenant_a):
    data = client_a.get("/ideas/similar/", {"q": "invoices export"}).json()
    assert data["results"][0]["title"] == "Export invoices to CSV"
    assert data["results"][0]["url"] == f"/ideas/{board_a['old'].pk}-export-invoices-to-csv/"
    assert client_a.get("/ideas/similar/", {"q": "ab"}).json()["results"] == []
    # a half-typed last word matches as a prefix
    data = client_a.get("/ideas/similar/", {"q": "Recurring invo"}).json()
    assert [r["title"] for r in data["results"]] == ["Recurring invoices"]
    # merged ideas are not suggested
    with tenant_context(tenant_a):
        from modules.ideas.models import Idea as IdeaModel

        IdeaModel.objects.filter(pk=board_a["old"].pk).update(merged_into=board_a["fresh"])
    titles = [
        r["title"] for r in client_a.get("/ideas/similar/", {"q": "export"}).json()["results"]
    ]
    assert "Export invoices to CSV" not in titles


def test_similar_ideas_are_limited_per_address(client_a, monkeypatch):
    from modules.ideas import views

    monkeypatch.setattr(views, "SIMILAR_RATE", "3/minute")
    codes = [client_a.get("/ideas/similar/", {"q": "invoices"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client_a.get("/ideas/similar/", {"q": "invoices"}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_idea_page_vote_unvote_follow_comment(board_a, tenant_a, people_a, client_a):
    idea = board_a["fresh"]
    url = f"/ideas/{idea.pk}-dark-mode-for-the-dashboard/"
    anonymous = client_a.get(url).content.decode()
    assert "Dark mode for the dashboard" in anonymous
    assert "Sign in to vote, follow and comment" in anonymous
    assert "Change status" not in anonymous
    # an anonymous vote goes to sign-in
    response = client_a.post(f"/ideas/{idea.pk}/vote/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")

    bob = client_for(tenant_a, people_a["bob"])
    response = bob.post(f"/ideas/{idea.pk}/vote/", {"action": "vote", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    page = bob.get(url).content.decode()
    assert "Thank you for your vote!" in page and 'aria-pressed="true"' in page
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=idea.pk).vote_count == 3
    # voting twice by replaying the form does not count twice
    bob.post(f"/ideas/{idea.pk}/vote/", {"action": "vote"})
    assert "You have already voted" in bob.get(url).content.decode()
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=idea.pk).vote_count == 3
    bob.post(f"/ideas/{idea.pk}/vote/", {"action": "unvote"})
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=idea.pk).vote_count == 2
    bob.post(f"/ideas/{idea.pk}/follow/", {"action": "unfollow"})
    bob.post(f"/ideas/{idea.pk}/comment/", {"body": "Please, my *eyes*"})
    page = bob.get(url).content.decode()
    assert "<em>eyes</em>" in page and "1 comment" in page
    # an external next= is not followed
    response = bob.post(f"/ideas/{idea.pk}/follow/", {"next": "https://evil.example/"})
    assert response["Location"] == url
    # wrong slug or bare id: redirected to the idea's address
    assert client_a.get(f"/ideas/{idea.pk}-wrong/")["Location"] == url
    assert client_a.get(f"/ideas/{idea.pk}/")["Location"] == url
    assert client_a.get("/ideas/999999-nope/").status_code == 404


def test_page_writes_are_limited(board_a, tenant_a, people_a, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "ideas_write": "3/minute"},
    }
    idea = board_a["fresh"]
    bob = client_for(tenant_a, people_a["bob"])
    for n in range(4):
        response = bob.post(f"/ideas/{idea.pk}/comment/", {"body": f"Comment {n}"}, follow=True)
    assert "Too many actions in a short time." in response.content.decode()
    with tenant_context(tenant_a):
        assert idea.comments.count() == 3
    response = bob.post("/ideas/new/", {"title": "One idea too many"})
    assert response.status_code == 429
    with tenant_context(tenant_a):
        assert not Idea.objects.filter(title="One idea too many").exists()
    # another customer has their own allowance
    cat = client_for(tenant_a, people_a["cat"])
    assert cat.post(f"/ideas/{idea.pk}/follow/").status_code == 302
    with tenant_context(tenant_a):
        assert idea.follows.filter(user=people_a["cat"]).exists()


def test_idea_page_reads_the_idea_once(board_a, tenant_a, people_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.ideas.test_api import idea_reads

    bob = client_for(tenant_a, people_a["bob"])
    with CaptureQueriesContext(connection) as captured:
        assert bob.get(board_a["fresh"].get_absolute_url()).status_code == 200
    assert len(idea_reads(captured.captured_queries)) == 1


def test_customer_cannot_use_staff_controls(board_a, tenant_a, people_a):
    idea, other = board_a["fresh"], board_a["old"]
    for who in ("bob", "staff"):  # a customer, and staff without the ideas permission
        client = client_for(tenant_a, people_a[who])
        assert "Change status" not in client.get(idea.get_absolute_url()).content.decode()
        assert client.post(f"/ideas/{idea.pk}/status/", {"status": "done"}).status_code == 403
        assert client.post(f"/ideas/{idea.pk}/merge/", {"into": other.pk}).status_code == 403
        response = client.post(
            f"/ideas/{idea.pk}/vote-on-behalf/", {"email": "cat@customer.example"}
        )
        assert response.status_code == 403
    with tenant_context(tenant_a):
        fresh = Idea.objects.get(pk=idea.pk)
        assert fresh.status == Status.OPEN and fresh.merged_into is None
        assert not StatusChange.objects.filter(idea=idea).exists()


def test_staff_change_status_vote_on_behalf_and_merge(
    board_a, tenant_a, people_a, celery_eager, django_capture_on_commit_callbacks
):
    idea, other = board_a["fresh"], board_a["old"]
    staff = client_for(tenant_a, people_a["manager"])
    page = staff.get(idea.get_absolute_url()).content.decode()
    assert "Change status" in page and "Add a vote for a customer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/ideas/{idea.pk}/status/", {"status": "in_progress", "note": "Building it now."}
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann@customer.example",
        "bob@customer.example",
        "cat@customer.example",
    ]
    page = staff.get(idea.get_absolute_url()).content.decode()
    assert "Building it now." in page and "In progress" in page
    response = staff.post(
        f"/ideas/{other.pk}/vote-on-behalf/", {"email": "nobody@x.example", "note": "call"}
    )
    assert "No customer has this email address." in staff.get(response["Location"]).content.decode()
    with tenant_context(tenant_a):
        make_customer("dora@customer.example")
    staff.post(f"/ideas/{other.pk}/vote-on-behalf/", {"email": "DORA@customer.example"})
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=other.pk).vote_count == 4
    response = staff.post(f"/ideas/{other.pk}/merge/", {"into": idea.pk})
    assert response["Location"] == idea.get_absolute_url()
    with tenant_context(tenant_a):
        # ann and cat voted for both: their votes are not doubled; bob and dora move over
        assert Idea.objects.get(pk=idea.pk).vote_count == 4
    # the duplicate's address redirects to the idea it was merged into
    assert staff.get(other.get_absolute_url())["Location"] == idea.get_absolute_url()
    assert "Export invoices to CSV" not in staff.get("/ideas/").content.decode()


def test_roadmap_and_changelog(board_a, tenant_a, people_a, client_a):
    with tenant_context(tenant_a):
        services.idea_set_status(
            idea=board_a["old"],
            status=Status.DONE,
            note="Shipped in **3.2**",
            by=people_a["manager"],
        )
    roadmap = client_a.get("/ideas/roadmap/").content.decode()
    planned = roadmap.index('id="roadmap-planned"')
    done = roadmap.index('id="roadmap-done"')
    assert planned < roadmap.index("Recurring invoices") < roadmap.index('id="roadmap-in_progress"')
    assert done < roadmap.index("Export invoices to CSV")
    assert "Dark mode" not in roadmap  # open ideas are not on the roadmap
    changelog = client_a.get("/ideas/changelog/").content.decode()
    assert "Export invoices to CSV" in changelog and "<strong>3.2</strong>" in changelog
    # under the month it shipped in (the footer shows the year, so the year alone proves nothing)
    month = date_format(timezone.localtime(), "YEAR_MONTH_FORMAT")
    heading = f'<h2 id="month-{timezone.localtime():%Y-%m}">{month}</h2>'
    assert heading in changelog
    assert changelog.index(heading) < changelog.index("Export invoices to CSV")


def test_bad_posts_give_messages_not_errors(board_a, tenant_a, people_a):
    idea = board_a["fresh"]
    with tenant_context(tenant_a):
        newbie = make_customer("unverified@customer.example", verified=False)
    bob = client_for(tenant_a, people_a["bob"])
    response = bob.post(f"/ideas/{idea.pk}/comment/", {"body": "   "}, follow=True)
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = bob.post(f"/ideas/{board_a['planned'].pk}/merge/", {"into": "x"})
    assert response.status_code == 403
    response = client_for(tenant_a, newbie).post(f"/ideas/{idea.pk}/vote/", follow=True)
    assert response.status_code == 200
    assert "Verify your email address to take part." in response.content.decode()
    manager = client_for(tenant_a, people_a["manager"])
    for url, data in (
        (f"/ideas/{idea.pk}/status/", {"status": "nope"}),
        (f"/ideas/{idea.pk}/merge/", {"into": "abc"}),
        (f"/ideas/{idea.pk}/merge/", {"into": 999999}),
        (f"/ideas/{idea.pk}/merge/", {"into": idea.pk}),
        (f"/ideas/{idea.pk}/vote-on-behalf/", {"email": "not an email"}),
    ):
        response = manager.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert "ideas-message--error" in response.content.decode(), url
    with tenant_context(tenant_a):
        assert Idea.objects.get(pk=idea.pk).vote_count == 2
        assert Idea.objects.get(pk=idea.pk).merged_into is None
    assert manager.post("/ideas/999999/status/", {"status": "done"}).status_code == 404


def test_idea_page_with_many_comments_in_few_queries(
    board_a, tenant_a, people_a, django_assert_max_num_queries
):
    idea = board_a["fresh"]
    with tenant_context(tenant_a):
        commenters = [make_customer(f"c{n}@customer.example") for n in range(15)]
        for n in range(60):
            services.idea_comment(idea=idea, author=commenters[n % 15], body=f"Comment {n}")
    client = client_for(tenant_a, people_a["manager"])
    assert client.get(idea.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(idea.get_absolute_url())
    assert response.content.decode().count('class="idea-comment"') == 60
