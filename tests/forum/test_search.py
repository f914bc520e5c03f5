"""Forum topics in the portal search: found by their replies' words too; only approved topics
of categories the visitor may read."""

import pytest
from django_tenants.utils import tenant_context

from modules.forum import services
from modules.forum.models import ForumSettings
from tests.forum.conftest import make_customer

pytestmark = pytest.mark.django_db
UA = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def _reindex(tenant):
    from wagtail.search.index import insert_or_update_object

    from modules.forum.models import Topic

    with tenant_context(tenant):
        for topic in Topic.objects.all():
            insert_or_update_object(topic)


def _results(client, q):
    body = client.get("/search/", {"q": q}, **UA).content.decode()
    return body[body.index("<main") :]


def test_topics_found_by_title_and_reply_words(forum_a):
    _reindex(forum_a.tenant)
    client = forum_a.client()
    assert "How do I export flamingo invoices?" in _results(client, "flamingo")
    # "Billing" is only in Bob's reply
    assert "How do I export flamingo invoices?" in _results(client, "billing download")


def test_private_and_pending_topics_stay_out(forum_a):
    with tenant_context(forum_a.tenant):
        vip = make_customer("vip@customer.example")
        vip.groups.add(forum_a.vip)
        services.topic_create(
            author=vip, category=forum_a.private, title="Pelican beta secret", body="x"
        )
        services.topic_create(
            author=forum_a.alice, category=forum_a.members, title="Pelican lounge chat", body="x"
        )
        rules = ForumSettings.load()
        rules.blocked_keywords = "casino"
        rules.save()
        services.topic_create(
            author=forum_a.carol, category=forum_a.public, title="Pelican casino", body="x"
        )
    _reindex(forum_a.tenant)
    anonymous = _results(forum_a.client(), "pelican")
    assert "Pelican" not in anonymous
    alice = _results(forum_a.client(forum_a.alice), "pelican")
    assert "Pelican lounge chat" in alice
    assert "Pelican beta secret" not in alice and "Pelican casino" not in alice
    assert "Pelican beta secret" in _results(forum_a.client(vip), "pelican")
    # the carol's own pending topic is not a search result either (only approved ones are)
    assert "Pelican casino" not in _results(forum_a.client(forum_a.carol), "pelican")
    assert forum_a.client().get("/forum/similar/", {"q": "pelican"}).json() == {"results": []}
