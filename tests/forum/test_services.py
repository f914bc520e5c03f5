"""Forum services: posting, votes, accepted answers, moderation, filters and rate limits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from modules.forum import selectors, services
from modules.forum.models import (
    ForumSettings,
    ModerationAction,
    ModerationState,
    Reply,
    Subscription,
    Topic,
    Vote,
)
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_tenant(forum_a):
    with tenant_context(forum_a.tenant):
        yield


def test_topic_and_reply_counters_and_subscriptions(forum_a):
    topic = Topic.objects.get(pk=forum_a.topic.pk)
    assert topic.reply_count == 1
    assert topic.state == ModerationState.APPROVED
    assert topic.slug == "how-do-i-export-flamingo-invoices"
    assert "<em>all</em>" in topic.body_html
    # the asker and the answerer follow the topic
    assert set(Subscription.objects.filter(topic=topic).values_list("user__email", flat=True)) == {
        "alice@customer.example",
        "bob@customer.example",
    }


def test_vote_once_and_withdraw(forum_a):
    topic = forum_a.topic
    assert services.topic_vote(user=forum_a.bob, topic=topic) is True
    assert services.topic_vote(user=forum_a.bob, topic=topic) is False  # second vote: nothing
    topic.refresh_from_db()
    assert topic.score == 1
    assert Vote.objects.filter(topic=topic).count() == 1
    assert services.topic_vote(user=forum_a.bob, topic=topic, up=False) is True
    topic.refresh_from_db()
    assert topic.score == 0
    with pytest.raises(ValidationError):
        services.topic_vote(user=forum_a.alice, topic=topic)  # own topic
    assert services.reply_vote(user=forum_a.alice, reply=forum_a.answer) is True
    assert services.reply_vote(user=forum_a.alice, reply=forum_a.answer) is False
    forum_a.answer.refresh_from_db()
    assert forum_a.answer.score == 1


def test_anonymous_and_inactive_cannot_post(forum_a):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.reply_create(author=AnonymousUser(), topic=forum_a.topic, body="hi")
    forum_a.carol.is_active = False
    forum_a.carol.save()
    with pytest.raises(PermissionDenied):
        services.topic_create(author=forum_a.carol, category=forum_a.public, title="x", body="y")


def test_accept_by_asker_or_moderator_only(forum_a):
    with pytest.raises(PermissionDenied):
        services.reply_accept(user=forum_a.carol, reply=forum_a.answer)
    topic = services.reply_accept(user=forum_a.alice, reply=forum_a.answer)
    assert topic.solved and topic.accepted_reply == forum_a.answer
    assert not ModerationAction.objects.exists()  # the asker is no moderator
    discussion = services.topic_create(
        author=forum_a.alice, category=forum_a.public, kind="discussion", title="Tips", body="x"
    )
    reply = services.reply_create(author=forum_a.bob, topic=discussion, body="y")
    with pytest.raises(ValidationError):
        services.reply_accept(user=forum_a.alice, reply=reply)
    moderator = make_customer("mod@customer.example")
    services.category_moderator_add(category=forum_a.public, user=moderator)
    services.reply_accept(user=moderator, reply=forum_a.answer, accept=False)
    assert ModerationAction.objects.filter(action="accept", moderator=moderator).exists()


def test_customer_cannot_edit_another_reply(forum_a):
    assert not selectors.can_edit_reply(forum_a.alice, forum_a.answer)
    with pytest.raises(PermissionDenied):
        services.reply_edit(user=forum_a.alice, reply=forum_a.answer, body="hijacked")
    reply = services.reply_edit(user=forum_a.bob, reply=forum_a.answer, body="Better *answer*")
    assert reply.edited_at is not None and "<em>answer</em>" in reply.body_html


def test_private_category_invisible(forum_a):
    secret = services.topic_create(
        author=forum_a.carol if False else _vip(forum_a),
        category=forum_a.private,
        title="Beta flags",
        body="Secret things",
    )
    assert secret not in selectors.topics_visible(user=forum_a.alice)
    with pytest.raises(Exception) as info:
        selectors.topic_get_for_user(user=forum_a.alice, topic_id=secret.pk)
    assert info.typename == "Http404"
    with pytest.raises(PermissionDenied):
        services.topic_create(author=forum_a.alice, category=forum_a.private, title="x", body="y")
    assert forum_a.private not in selectors.categories_visible(forum_a.alice)
    from django.contrib.auth.models import AnonymousUser

    assert forum_a.members not in selectors.categories_visible(AnonymousUser())
    assert forum_a.members in selectors.categories_visible(forum_a.alice)


def _vip(forum):
    user = make_customer("vip@customer.example")
    user.groups.add(forum.vip)
    return user


def test_guardian_moderator_of_one_category(forum_a):
    moderator = make_customer("mod@customer.example")
    services.category_moderator_add(category=forum_a.public, user=moderator)
    assert selectors.can_moderate(moderator, forum_a.public)
    assert not selectors.can_moderate(moderator, forum_a.members)
    assert not selectors.can_moderate(forum_a.alice, forum_a.public)
    services.topic_pin(moderator=moderator, topic=forum_a.topic)
    other = services.topic_create(
        author=forum_a.alice, category=forum_a.members, title="Lounge", body="Hello"
    )
    with pytest.raises(PermissionDenied):
        services.topic_pin(moderator=moderator, topic=other)
    with pytest.raises(PermissionDenied):
        services.topic_lock(moderator=forum_a.alice, topic=forum_a.topic)
    with pytest.raises(PermissionDenied):  # may not move into a category it does not moderate
        services.topic_move(moderator=moderator, topic=forum_a.topic, category=forum_a.members)
    assert list(ModerationAction.objects.values_list("action", "moderator")) == [
        ("pin", moderator.pk)
    ]


def test_pin_lock_close_move_merge(forum_a):
    staff = make_customer("agent@company.example", is_staff=True)
    topic = forum_a.topic
    services.topic_lock(moderator=staff, topic=topic)
    with pytest.raises(PermissionDenied):
        services.reply_create(author=forum_a.carol, topic=topic, body="late")
    services.topic_lock(moderator=staff, topic=topic, locked=False)
    services.topic_close(moderator=staff, topic=topic)
    services.topic_close(moderator=staff, topic=topic, closed=False)
    services.topic_move(moderator=staff, topic=topic, category=forum_a.members)
    topic.refresh_from_db()
    assert topic.category == forum_a.members
    duplicate = services.topic_create(
        author=forum_a.carol, category=forum_a.members, title="Export invoices?", body="Same q"
    )
    services.reply_create(author=forum_a.bob, topic=duplicate, body="See the other one")
    services.topic_vote(user=forum_a.bob, topic=duplicate)
    into = services.topic_merge(moderator=staff, topic=duplicate, into=topic)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == topic and duplicate.closed
    assert into.reply_count == 3  # the original answer, the duplicate's opening post and reply
    assert into.score == 1
    assert Subscription.objects.filter(topic=topic, user=forum_a.carol).exists()
    assert list(
        ModerationAction.objects.order_by("created_at", "pk").values_list("action", flat=True)
    ) == ["lock", "unlock", "close", "reopen", "move", "merge"]


def test_premoderation_of_first_posts(forum_a):
    settings = ForumSettings.load()
    settings.premoderate_first_posts = True
    settings.save()
    newcomer = make_customer("new@customer.example")
    topic = services.topic_create(
        author=newcomer, category=forum_a.public, title="First!", body="Hello"
    )
    assert topic.state == ModerationState.PENDING
    assert topic not in selectors.topics_visible(user=forum_a.alice)
    assert topic in selectors.topics_visible(user=newcomer)  # the author sees their own
    staff = make_customer("agent@company.example", is_staff=True)
    assert topic in selectors.moderation_queue(user=staff)["topics"]
    services.moderation_approve(moderator=staff, topic=topic)
    assert topic in selectors.topics_visible(user=forum_a.alice)
    # alice has approved posts: not held
    second = services.reply_create(author=forum_a.alice, topic=topic, body="Welcome")
    assert second.state == ModerationState.APPROVED


def test_keyword_and_link_filters(forum_a):
    settings = ForumSettings.load()
    settings.blocked_keywords = "casino\n"
    settings.blocked_link_domains = "spam.example"
    settings.save()
    held = services.reply_create(author=forum_a.carol, topic=forum_a.topic, body="Best CASINO")
    assert held.state == ModerationState.PENDING and held.moderation_reason == "keyword"
    held = services.reply_create(
        author=forum_a.carol, topic=forum_a.topic, body="see https://www.spam.example/x"
    )
    assert held.moderation_reason == "link"
    young = make_customer("young@customer.example", days_old=0)
    held = services.reply_create(author=young, topic=forum_a.topic, body="https://ok.example")
    assert held.moderation_reason == "new_user_link"
    fine = services.reply_create(
        author=forum_a.carol, topic=forum_a.topic, body="https://ok.example"
    )
    assert fine.state == ModerationState.APPROVED
    topic = Topic.objects.get(pk=forum_a.topic.pk)
    assert topic.reply_count == 2  # held replies are not counted until approved


def test_rate_limit_for_new_accounts(forum_a):
    settings = ForumSettings.load()
    settings.new_user_posts_per_hour = 2
    settings.save()
    young = make_customer("young@customer.example", days_old=0)
    services.reply_create(author=young, topic=forum_a.topic, body="one")
    services.reply_create(author=young, topic=forum_a.topic, body="two")
    with pytest.raises(ValidationError) as info:
        services.reply_create(author=young, topic=forum_a.topic, body="three")
    assert "New accounts can post 2 times an hour" in str(info.value)
    # an older account is not limited
    for n in range(3):
        services.reply_create(author=forum_a.carol, topic=forum_a.topic, body=f"reply {n}")


def test_reject_and_suspend(forum_a):
    staff = make_customer("agent@company.example", is_staff=True)
    spam = services.reply_create(author=forum_a.carol, topic=forum_a.topic, body="buy now")
    report = services.report_create(reporter=forum_a.alice, reply=spam, reason="Spam")
    assert report in selectors.moderation_queue(user=staff)["reports"]
    services.moderation_reject_and_suspend(moderator=staff, reply=spam, reason="spam")
    spam.refresh_from_db()
    forum_a.carol.refresh_from_db()
    report.refresh_from_db()
    assert spam.state == ModerationState.REJECTED
    assert forum_a.carol.is_active is False
    assert report.resolved
    action = ModerationAction.objects.get(action="suspend")
    assert action.target_user == forum_a.carol and action.reason == "spam"
    assert Topic.objects.get(pk=forum_a.topic.pk).reply_count == 1
    with pytest.raises(PermissionDenied):
        services.moderation_reject(moderator=forum_a.alice, reply=forum_a.answer)


def test_anonymise_keeps_posts_and_scores(forum_a):
    from modules.forum.hooks import export_user_data

    services.reply_vote(user=forum_a.alice, reply=forum_a.answer)
    data = export_user_data(user=forum_a.bob)
    assert data["replies"][0]["body"].startswith("Open **Billing**")
    services.anonymise_user(user=forum_a.bob)
    reply = Reply.objects.get(pk=forum_a.answer.pk)
    assert reply.author is None and reply.score == 1
    assert not Subscription.objects.filter(user=forum_a.bob).exists()
    services.anonymise_user(user=forum_a.alice)
    assert Reply.objects.get(pk=forum_a.answer.pk).score == 1  # votes stay counted
    assert Vote.objects.filter(reply=forum_a.answer, user=None).count() == 1


def test_edit_to_a_blocked_link_goes_back_to_the_queue(forum_a):
    settings = ForumSettings.load()
    settings.blocked_link_domains = "spam.example"
    settings.save()
    services.reply_accept(user=forum_a.alice, reply=forum_a.answer)
    reply = services.reply_edit(
        user=forum_a.bob, reply=forum_a.answer, body="Cheaper at https://spam.example/buy"
    )
    assert reply.state == ModerationState.PENDING and reply.moderation_reason == "link"
    topic = Topic.objects.get(pk=forum_a.topic.pk)
    assert topic.reply_count == 0 and topic.accepted_reply is None  # left the thread
    assert reply not in selectors.replies_visible(user=forum_a.carol, topic=topic)
    topic = services.topic_edit(
        user=forum_a.alice, topic=topic, title=topic.title, body="see www.spam.example"
    )
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.state == ModerationState.PENDING and topic.moderation_reason == "link"
    assert topic not in selectors.topics_visible(user=forum_a.carol)
    # a moderator's edit is not held
    staff = make_customer("agent@company.example", is_staff=True)
    services.moderation_approve(moderator=staff, topic=topic)
    topic = services.topic_edit(
        user=staff, topic=topic, title=topic.title, body="moved to https://spam.example/x"
    )
    assert Topic.objects.get(pk=topic.pk).state == ModerationState.APPROVED


def test_edits_count_against_the_new_account_rate_limit(forum_a):
    settings = ForumSettings.load()
    settings.new_user_posts_per_hour = 2
    settings.save()
    young = make_customer("young@customer.example", days_old=0)
    reply = services.reply_create(author=young, topic=forum_a.topic, body="one")
    services.reply_edit(user=young, reply=reply, body="one, edited")
    services.reply_edit(user=young, reply=reply, body="one, edited twice")
    with pytest.raises(ValidationError) as info:
        services.reply_edit(user=young, reply=reply, body="buy now")
    assert "New accounts can post 2 times an hour" in str(info.value)
    assert Reply.objects.get(pk=reply.pk).body == "one, edited twice"
    services.reply_edit(user=forum_a.bob, reply=forum_a.answer, body="older accounts: no limit")


def test_edit_keeps_a_vote_counted_meanwhile(forum_a):
    topic = Topic.objects.get(pk=forum_a.topic.pk)  # the author's page loads the topic …
    reply = Reply.objects.select_related("topic__category").get(pk=forum_a.answer.pk)
    Topic.objects.filter(pk=topic.pk).update(score=7, reply_count=5)  # … votes land …
    Reply.objects.filter(pk=reply.pk).update(score=4)
    services.topic_edit(user=forum_a.alice, topic=topic, title="New title", body="New body")
    services.reply_edit(user=forum_a.bob, reply=reply, body="New answer")
    topic = Topic.objects.get(pk=topic.pk)
    assert (topic.title, topic.score, topic.reply_count) == ("New title", 7, 5)
    assert Reply.objects.get(pk=reply.pk).score == 4


def test_reply_lookup_does_not_load_the_thread(forum_a):
    from django.http import Http404
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        services.reply_create(author=forum_a.carol, topic=forum_a.topic, body=f"r{n}")
    with CaptureQueriesContext(connection) as captured:
        reply = selectors.reply_get_for_user(user=forum_a.alice, reply_id=forum_a.answer.pk)
    assert reply == forum_a.answer
    reads = [q["sql"] for q in captured if 'FROM "forum_reply"' in q["sql"]]
    assert reads and all(f'"forum_reply"."id" = {reply.pk}' in sql for sql in reads), reads
    services.moderation_reject(
        moderator=make_customer("a@company.example", is_staff=True), reply=reply
    )
    with pytest.raises(Http404):
        selectors.reply_get_for_user(user=forum_a.alice, reply_id=reply.pk)


def test_counters_follow_replies_in_and_out_of_the_thread(forum_a):
    from datetime import timedelta

    from django.utils import timezone

    staff = make_customer("agent@company.example", is_staff=True)
    topic = forum_a.topic
    late = services.reply_create(author=forum_a.carol, topic=topic, body="late")
    Reply.objects.filter(pk=late.pk).update(created_at=timezone.now() + timedelta(hours=1))
    services.moderation_reject(moderator=staff, reply=late)
    topic = Topic.objects.get(pk=topic.pk)
    answer = Reply.objects.get(pk=forum_a.answer.pk)
    assert topic.reply_count == 1
    assert topic.last_activity_at == answer.created_at  # the rejected reply no longer counts
    services.moderation_approve(moderator=staff, reply=Reply.objects.get(pk=late.pk))
    topic = Topic.objects.get(pk=topic.pk)
    assert topic.reply_count == 2  # a rejected reply approved after all counts again
    assert topic.last_activity_at == Reply.objects.get(pk=late.pk).created_at
    services.moderation_reject(moderator=staff, reply=Reply.objects.get(pk=late.pk))
    services.moderation_reject(moderator=staff, reply=answer)
    topic = Topic.objects.get(pk=topic.pk)
    assert (topic.reply_count, topic.last_activity_at) == (0, topic.created_at)


def test_votes_of_deleted_accounts_still_count_after_a_merge(forum_a):
    staff = make_customer("agent@company.example", is_staff=True)
    duplicate = services.topic_create(
        author=forum_a.carol, category=forum_a.public, title="Export invoices?", body="Same"
    )
    services.topic_vote(user=forum_a.alice, topic=duplicate)
    services.topic_vote(user=forum_a.bob, topic=duplicate)
    services.topic_vote(user=forum_a.bob, topic=forum_a.topic)
    services.anonymise_user(user=forum_a.alice)
    assert Vote.objects.filter(topic=duplicate, user=None).count() == 1  # kept, without her
    into = services.topic_merge(moderator=staff, topic=duplicate, into=forum_a.topic)
    # bob's vote counts once; the deleted account's vote carries over
    assert into.score == 2 == Vote.objects.filter(topic=into).count()
    assert Vote.objects.filter(topic=into, user=None).count() == 1
    assert Topic.objects.get(pk=duplicate.pk).score == 0
