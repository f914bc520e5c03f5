"""“Was this helpful?”: votes, one per visitor, comments, refusals and review flags."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from cms.insights.models import FeedbackStatus, PageFeedback, ReviewFlag
from tests.conftest import login_on
from tests.insights.conftest import BROWSER, customer, set_module, vote
from tests.kb.conftest import restrict_to_signed_in

pytestmark = pytest.mark.django_db


def test_article_shows_an_accessible_widget_that_works_without_javascript(kb_a, client_a):
    html = client_a.get(kb_a["url"], HTTP_USER_AGENT=BROWSER).content.decode()
    assert "<fieldset" in html and "Was this article helpful?</legend>" in html
    assert f'action="/feedback/{kb_a["article"].pk}/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'value="yes">Yes</button>' in html and 'value="no">No</button>' in html
    comment_id = f"helpful-{kb_a['article'].pk}-comment"
    assert f'<label class="helpful__label" for="{comment_id}">' in html
    assert f'id="{comment_id}" name="comment"' in html
    assert 'aria-live="polite"' in html


def test_yes_vote_redirects_back_with_a_thank_you(kb_a, client_a, tenant_a):
    article = kb_a["article"]
    response = vote(client_a, article, True)
    assert response.status_code == 302
    assert response["Location"] == f"{kb_a['url']}?feedback=yes#helpful-{article.pk}"
    page = client_a.get(response["Location"], HTTP_USER_AGENT=BROWSER).content.decode()
    assert "Thanks for your feedback!" in page
    with tenant_context(tenant_a):
        row = PageFeedback.objects.get()
        assert row.helpful is True and row.page_id == article.pk and row.comment == ""


def test_no_vote_offers_the_comment_box_and_the_comment_lands_in_the_inbox(
    kb_a, client_a, admin_client_a, tenant_a
):
    article = kb_a["article"]
    response = vote(client_a, article, False)
    assert response["Location"].endswith(f"?feedback=no#helpful-{article.pk}")
    page = client_a.get(response["Location"], HTTP_USER_AGENT=BROWSER).content.decode()
    assert "What was missing or unclear?" in page and "<textarea" in page
    response = vote(client_a, article, False, comment="The PDF button is not where you say.")
    assert "feedback=commented" in response["Location"]
    with tenant_context(tenant_a):
        row = PageFeedback.objects.get()  # the same visitor: still one vote
        assert row.helpful is False
        assert row.comment == "The PDF button is not where you say."
        assert row.status == FeedbackStatus.NEW
    inbox = admin_client_a.get("/admin/feedback/").content.decode()
    assert "The PDF button is not where you say." in inbox
    assert "Download an invoice" in inbox


def test_one_vote_per_visitor_changing_it_updates_it(kb_a, client_a, tenant_a):
    article = kb_a["article"]
    for _ in range(10):
        vote(client_a, article, True)
    vote(client_a, article, False)
    vote(client_a, article, True, ip="10.0.0.2")
    with tenant_context(tenant_a):
        votes = sorted(PageFeedback.objects.values_list("helpful", flat=True))
    assert votes == [False, True]


def test_a_changed_vote_keeps_a_handled_comment_handled(kb_a, client_a, tenant_a):
    article = kb_a["article"]
    vote(client_a, article, False, comment="Step 3 is missing.")
    with tenant_context(tenant_a):
        PageFeedback.objects.update(status=FeedbackStatus.RESOLVED)
    vote(client_a, article, True)  # the same visitor changes their mind, says nothing new
    with tenant_context(tenant_a):
        row = PageFeedback.objects.get()
        assert row.helpful is True and row.comment == "Step 3 is missing."
        assert row.status == FeedbackStatus.RESOLVED
    vote(client_a, article, False, comment="Now step 4 is wrong.")  # something new to read
    with tenant_context(tenant_a):
        assert PageFeedback.objects.get().status == FeedbackStatus.NEW


def test_signed_in_customer_votes_as_themselves_from_any_address(kb_a, client_a, tenant_a):
    user = customer(tenant_a)
    login_on(client_a, tenant_a, user)
    vote(client_a, kb_a["article"], True, ip="10.1.1.1")
    vote(client_a, kb_a["article"], False, ip="10.2.2.2")
    with tenant_context(tenant_a):
        row = PageFeedback.objects.get()
        assert row.user_id == user.pk and row.helpful is False


def test_comment_is_limited_and_a_bad_choice_is_a_400(kb_a, client_a, tenant_a):
    assert vote(client_a, kb_a["article"], False, comment="x" * 2001).status_code == 400
    assert vote(client_a, kb_a["article"], "maybe").status_code == 400
    assert client_a.get(f"/feedback/{kb_a['article'].pk}/").status_code == 405
    with tenant_context(tenant_a):
        assert not PageFeedback.objects.exists()


def test_no_vote_on_a_private_page_a_draft_or_a_missing_page(kb_a, client_a, tenant_a):
    restrict_to_signed_in(tenant_a, kb_a["article"])
    assert vote(client_a, kb_a["article"], True).status_code == 404
    with tenant_context(tenant_a):
        kb_a["sibling"].unpublish()
    assert vote(client_a, kb_a["sibling"], True).status_code == 404
    assert client_a.post("/feedback/999999/", {"helpful": "yes"}).status_code == 404
    with tenant_context(tenant_a):
        assert not PageFeedback.objects.exists()
    # signed in, the private article takes votes
    login_on(client_a, tenant_a, customer(tenant_a))
    assert vote(client_a, kb_a["article"], True).status_code == 302


def test_no_vote_while_the_module_is_off(kb_a, client_a, tenant_a):
    set_module(tenant_a, "kb", False)
    assert vote(client_a, kb_a["article"], True).status_code == 404
    with tenant_context(tenant_a):
        assert not PageFeedback.objects.exists()


def test_votes_are_rate_limited_per_address(kb_a, client_a, settings):
    settings.INSIGHTS_FEEDBACK_RATE = "3/minute"
    codes = [vote(client_a, kb_a["article"], True, ip="10.9.9.9").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert vote(client_a, kb_a["article"], True, ip="10.9.9.8").status_code == 302


def test_javascript_vote_answers_json(kb_a, client_a):
    response = vote(client_a, kb_a["article"], False, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "helpful": False, "has_comment": False}
    bad = vote(client_a, kb_a["article"], "", HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "helpful" in bad.json()["errors"]


def test_flag_at_threshold_and_the_owner_is_emailed_once(
    kb_a, client_a, tenant_a, django_capture_on_commit_callbacks, celery_eager
):
    article = kb_a["article"]
    with tenant_context(tenant_a):
        from cms.insights.models import InsightsSettings

        config = InsightsSettings.load()
        config.not_helpful_threshold, config.minimum_votes = 40, 5
        config.save()
    with django_capture_on_commit_callbacks(execute=True):
        for number, helpful in enumerate([True, True, False, True]):
            vote(client_a, article, helpful, ip=f"10.0.1.{number}")
    with tenant_context(tenant_a):
        assert not ReviewFlag.objects.exists()  # 4 votes: below the minimum
    with django_capture_on_commit_callbacks(execute=True):
        vote(client_a, article, False, ip="10.0.1.9")  # 2 of 5 = 40 %
    with tenant_context(tenant_a):
        flag = ReviewFlag.objects.get()
        assert flag.page_id == article.pk and flag.votes == 5
        assert float(flag.not_helpful_share) == 40.0
        assert flag.owner_id == kb_a["author"].pk and flag.resolved_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@alpha.example"]
    assert "Download an invoice" in mail.outbox[0].subject
    assert f"/admin/pages/{article.pk}/edit/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            vote(client_a, article, False, ip=f"10.0.2.{number}")
    with tenant_context(tenant_a):
        assert ReviewFlag.objects.count() == 1  # still one open flag
    assert len(mail.outbox) == 1


def test_after_a_review_only_new_votes_count(kb_a, client_a, tenant_a, celery_eager):
    from cms.insights.services import review_flag_resolve

    article = kb_a["article"]
    with tenant_context(tenant_a):
        from cms.insights.models import InsightsSettings

        config = InsightsSettings.load()
        config.not_helpful_threshold, config.minimum_votes = 40, 3
        config.save()
    for number in range(3):
        vote(client_a, article, False, ip=f"10.0.3.{number}")
    with tenant_context(tenant_a):
        review_flag_resolve(flag=ReviewFlag.objects.get())  # the owner fixed the article
    vote(client_a, article, False, ip="10.0.3.10")  # one new vote: not yet a new flag
    with tenant_context(tenant_a):
        assert not ReviewFlag.objects.filter(resolved_at__isnull=True).exists()
    for number in range(11, 13):
        vote(client_a, article, False, ip=f"10.0.3.{number}")
    with tenant_context(tenant_a):
        reopened = ReviewFlag.objects.get(resolved_at__isnull=True)
        assert reopened.votes == 3


def test_below_threshold_no_flag(kb_a, client_a, tenant_a):
    for number, helpful in enumerate([True, True, True, True, False, False]):
        vote(client_a, kb_a["article"], helpful, ip=f"10.0.3.{number}")  # 33 %
    with tenant_context(tenant_a):
        assert not ReviewFlag.objects.exists()
