"""Registry hooks for accounts (activity, export, anonymise), emails (mentions, digest), image
attachments and the demo forum."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from modules.accounts.models import NotificationKind, NotificationSetting, OutboxEmail
from modules.forum import services
from modules.forum.hooks import account_activity, export_user_data
from modules.forum.models import Reply, Subscription, Topic
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = str(tmp_path)

    def forget():
        default_storage._setup()
        for attr in ("relative_media_root", "base_location", "location"):
            default_storage._wrapped.__dict__.pop(attr, None)

    forget()
    yield tmp_path
    forget()


def test_activity_export_and_anonymise(forum_a):
    with tenant_context(forum_a.tenant):
        sections = account_activity(user=forum_a.bob)
        titles = [section["title"] for section in sections]
        assert titles == ["Forum topics", "Forum replies", "Followed in the forum"]
        assert sections[1]["items"][0]["title"] == "How do I export flamingo invoices?"
        assert sections[1]["items"][0]["url"].endswith(f"#reply-{forum_a.answer.pk}")
        services.reply_vote(
            user=forum_a.bob,
            reply=Reply.objects.create(
                topic=forum_a.topic, author=forum_a.alice, body="x", body_html="<p>x</p>"
            ),
        )
        data = export_user_data(user=forum_a.bob)
        assert len(data["replies"]) == 1 and len(data["votes"]) == 1
        assert data["subscriptions"] == [{"topic_id": forum_a.topic.pk, "category": None}]
        services.anonymise_user(user=forum_a.bob)
        assert Reply.objects.get(pk=forum_a.answer.pk).author is None
        assert not Subscription.objects.filter(user=forum_a.bob).exists()
    page = forum_a.client().get(forum_a.topic.get_absolute_url()).content.decode()
    assert "Deleted user" in page and "Open <strong>Billing</strong>" in page


def test_accounts_delete_runs_the_hook(forum_a):
    """The accounts module's own deletion calls the forum's hook through the registry."""
    from modules.accounts.services import customer_anonymise

    with tenant_context(forum_a.tenant):
        customer_anonymise(user=forum_a.bob)
        assert Reply.objects.get(pk=forum_a.answer.pk).author is None


def test_mention_emails_once_and_respect_settings(
    forum_a, django_capture_on_commit_callbacks, celery_eager
):
    with tenant_context(forum_a.tenant):
        # carol has posted in the category, so her name can be mentioned there
        services.topic_create(author=forum_a.carol, category=forum_a.public, title="Hi", body="x")
        with django_capture_on_commit_callbacks(execute=True):
            reply = services.reply_create(
                author=forum_a.bob, topic=forum_a.topic, body="@carol and @nobody, @carol again"
            )
            services.reply_edit(user=forum_a.bob, reply=reply, body=reply.body + " edited")
        assert '<span class="mention">@Carol</span>' in Reply.objects.get(pk=reply.pk).body_html
        to_carol = [m for m in mail.outbox if m.to == ["carol@customer.example"]]
        assert len(to_carol) == 1 and "Bob mentioned you" in to_carol[0].subject
        mail.outbox.clear()
        NotificationSetting.objects.create(
            user=forum_a.carol, kind=NotificationKind.MENTIONS, email=False
        )
        NotificationSetting.objects.create(
            user=forum_a.alice, kind=NotificationKind.REPLIES, email=False
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.reply_create(author=forum_a.bob, topic=forum_a.topic, body="@carol hi")
        assert mail.outbox == []


def test_mentions_never_find_people_by_email(
    forum_a, django_capture_on_commit_callbacks, celery_eager
):
    """An @address (or its part before the @) says nothing about whether it has an account."""
    with tenant_context(forum_a.tenant):
        victim = make_customer("victim@corp.example", first_name="Vera")
        make_customer("dave@corp.example", first_name="Dave")  # never posted here
        services.topic_create(author=victim, category=forum_a.public, title="Hi", body="x")
        with django_capture_on_commit_callbacks(execute=True):
            reply = services.reply_create(
                author=forum_a.carol,
                topic=forum_a.topic,
                body="Ask @victim@corp.example, @victim or @dave",
            )
        html = Reply.objects.get(pk=reply.pk).body_html
        assert 'class="mention"' not in html and "Vera" not in html
        assert "@victim@corp.example" in html  # plain text
        assert not OutboxEmail.objects.filter(kind=NotificationKind.MENTIONS).exists()
        assert not [
            m for m in mail.outbox if m.to in (["victim@corp.example"], ["dave@corp.example"])
        ]
        # by the name shown beside her posts in this category, she is mentioned
        with django_capture_on_commit_callbacks(execute=True):
            reply = services.reply_create(author=forum_a.carol, topic=forum_a.topic, body="@Vera!")
        assert '<span class="mention">@Vera</span>' in Reply.objects.get(pk=reply.pk).body_html
        assert [m.to for m in mail.outbox if "mentioned you" in m.subject] == [
            ["victim@corp.example"]
        ]


def test_mention_of_someone_who_cannot_see_the_category_is_not_sent(forum_a):
    with tenant_context(forum_a.tenant):
        vip = make_customer("vip@customer.example")
        vip.groups.add(forum_a.vip)
        services.topic_create(
            author=vip, category=forum_a.private, title="Beta", body="ping @carol"
        )
        assert not OutboxEmail.objects.filter(to_email="carol@customer.example").exists()


def test_daily_digest_once_a_day(forum_a, django_capture_on_commit_callbacks, celery_eager):
    with tenant_context(forum_a.tenant):
        NotificationSetting.objects.create(
            user=forum_a.carol, kind=NotificationKind.DIGESTS, email=True
        )
        services.subscription_set(user=forum_a.carol, category=forum_a.public, on=True)
        now = timezone.now()
        services.digest_send(now=now - timedelta(hours=2))  # sets carol's starting point
        services.topic_create(
            author=forum_a.alice, category=forum_a.public, title="Fresh topic", body="new"
        )
        mail.outbox.clear()
        later = now + timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.digest_send(now=later) == 1
            assert services.digest_send(now=later + timedelta(minutes=5)) == 0
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["carol@customer.example"]
        assert "Fresh topic" in mail.outbox[0].body
        # alice did not ask for digests: none
        services.subscription_set(user=forum_a.alice, category=forum_a.public, on=True)
        assert services.digest_send(now=later + timedelta(days=2)) == 0


def _png(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_image_attachment_reencoded_and_shown(forum_a, media_root):
    client = forum_a.client(forum_a.carol)
    upload = SimpleUploadedFile("pic.png", _png() + b"<script>trailing</script>", "image/png")
    response = client.post(
        f"/forum/t/{forum_a.topic.pk}/reply/", {"body": "See screenshot", "image": upload}
    )
    assert response.status_code == 302
    with tenant_context(forum_a.tenant):
        reply = Reply.objects.filter(author=forum_a.carol).get()
        attachment = reply.attachments.get()
        stored = attachment.image.read()
        assert b"<script>" not in stored and stored.startswith(b"\x89PNG")
        assert (attachment.width, attachment.height) == (40, 30)
    src = f'src="/media/{forum_a.tenant.schema_name}/forum/'
    assert src in reply.body_html
    # not an image: a form error, no 500
    bad = SimpleUploadedFile("x.png", b"GIF89a not really", "image/png")
    response = client.post(f"/forum/t/{forum_a.topic.pk}/reply/", {"body": "x", "image": bad})
    assert response.status_code == 302
    with tenant_context(forum_a.tenant):
        assert Reply.objects.filter(author=forum_a.carol).count() == 1


def test_demo_content(tenant_a):
    from modules.forum.demo import forum_demo_content

    with tenant_context(tenant_a):
        forum_demo_content()
        forum_demo_content()  # twice: nothing more
        solved = Topic.objects.get(title="How do I export my invoices?")
        assert solved.solved and Topic.objects.count() == 2


def _followers(forum, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        user = make_customer(f"follower{n}@customer.example", first_name=f"F{n}")
        services.subscription_set(user=user, topic=forum.topic, on=True)


def test_reply_emails_cost_the_same_queries_for_any_number_of_followers(forum_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def reply_and_count(n: int) -> tuple[int, int]:
        """(queries of one reply, emails it queued)"""
        with CaptureQueriesContext(connection) as captured:
            reply = services.reply_create(author=forum_a.carol, topic=forum_a.topic, body=f"r{n}")
        told = OutboxEmail.objects.filter(dedupe_key__startswith=f"forum-reply:{reply.pk}:")
        return len(captured), told.count()

    with tenant_context(forum_a.tenant):
        _followers(forum_a, 2)
        reply_and_count(0)  # warm: carol follows from now on, settings are cached
        few, told = reply_and_count(1)
        assert told == 2 + 2  # alice, bob and two followers
        _followers(forum_a, 18, start=2)
        many, told = reply_and_count(2)
        assert told == 2 + 20
    assert many == few


def test_each_follower_reads_the_subject_in_their_language(
    forum_a, django_capture_on_commit_callbacks, celery_eager
):
    with tenant_context(forum_a.tenant):
        ivan = make_customer("ivan@customer.example", first_name="Ivan")
        ivan.customer_profile.language = "ru"
        ivan.customer_profile.save(update_fields=["language"])
        services.reply_create(author=ivan, topic=forum_a.topic, body="Спасибо")  # follows now
        with django_capture_on_commit_callbacks(execute=True):
            services.reply_create(author=forum_a.bob, topic=forum_a.topic, body="@Ivan, see")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    title = forum_a.topic.title
    assert subjects["ivan@customer.example"] == f"Bob упоминает вас в теме «{title}»"
    assert subjects["alice@customer.example"] == f"New reply in “{title}”"
    mail.outbox.clear()
    with tenant_context(forum_a.tenant), django_capture_on_commit_callbacks(execute=True):
        services.reply_create(author=forum_a.alice, topic=forum_a.topic, body="Fine")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["ivan@customer.example"] == f"Новый ответ в теме «{title}»"


def test_followers_who_cannot_read_the_category_are_not_told(forum_a):
    with tenant_context(forum_a.tenant):
        vip = make_customer("vip@customer.example")
        vip.groups.add(forum_a.vip)
        topic = services.topic_create(
            author=vip, category=forum_a.private, title="Beta flags", body="x"
        )
        left = make_customer("left@customer.example")  # followed, then left the group
        staff = make_customer("agent@company.example", is_staff=True)
        moderator = make_customer("mod@customer.example")
        services.category_moderator_add(category=forum_a.private, user=moderator)
        for user in (left, staff, moderator):
            Subscription.objects.create(user=user, topic=topic)
        member = make_customer("member@customer.example")
        member.groups.add(forum_a.vip)
        reply = services.reply_create(author=member, topic=topic, body="Hello")
        told = set(
            OutboxEmail.objects.filter(
                dedupe_key__startswith=f"forum-reply:{reply.pk}:"
            ).values_list("to_email", flat=True)
        )
    assert told == {"vip@customer.example", "agent@company.example", "mod@customer.example"}


def test_digest_reads_only_who_asked_and_no_query_per_reply(forum_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.forum.models import DigestState

    def digest_queries(now) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert services.digest_send(now=now) == 1
        return len(captured)

    with tenant_context(forum_a.tenant):
        NotificationSetting.objects.create(
            user=forum_a.carol, kind=NotificationKind.DIGESTS, email=True
        )
        services.subscription_set(user=forum_a.carol, topic=forum_a.topic, on=True)
        start = timezone.now()
        services.digest_send(now=start - timedelta(hours=1))
        for n in range(2):
            services.reply_create(
                author=make_customer(f"a{n}@c.example"), topic=forum_a.topic, body="x"
            )
        few = digest_queries(start + timedelta(days=1))
        for n in range(2, 12):
            reply = services.reply_create(
                author=make_customer(f"a{n}@c.example"), topic=forum_a.topic, body="x"
            )
            Reply.objects.filter(pk=reply.pk).update(created_at=start + timedelta(days=1, hours=1))
        many = digest_queries(start + timedelta(days=2))
        # alice and bob follow the topic but never asked for digests: not even looked at
        assert list(DigestState.objects.values_list("user", flat=True)) == [forum_a.carol.pk]
    assert many == few
