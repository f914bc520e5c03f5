"""Forum pages: reading, posting with plain forms, moderation controls, JSON-LD, query counts."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from modules.forum import services
from modules.forum.models import ModerationAction, Reply, Topic
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


def test_index_category_and_topic_pages(forum_a):
    client = forum_a.client()
    body = client.get("/forum/").content.decode()
    assert "Questions" in body and "Members lounge" not in body and "Secret beta" not in body
    body = client.get("/forum/c/questions/").content.decode()
    assert "How do I export flamingo invoices?" in body
    response = client.get(forum_a.topic.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Billing</strong>" in body
    assert "Sign in to answer" in body and "/account/login/?next=" in body
    assert client.get("/forum/c/members-lounge/").status_code == 404
    assert client.get("/forum/c/secret-beta/").status_code == 404
    # the bare id redirects to the address with the slug
    response = client.get(f"/forum/t/{forum_a.topic.pk}/")
    assert response.status_code == 301 and response["Location"] == forum_a.topic.get_absolute_url()


def test_posting_without_javascript(forum_a):
    client = forum_a.client(forum_a.carol)
    response = client.get("/forum/new/?category=questions")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'for="id_title"' in body and 'for="id_body"' in body  # labelled fields
    response = client.post(
        "/forum/new/",
        {
            "category": forum_a.public.pk,
            "kind": "question",
            "title": "Dark mode?",
            "body": "Is there one?",
        },
    )
    assert response.status_code == 302
    with tenant_context(forum_a.tenant):
        topic = Topic.objects.get(title="Dark mode?")
    assert response["Location"] == topic.get_absolute_url()
    # an empty form shows errors, not a 500
    response = forum_a.client(forum_a.carol).post("/forum/new/", {"category": forum_a.public.pk})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    # a reply, with a quote prefilled from another post
    page = client.get(f"{topic.get_absolute_url()}?quote=topic").content.decode()
    assert "&gt; Is there one?" in page
    response = client.post(f"/forum/t/{forum_a.topic.pk}/reply/", {"body": "Me too"})
    assert response.status_code == 302 and "#reply-" in response["Location"]
    # signed-out posting goes to sign-in
    response = forum_a.client().post(f"/forum/t/{forum_a.topic.pk}/reply/", {"body": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_vote_accept_and_solved(forum_a):
    client = forum_a.client(forum_a.carol)
    client.post(f"/forum/t/{forum_a.topic.pk}/vote/", {"up": "1"})
    client.post(f"/forum/t/{forum_a.topic.pk}/vote/", {"up": "1"})  # twice: still one
    with tenant_context(forum_a.tenant):
        assert Topic.objects.get(pk=forum_a.topic.pk).score == 1
    # carol is not the asker: accepting is refused
    response = client.post(f"/forum/r/{forum_a.answer.pk}/accept/")
    assert response.status_code == 403
    asker = forum_a.client(forum_a.alice)
    assert "Accept answer" in asker.get(forum_a.topic.get_absolute_url()).content.decode()
    asker.post(f"/forum/r/{forum_a.answer.pk}/accept/")
    body = forum_a.client().get(forum_a.topic.get_absolute_url()).content.decode()
    assert "Solved" in body and "Accepted answer" in body
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)[1]
    )
    assert data["@type"] == "QAPage"
    assert data["mainEntity"]["acceptedAnswer"]["text"].startswith("Open **Billing**")
    with tenant_context(forum_a.tenant):
        services.topic_create(
            author=forum_a.bob, category=forum_a.public, title="Open pelican question", body="?"
        )
    solved = forum_a.client().get("/forum/c/questions/?filter=solved").content.decode()
    assert "How do I export flamingo invoices?" in solved and "Open pelican question" not in solved
    unsolved = forum_a.client().get("/forum/c/questions/?filter=unsolved").content.decode()
    assert "Open pelican question" in unsolved and "flamingo" not in unsolved


def test_customer_cannot_edit_another_reply_or_moderate(forum_a):
    client = forum_a.client(forum_a.alice)
    assert client.get(f"/forum/r/{forum_a.answer.pk}/edit/").status_code == 403
    assert (
        client.post(f"/forum/r/{forum_a.answer.pk}/edit/", {"body": "mine now"}).status_code == 403
    )
    assert (
        client.post(f"/forum/t/{forum_a.topic.pk}/moderate/", {"action": "pin"}).status_code == 403
    )
    assert client.get("/forum/moderation/").status_code == 403
    response = client.post(
        "/forum/moderation/act/", {"kind": "reply", "id": forum_a.answer.pk, "action": "reject"}
    )
    assert response.status_code == 403
    with tenant_context(forum_a.tenant):
        assert Reply.objects.get(pk=forum_a.answer.pk).state == "approved"
        assert not ModerationAction.objects.exists()
    own = forum_a.client(forum_a.bob)
    assert own.post(f"/forum/r/{forum_a.answer.pk}/edit/", {"body": "Edited"}).status_code == 302


def test_moderator_controls_and_queue(forum_a):
    with tenant_context(forum_a.tenant):
        moderator = make_customer("mod@customer.example")
        services.category_moderator_add(category=forum_a.public, user=moderator)
    client = forum_a.client(moderator)
    body = client.get(forum_a.topic.get_absolute_url()).content.decode()
    assert "Moderate" in body and 'value="pin"' in body
    assert (
        client.post(f"/forum/t/{forum_a.topic.pk}/moderate/", {"action": "pin"}).status_code == 302
    )
    client.post("/forum/report/", {"reply": forum_a.answer.pk, "reason": "rude"})
    page = client.get("/forum/moderation/").content.decode()
    assert "rude" in page
    client.post(
        "/forum/moderation/act/",
        {"kind": "reply", "id": forum_a.answer.pk, "action": "reject", "reason": "off topic"},
    )
    with tenant_context(forum_a.tenant):
        assert Reply.objects.get(pk=forum_a.answer.pk).state == "rejected"
        assert list(ModerationAction.objects.values_list("action", flat=True)) == ["reject", "pin"]


def test_report_from_a_customer(forum_a):
    from modules.forum.models import ForumSettings, Report

    client = forum_a.client(forum_a.carol)
    response = client.post("/forum/report/", {"topic": forum_a.topic.pk, "reason": "spam"})
    assert response.status_code == 302
    assert client.post("/forum/report/", {"topic": "abc", "reason": "x"}).status_code == 404
    assert client.post("/forum/report/", {"topic": forum_a.topic.pk}).status_code == 302
    with tenant_context(forum_a.tenant):
        report = Report.objects.get()  # one: the reasonless one was refused
        assert (report.reporter, report.topic_id, report.reason) == (
            forum_a.carol,
            forum_a.topic.pk,
            "spam",
        )
        # accounts younger than a day report as often as they may post
        young = make_customer("young@customer.example", days_old=0)
        rules = ForumSettings.load()
        rules.new_user_posts_per_hour = 1
        rules.save()
    young_client = forum_a.client(young)
    young_client.post("/forum/report/", {"topic": forum_a.topic.pk, "reason": "one"})
    young_client.post("/forum/report/", {"reply": forum_a.answer.pk, "reason": "two"})
    with tenant_context(forum_a.tenant):
        assert list(Report.objects.filter(reporter=young).values_list("reason", flat=True)) == [
            "one"
        ]


def test_merged_topic_does_not_reveal_a_private_target(forum_a):
    with tenant_context(forum_a.tenant):
        staff = make_customer("agent@company.example", is_staff=True)
        vip = make_customer("vip@customer.example")
        vip.groups.add(forum_a.vip)
        secret = services.topic_create(
            author=vip, category=forum_a.private, title="Beta flag list", body="secret"
        )
        services.topic_merge(moderator=staff, topic=forum_a.topic, into=secret)
    url = forum_a.topic.get_absolute_url()
    response = forum_a.client(forum_a.carol).get(url)
    assert (
        response.status_code == 200 and secret.get_absolute_url() not in response.content.decode()
    )
    response = forum_a.client(vip).get(url)
    assert response.status_code == 302 and response["Location"] == secret.get_absolute_url()


def test_similar_topics_endpoint(forum_a):
    with tenant_context(forum_a.tenant):
        from wagtail.search.index import insert_or_update_object

        insert_or_update_object(Topic.objects.get(pk=forum_a.topic.pk))
    data = forum_a.client().get("/forum/similar/", {"q": "export invoic"}).json()
    assert [r["title"] for r in data["results"]] == ["How do I export flamingo invoices?"]
    # whole words anywhere in the title when the last one is no prefix
    data = forum_a.client().get("/forum/similar/", {"q": "flamingo zzzz"}).json()
    assert [r["title"] for r in data["results"]] == ["How do I export flamingo invoices?"]
    assert forum_a.client().get("/forum/similar/", {"q": "x"}).json() == {"results": []}


def test_a_merged_topic_is_not_suggested(forum_a):
    from wagtail.search.index import insert_or_update_object

    with tenant_context(forum_a.tenant):
        staff = make_customer("agent@company.example", is_staff=True)
        duplicate = services.topic_create(
            author=forum_a.carol, category=forum_a.public, title="Pelican invoices", body="x"
        )
        services.topic_merge(moderator=staff, topic=duplicate, into=forum_a.topic)
        for topic in Topic.objects.all():
            insert_or_update_object(topic)
    data = forum_a.client().get("/forum/similar/", {"q": "pelican invo"}).json()
    assert data == {"results": []}
    data = forum_a.client().get("/forum/similar/", {"q": "invoices"}).json()
    assert [r["title"] for r in data["results"]] == ["How do I export flamingo invoices?"]


def test_reply_emails_followers_once(forum_a, django_capture_on_commit_callbacks, celery_eager):
    with django_capture_on_commit_callbacks(execute=True):
        forum_a.client(forum_a.carol).post(
            f"/forum/t/{forum_a.topic.pk}/reply/", {"body": "Thanks @bob, that works"}
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    # alice follows (asked), bob follows (answered) and is mentioned: one email each
    assert recipients == ["alice@customer.example", "bob@customer.example"]
    bob_mail = next(m for m in mail.outbox if m.to == ["bob@customer.example"])
    assert "mentioned you" in bob_mail.subject
    alice_mail = next(m for m in mail.outbox if m.to == ["alice@customer.example"])
    assert "New reply" in alice_mail.subject and "Thanks @bob" in alice_mail.body
    assert "/forum/t/" in alice_mail.body


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_not_grow_queries(forum_a, django_assert_max_num_queries):
    client = forum_a.client(forum_a.carol)
    urls = ["/forum/", "/forum/c/questions/", forum_a.topic.get_absolute_url()]
    for url in urls:
        client.get(url)  # warm caches (settings, site)
    before = {url: _queries(client, url) for url in urls}
    with tenant_context(forum_a.tenant):
        for n in range(12):
            author = make_customer(f"writer{n}@customer.example", is_staff=n % 3 == 0)
            topic = services.topic_create(
                author=author, category=forum_a.public, title=f"Topic {n}", body="b"
            )
            services.reply_create(author=forum_a.bob, topic=topic, body=f"r{n}")
            services.reply_create(author=author, topic=forum_a.topic, body=f"more {n}")
    for url in urls:
        with django_assert_max_num_queries(before[url]):
            assert client.get(url).status_code == 200, url


def test_author_edits_own_topic(forum_a):
    url = f"/forum/t/{forum_a.topic.pk}/edit/"
    assert forum_a.client(forum_a.bob).get(url).status_code == 403
    client = forum_a.client(forum_a.alice)
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Export invoices as one zip?", "body": "New *text*"})
    assert response.status_code == 302
    with tenant_context(forum_a.tenant):
        topic = Topic.objects.get(pk=forum_a.topic.pk)
    assert topic.title == "Export invoices as one zip?" and "<em>text</em>" in topic.body_html
    assert client.post(url, {"title": "", "body": ""}).status_code == 200  # form errors


def test_my_activity_lists_forum_posts(forum_a):
    body = forum_a.client(forum_a.bob).get("/account/activity/").content.decode()
    assert "Forum replies" in body and "How do I export flamingo invoices?" in body


def test_moderation_pages_do_not_grow_queries(
    forum_a, admin_client_a, django_assert_max_num_queries
):
    from modules.forum.models import ForumSettings

    with tenant_context(forum_a.tenant):
        staff = make_customer("agent@company.example", is_staff=True)
        rules = ForumSettings.load()
        rules.blocked_keywords = "casino"
        rules.save()
    moderator = forum_a.client(staff)
    urls = {
        moderator: "/forum/moderation/",
        admin_client_a: "/admin/snippets/forum/moderationaction/",
    }

    def add_work(n: int) -> None:
        with tenant_context(forum_a.tenant):
            author = make_customer(f"writer{n}@customer.example", first_name=f"W{n}")
            services.topic_create(
                author=author, category=forum_a.public, title=f"Casino {n}", body="b"
            )
            services.reply_create(author=author, topic=forum_a.topic, body=f"casino {n}")
            reply = services.reply_create(author=author, topic=forum_a.topic, body=f"ok {n}")
            services.report_create(reporter=forum_a.carol, reply=reply, reason=f"rude {n}")
            services.topic_pin(moderator=staff, topic=forum_a.topic, pinned=n % 2 == 0)

    add_work(0)
    for client, url in urls.items():
        client.get(url)  # warm caches (settings, site)
    before = {url: _queries(client, url) for client, url in urls.items()}
    for n in range(1, 10):
        add_work(n)
    for client, url in urls.items():
        with django_assert_max_num_queries(before[url]):
            assert client.get(url).status_code == 200, url
    assert "W9" in moderator.get("/forum/moderation/").content.decode()
