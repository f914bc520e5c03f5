"""Services of the ideas board: voting once, withdrawing, the vote budget, merging, status
changes and the emails they send."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection

from modules.ideas import services
from modules.ideas.models import Idea, IdeaFollow, IdeasSettings, IdeaVote, Status, StatusChange
from modules.ideas.services import IdeaError, VoteBudgetSpent
from tests.conftest import run_committed
from tests.ideas.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(in_a, people_a):
    return services.idea_create(
        author=people_a["ann"], title="Dark mode for invoices", body="Please *dark* mode."
    )


def test_create_makes_the_author_follow(idea, people_a):
    assert idea.slug == "dark-mode-for-invoices"
    assert idea.status == Status.OPEN and idea.vote_count == 0
    assert IdeaFollow.objects.filter(idea=idea, user=people_a["ann"]).exists()
    assert idea.body_html == "<p>Please <em>dark</em> mode.</p>\n"


def test_create_needs_a_signed_in_customer_and_a_title(in_a, people_a):
    with pytest.raises(PermissionDenied):
        services.idea_create(author=AnonymousUser(), title="Anything")
    with pytest.raises(IdeaError) as error:
        services.idea_create(author=people_a["ann"], title="   ")
    assert "title" in error.value.message_dict
    with pytest.raises(IdeaError):
        services.idea_create(author=people_a["ann"], title="x" * 161)
    inactive = people_a["bob"]
    inactive.is_active = False
    with pytest.raises(PermissionDenied):
        services.idea_create(author=inactive, title="Anything")


def test_vote_once_then_withdraw(idea, people_a):
    bob = people_a["bob"]
    services.idea_vote(idea=idea, user=bob)
    assert Idea.objects.get(pk=idea.pk).vote_count == 1
    assert IdeaFollow.objects.filter(idea=idea, user=bob).exists()  # voters follow
    with pytest.raises(IdeaError, match="already voted"):
        services.idea_vote(idea=idea, user=bob)
    assert Idea.objects.get(pk=idea.pk).vote_count == 1
    assert services.idea_unvote(idea=idea, user=bob) is True
    assert Idea.objects.get(pk=idea.pk).vote_count == 0
    assert services.idea_unvote(idea=idea, user=bob) is False
    assert Idea.objects.get(pk=idea.pk).vote_count == 0
    services.idea_vote(idea=idea, user=bob)  # and can vote again
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_vote_budget(in_a, people_a):
    IdeasSettings.objects.update_or_create(pk=IdeasSettings.load().pk, defaults={"vote_budget": 2})
    ann, bob = people_a["ann"], people_a["bob"]
    first, second, third = (
        services.idea_create(author=ann, title=f"Idea number {n}") for n in (1, 2, 3)
    )
    services.idea_vote(idea=first, user=bob)
    services.idea_vote(idea=second, user=bob)
    assert services.votes_left(bob) == 0
    with pytest.raises(VoteBudgetSpent, match="used all 2 of your votes"):
        services.idea_vote(idea=third, user=bob)
    # a vote on an idea that is done comes back to the budget
    services.idea_set_status(
        idea=first, status=Status.DONE, note="Shipped.", by=people_a["manager"]
    )
    assert services.votes_left(bob) == 1
    services.idea_vote(idea=third, user=bob)
    assert Idea.objects.get(pk=third.pk).vote_count == 1
    # staff can still add a vote on the customer's behalf beyond the budget
    fourth = services.idea_create(author=ann, title="Idea number 4")
    services.idea_vote_on_behalf(
        idea=fourth, customer_email=bob.email, by=people_a["manager"], note="Call"
    )


def test_a_vote_staff_added_leaves_the_budget_alone(idea, people_a):
    IdeasSettings.objects.update_or_create(pk=IdeasSettings.load().pk, defaults={"vote_budget": 2})
    bob = people_a["bob"]
    services.idea_vote_on_behalf(
        idea=idea, customer_email=bob.email, by=people_a["manager"], note="Call"
    )
    assert services.votes_left(bob) == 2


def test_two_votes_at_once_on_two_ideas_with_one_vote_left(people_a, tenant_a, monkeypatch):
    """One customer with one vote left votes for two ideas at the same moment, on two
    connections: one vote is counted, the other is refused (the voter is locked while their
    votes are counted). Counting is slowed down, so without the lock both would pass."""
    import time

    from django_tenants.utils import tenant_context

    counted = services.votes_in_use

    def slow_count(user):
        n = counted(user)
        time.sleep(0.5)
        return n

    monkeypatch.setattr(services, "votes_in_use", slow_count)

    def setup():
        with tenant_context(tenant_a):
            row = IdeasSettings.load()
            budget, row.vote_budget = row.vote_budget, 1
            row.save()
            author = make_customer("budget-author@x.example")
            voter = make_customer("budget-voter@x.example")
            ideas = [services.idea_create(author=author, title=f"Budget {n}") for n in (1, 2)]
            return [idea.pk for idea in ideas], voter.pk, author.pk, budget

    idea_pks, voter_pk, author_pk, budget = run_committed(setup)
    barrier = threading.Barrier(2)
    outcomes = []

    def vote(idea_pk):
        from django.contrib.auth import get_user_model

        try:
            with tenant_context(tenant_a):
                voter = get_user_model().objects.get(pk=voter_pk)
                idea = Idea.objects.get(pk=idea_pk)
                barrier.wait(timeout=10)
                services.idea_vote(idea=idea, user=voter)
                outcomes.append("voted")
        except VoteBudgetSpent:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(pk,)) for pk in idea_pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def check_and_clean():
        from django.contrib.auth import get_user_model

        with tenant_context(tenant_a):
            votes = IdeaVote.objects.filter(idea_id__in=idea_pks).count()
            Idea.objects.filter(pk__in=idea_pks).delete()
            get_user_model().objects.filter(pk__in=[voter_pk, author_pk]).delete()
            row = IdeasSettings.load()
            row.vote_budget = budget
            row.save()
            return votes

    assert run_committed(check_and_clean) == 1
    assert sorted(outcomes) == ["refused", "voted"]


def test_closed_ideas_take_no_votes(idea, people_a):
    services.idea_set_status(idea=idea, status=Status.DECLINED, note="No.", by=people_a["manager"])
    idea.refresh_from_db()
    with pytest.raises(IdeaError, match="closed"):
        services.idea_vote(idea=idea, user=people_a["bob"])


def test_two_simultaneous_votes_count_once(people_a, tenant_a):
    """Two requests of one customer at the same moment, on two connections: the unique
    constraint lets one in, the other is told they voted already; the count is 1."""
    from django_tenants.utils import tenant_context

    def setup():
        with tenant_context(tenant_a):
            author = make_customer("race-author@x.example")
            voter = make_customer("race-voter@x.example")
            idea = services.idea_create(author=author, title="Race")
            return idea.pk, voter.pk, author.pk

    idea_pk, voter_pk, author_pk = run_committed(setup)
    barrier = threading.Barrier(2)
    outcomes = []

    def vote():
        from django.contrib.auth import get_user_model
        from django_tenants.utils import tenant_context

        try:
            with tenant_context(tenant_a):
                voter = get_user_model().objects.get(pk=voter_pk)
                idea = Idea.objects.get(pk=idea_pk)
                barrier.wait(timeout=10)
                services.idea_vote(idea=idea, user=voter)
                outcomes.append("voted")
        except IdeaError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def check_and_clean():
        from django.contrib.auth import get_user_model

        with tenant_context(tenant_a):
            count = Idea.objects.get(pk=idea_pk).vote_count
            rows = IdeaVote.objects.filter(idea_id=idea_pk).count()
            Idea.objects.filter(pk=idea_pk).delete()
            get_user_model().objects.filter(pk__in=[voter_pk, author_pk]).delete()
            return count, rows

    assert sorted(outcomes) == ["refused", "voted"]
    assert run_committed(check_and_clean) == (1, 1)


def test_the_vote_count_is_recounted_not_nudged(idea, people_a):
    """Every vote, withdrawal, merge and staff vote counts the votes again, so a count that
    drifted (a row edited by hand, a restore) is right after the next change."""
    services.idea_vote(idea=idea, user=people_a["bob"])
    services.idea_vote(idea=idea, user=people_a["cat"])
    Idea.objects.filter(pk=idea.pk).update(vote_count=0)
    services.idea_unvote(idea=idea, user=people_a["bob"])
    assert Idea.objects.get(pk=idea.pk).vote_count == idea.vote_count == 1
    Idea.objects.filter(pk=idea.pk).update(vote_count=7)
    services.idea_vote(idea=idea, user=people_a["bob"])
    assert Idea.objects.get(pk=idea.pk).vote_count == 2


def test_votes_of_two_customers_at_once_both_count(people_a, tenant_a):
    from django_tenants.utils import tenant_context

    def setup():
        with tenant_context(tenant_a):
            author = make_customer("pair-author@x.example")
            voters = [make_customer(f"pair-{n}@x.example") for n in (1, 2)]
            idea = services.idea_create(author=author, title="Pair")
            return idea.pk, [voter.pk for voter in voters], author.pk

    idea_pk, voter_pks, author_pk = run_committed(setup)
    barrier = threading.Barrier(2)
    errors = []

    def vote(voter_pk):
        from django.contrib.auth import get_user_model

        try:
            with tenant_context(tenant_a):
                voter = get_user_model().objects.get(pk=voter_pk)
                idea = Idea.objects.get(pk=idea_pk)
                barrier.wait(timeout=10)
                services.idea_vote(idea=idea, user=voter)
        except Exception as error:  # a deadlock would show here
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(pk,)) for pk in voter_pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def check_and_clean():
        from django.contrib.auth import get_user_model

        with tenant_context(tenant_a):
            count = Idea.objects.get(pk=idea_pk).vote_count
            Idea.objects.filter(pk=idea_pk).delete()
            get_user_model().objects.filter(pk__in=[*voter_pks, author_pk]).delete()
            return count

    assert run_committed(check_and_clean) == 2
    assert errors == []


def test_vote_on_behalf_is_for_managers_only(idea, people_a):
    for who in ("bob", "staff"):  # a customer, and staff without the ideas permission
        with pytest.raises(PermissionDenied):
            services.idea_vote_on_behalf(
                idea=idea, customer_email="cat@customer.example", by=people_a[who]
            )
    vote = services.idea_vote_on_behalf(
        idea=idea, customer_email="CAT@customer.example ", by=people_a["manager"], note="Call"
    )
    assert vote.added_by == people_a["manager"] and vote.user == people_a["cat"]
    assert Idea.objects.get(pk=idea.pk).vote_count == 1
    with pytest.raises(IdeaError, match="already voted"):
        services.idea_vote_on_behalf(
            idea=idea, customer_email="cat@customer.example", by=people_a["manager"]
        )
    with pytest.raises(IdeaError, match="already voted"):
        services.idea_vote(idea=idea, user=people_a["cat"])
    # staff are not customers: nobody votes in their name
    for email in ("agent@alpha.example", "pm@alpha.example", "nobody@customer.example"):
        with pytest.raises(IdeaError) as error:
            services.idea_vote_on_behalf(idea=idea, customer_email=email, by=people_a["manager"])
        assert "email" in error.value.message_dict
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_status_change_and_merge_are_for_managers_only(idea, people_a):
    other = services.idea_create(author=people_a["bob"], title="Night theme")
    for who in ("ann", "bob", "staff"):
        with pytest.raises(PermissionDenied):
            services.idea_set_status(idea=idea, status=Status.PLANNED, by=people_a[who])
        with pytest.raises(PermissionDenied):
            services.idea_merge(duplicate=other, into=idea, by=people_a[who])
    assert Idea.objects.get(pk=idea.pk).status == Status.OPEN
    assert Idea.objects.get(pk=other.pk).merged_into is None
    assert not StatusChange.objects.exists()


def test_status_change_emails_voters_and_followers_once(
    idea, people_a, celery_eager, django_capture_on_commit_callbacks
):
    ann, bob, cat, manager = (people_a[k] for k in ("ann", "bob", "cat", "manager"))
    services.idea_vote(idea=idea, user=bob)
    services.idea_vote(idea=idea, user=cat)  # cat votes and follows: still one email
    services.idea_follow(idea=idea, user=cat)
    dora = make_customer("dora@customer.example")
    services.idea_vote_on_behalf(idea=idea, customer_email=dora.email, by=manager)  # told on a call
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.idea_set_status(
            idea=idea, status=Status.PLANNED, note="Coming in **June**.", by=manager
        )
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([ann.email, bob.email, cat.email, dora.email]), (
        "author, voters and followers, each once"
    )
    message = next(m for m in mail.outbox if m.to == [bob.email])
    assert "Dark mode for invoices" in message.subject and "Planned" in message.subject
    assert "Coming in **June**." in message.body
    assert f"/ideas/{idea.pk}-dark-mode-for-invoices/" in message.body
    assert "<strong>June</strong>" in message.alternatives[0][0]
    assert change.old_status == Status.OPEN and change.new_status == Status.PLANNED

    # reported twice (a retry), the same change sends nothing more
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services._notify_status_change(change)
    assert mail.outbox == []


def test_status_change_respects_a_switched_off_preference(
    idea, people_a, celery_eager, django_capture_on_commit_callbacks
):
    from modules.accounts.models import NotificationKind, NotificationSetting

    NotificationSetting.objects.create(
        user=people_a["ann"], kind=NotificationKind.STATUS_CHANGES, email=False
    )
    services.idea_vote(idea=idea, user=people_a["bob"])  # bob keeps the default: emails on
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_set_status(idea=idea, status=Status.UNDER_REVIEW, by=people_a["manager"])
    assert [m.to for m in mail.outbox] == [[people_a["bob"].email]]


def test_status_change_emails_cost_the_same_queries_for_2_or_20_voters(
    in_a, people_a, django_capture_on_commit_callbacks
):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    def queries_for(voters: int) -> int:
        idea = services.idea_create(author=people_a["ann"], title=f"Idea with {voters} voters")
        IdeaVote.objects.bulk_create(
            IdeaVote(idea=idea, user=make_customer(f"v{voters}-{n}@customer.example"))
            for n in range(voters)
        )
        with django_capture_on_commit_callbacks(), CaptureQueriesContext(db) as captured:
            services.idea_set_status(idea=idea, status=Status.PLANNED, by=people_a["manager"])
        return len(captured)

    queries_for(1)  # the manager's permissions are read (and kept) once
    assert queries_for(2) == queries_for(20)


def test_status_change_subject_is_in_each_recipients_language(
    idea, people_a, celery_eager, django_capture_on_commit_callbacks
):
    from django.utils import translation

    ivan = make_customer("ivan@customer.example")
    ivan.customer_profile.language = "ru"
    ivan.customer_profile.save(update_fields=["language"])
    services.idea_vote(idea=idea, user=ivan)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_set_status(idea=idea, status=Status.PLANNED, by=people_a["manager"])
    with translation.override("ru"):
        planned = str(Status.PLANNED.label)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[ivan.email] == f"Новый статус идеи «Dark mode for invoices»: {planned}"
    assert subjects[people_a["ann"].email] == "“Dark mode for invoices” is now Planned"


def test_done_sets_shipped_at_and_history(idea, people_a):
    manager = people_a["manager"]
    services.idea_set_status(idea=idea, status=Status.IN_PROGRESS, note="Started", by=manager)
    services.idea_set_status(idea=idea, status=Status.DONE, note="Shipped in 2.0", by=manager)
    idea.refresh_from_db()
    assert idea.status == Status.DONE and idea.shipped_at is not None
    history = list(idea.status_changes.values_list("old_status", "new_status", "note"))
    assert history == [
        (Status.IN_PROGRESS, Status.DONE, "Shipped in 2.0"),
        (Status.OPEN, Status.IN_PROGRESS, "Started"),
    ]
    with pytest.raises(IdeaError):
        services.idea_set_status(idea=idea, status="shipped", by=manager)
    with pytest.raises(IdeaError):
        services.idea_set_status(idea=idea, status=Status.DONE, by=manager)


def test_merge_carries_votes_and_followers_without_duplicates(idea, people_a):
    ann, bob, cat, manager = (people_a[k] for k in ("ann", "bob", "cat", "manager"))
    duplicate = services.idea_create(author=cat, title="Black background please")
    services.idea_vote(idea=idea, user=bob)
    services.idea_vote(idea=duplicate, user=bob)  # bob voted for both
    services.idea_vote(idea=duplicate, user=ann)  # ann (author of the original) only here
    services.idea_comment(idea=duplicate, author=cat, body="Me too")

    into = services.idea_merge(duplicate=duplicate, into=idea, by=manager)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == idea.pk and duplicate.vote_count == 0
    assert into.vote_count == 2
    assert sorted(IdeaVote.objects.filter(idea=idea).values_list("user__username", flat=True)) == [
        "ann@customer.example",
        "bob@customer.example",
    ]
    assert not IdeaVote.objects.filter(idea=duplicate).exists()
    followers = sorted(
        IdeaFollow.objects.filter(idea=idea).values_list("user__username", flat=True)
    )
    assert followers == ["ann@customer.example", "bob@customer.example", "cat@customer.example"]
    assert duplicate.comments.count() == 1  # comments stay where they were written
    with pytest.raises(IdeaError):
        services.idea_merge(duplicate=duplicate, into=idea, by=manager)
    with pytest.raises(IdeaError):
        services.idea_merge(duplicate=idea, into=idea, by=manager)
    with pytest.raises(IdeaError, match="merged"):
        services.idea_vote(idea=duplicate, user=cat)


def test_comment_and_follow(idea, people_a):
    comment = services.idea_comment(idea=idea, author=people_a["bob"], body="Yes, *please*")
    assert comment.body_html == "<p>Yes, <em>please</em></p>\n"
    with pytest.raises(IdeaError):
        services.idea_comment(idea=idea, author=people_a["bob"], body="  ")
    with pytest.raises(PermissionDenied):
        services.idea_comment(idea=idea, author=AnonymousUser(), body="Hi")
    services.idea_follow(idea=idea, user=people_a["cat"])
    services.idea_follow(idea=idea, user=people_a["cat"])
    assert IdeaFollow.objects.filter(idea=idea, user=people_a["cat"]).count() == 1
    assert services.idea_unfollow(idea=idea, user=people_a["cat"]) is True
    assert services.idea_unfollow(idea=idea, user=people_a["cat"]) is False
