"""What the ideas board gives customer accounts: "My activity", the data export, and
anonymising before an account is deleted."""

from __future__ import annotations

import json

import pytest
from django.utils.module_loading import import_string

from modules import registry
from modules.ideas import services
from modules.ideas.models import Idea, IdeaComment, IdeaFollow, IdeaVote

pytestmark = pytest.mark.django_db


def _hook(name):
    return import_string(registry.get("ideas").extra[name])


@pytest.fixture
def activity(in_a, people_a):
    ann, bob = people_a["ann"], people_a["bob"]
    mine = services.idea_create(author=ann, title="Ann's idea")
    theirs = services.idea_create(author=bob, title="Bob's idea")
    services.idea_vote(idea=theirs, user=ann)
    services.idea_vote(idea=mine, user=bob)
    services.idea_comment(idea=theirs, author=ann, body="Ann's comment")
    return mine, theirs


def test_account_activity(activity, people_a):
    sections = _hook("account_activity")(user=people_a["ann"])
    by_title = {section["title"]: section["items"] for section in sections}
    assert [item["title"] for item in by_title["My ideas"]] == ["Ann's idea"]
    assert [item["title"] for item in by_title["Ideas I voted for"]] == ["Bob's idea"]
    assert [item["title"] for item in by_title["My comments on ideas"]] == ["Bob's idea"]
    assert sorted(item["title"] for item in by_title["Ideas I follow"]) == [
        "Ann's idea",
        "Bob's idea",
    ]
    item = by_title["My ideas"][0]
    assert item["url"] == activity[0].get_absolute_url() and item["when"] is not None


def test_export_is_json_and_has_everything_of_the_user(activity, people_a):
    data = _hook("export_user_data")(user=people_a["ann"])
    json.dumps(data)
    assert [idea["title"] for idea in data["ideas"]] == ["Ann's idea"]
    assert [vote["idea_title"] for vote in data["votes"]] == ["Bob's idea"]
    assert [comment["body"] for comment in data["comments"]] == ["Ann's comment"]
    assert len(data["follows"]) == 2
    assert "Bob's idea" not in [idea["title"] for idea in data["ideas"]]


def test_anonymise_keeps_content_and_counts(activity, people_a, client_a, tenant_a):
    mine, theirs = activity
    ann = people_a["ann"]
    _hook("anonymise_user")(user=ann)
    assert Idea.objects.get(pk=mine.pk).author is None
    assert IdeaComment.objects.get(body="Ann's comment").author is None
    assert Idea.objects.get(pk=theirs.pk).vote_count == 1
    assert IdeaVote.objects.filter(idea=theirs, user__isnull=True).count() == 1
    assert not IdeaFollow.objects.filter(user=ann).exists()
    ann.delete()
    assert Idea.objects.filter(pk=mine.pk).exists()
    page = client_a.get(theirs.get_absolute_url()).content.decode()
    assert "Ann&#x27;s comment" in page or "Ann's comment" in page
    assert "Deleted user" in page


def test_account_deletion_through_customer_accounts(activity, people_a, client_a):
    """Customer accounts' own deletion runs the ideas hook: the idea and comment stay, shown as
    "Deleted user"; the vote still counts; the export before it had the ideas data."""
    from modules.accounts import services as accounts_services
    from tests.conftest import TEST_PASSWORD

    mine, theirs = activity
    ann = people_a["ann"]
    exported = accounts_services.customer_export_data(user=ann)
    assert "Ann's idea" in json.dumps(exported)
    accounts_services.customer_delete(user=ann, password=TEST_PASSWORD)
    assert Idea.objects.get(pk=theirs.pk).vote_count == 1
    assert not IdeaFollow.objects.filter(user=ann).exists()
    page = client_a.get(mine.get_absolute_url()).content.decode()
    assert "by Deleted user" in page and "ann@customer.example" not in page
