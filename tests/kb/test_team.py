"""The knowledge-base team's tools: the review workflow every portal starts with, and the
"Knowledge base activity" and "Knowledge base articles" reports."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.conftest import TenantClient, host_of, login_on
from tests.kb.conftest import publish
from tests.modules.test_registry import switch

pytestmark = pytest.mark.django_db

ACTIVITY = "/admin/reports/kb/activity/"
ARTICLES = "/admin/reports/kb/articles/"


def rows(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    return (
        [
            " ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
        ]
        if "<tbody>" in body
        else []
    )


def make_user(tenant, username, *, groups=(), staff=False):
    with tenant_context(tenant):
        user = get_user_model().objects.create_user(
            username=username,
            email=f"{username}@example.com",
            password="x",
            first_name=username.title(),
            last_name="Writer",
            is_staff=staff,
        )
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        return user


def test_every_portal_starts_with_the_kb_review_workflow(tenant_a):
    from wagtail.models import Page

    from modules.kb.pages import KnowledgeBasePage

    with tenant_context(tenant_a):
        kb = KnowledgeBasePage.objects.get()
        workflow = kb.get_workflow()
        assert workflow is not None and workflow.name == "Knowledge base review"
        task = workflow.tasks.get().specific
        assert {g.name for g in task.groups.all()} == {"Knowledge base editors", "Moderators"}
        # the home page keeps Wagtail's default, the KB has its own
        assert Page.objects.get(depth=2).get_workflow().name != "Knowledge base review"


def test_an_editor_submits_for_review_and_a_kb_editor_approves(tenant_a):
    from modules.kb.pages import ArticlePage, KnowledgeBasePage

    writer = make_user(tenant_a, "wendy", groups=["Editors"])
    reviewer = make_user(tenant_a, "rita", groups=["Knowledge base editors"])
    with tenant_context(tenant_a):
        kb = KnowledgeBasePage.objects.get()
        category = kb.add_child(instance=_category())
        section = category.add_child(instance=_section())
        article = section.add_child(
            instance=ArticlePage(title="Draft one", slug="draft-one", live=False)
        )
        article.save_revision(user=writer)
        state = article.get_workflow().start(article, writer)
        assert state.status == "in_progress"
        assert state.current_task_state.task.specific.user_can_access_editor(article, reviewer)
        state.current_task_state.task.specific.on_action(
            state.current_task_state, reviewer, "approve"
        )
        article.refresh_from_db()
        assert article.live

    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, reviewer)
    activity = rows(client.get(ACTIVITY))
    assert any("Rita Writer" in r and "Approved" in r and "Draft one" in r for r in activity)
    assert any("Wendy Writer" in r and "Submitted for review" in r for r in activity)
    assert any("Published" in r and "Draft one" in r for r in activity)


def _category():
    from modules.kb.pages import CategoryPage

    return CategoryPage(title="Team", slug="team")


def _section():
    from modules.kb.pages import SectionPage

    return SectionPage(title="How we work", slug="how")


@pytest.fixture
def team_kb(tenant_a):
    """Articles in each state, by two people."""
    from modules.kb.pages import ArticlePage, KnowledgeBasePage

    ann = make_user(tenant_a, "ann", groups=["Knowledge base editors"])
    bob = make_user(tenant_a, "bob", groups=["Knowledge base editors"])
    with tenant_context(tenant_a):
        kb = KnowledgeBasePage.objects.get()
        section = kb.add_child(instance=_category()).add_child(instance=_section())
        live = publish(section, ArticlePage(title="Live one", slug="live", owner=ann), user=ann)
        changed = publish(
            section, ArticlePage(title="Changed one", slug="changed", owner=ann), user=ann
        )
        changed.title = "Changed one (draft)"
        changed.save_revision(user=bob)
        draft = section.add_child(
            instance=ArticlePage(title="Draft only", slug="draft", live=False, owner=bob)
        )
        draft.save_revision(user=bob)
        later = section.add_child(
            instance=ArticlePage(title="Goes live later", slug="later", live=False, owner=bob)
        )
        later.go_live_at = timezone.now() + datetime.timedelta(days=3)
        later.save_revision(user=bob).publish(user=bob)
        review = section.add_child(
            instance=ArticlePage(title="Under review", slug="review", live=False, owner=bob)
        )
        review.save_revision(user=bob)
        review.get_workflow().start(review, bob)
    return {"ann": ann, "bob": bob, "live": live, "changed": changed}


def status_of(table: list[str], title: str) -> str:
    (row,) = [r for r in table if r.startswith(title)]
    return row


def test_articles_report_shows_each_state_owner_and_last_editor(team_kb, tenant_a, admin_client_a):
    table = rows(admin_client_a.get(ARTICLES))
    assert "Live" in status_of(table, "Live one") and "Ann Writer" in status_of(table, "Live one")
    changed = status_of(table, "Changed one (draft)")
    assert "Live + draft changes" in changed and "Bob Writer" in changed  # last editor
    assert "Draft" in status_of(table, "Draft only")
    later = status_of(table, "Goes live later")
    assert "Scheduled" in later and "Goes live" in later
    assert "In review" in status_of(table, "Under review")


def test_articles_report_filters(team_kb, admin_client_a):
    assert [r.split(" ")[0] for r in rows(admin_client_a.get(ARTICLES, {"status": "draft"}))] == [
        "Draft"
    ]
    by_owner = rows(admin_client_a.get(ARTICLES, {"owner": team_kb["ann"].pk}))
    assert len(by_owner) == 2
    by_editor = rows(admin_client_a.get(ARTICLES, {"last_editor": team_kb["bob"].pk}))
    assert {r.split(" (")[0].split(" Live")[0] for r in by_editor} >= {"Changed one"}
    assert not [r for r in by_editor if r.startswith("Live one")]


def test_activity_report_filters_by_person_action_and_date(team_kb, admin_client_a):
    everything = rows(admin_client_a.get(ACTIVITY))
    assert any("Ann Writer" in r and "Created" in r and "Live one" in r for r in everything)
    bobs = rows(admin_client_a.get(ACTIVITY, {"user": team_kb["bob"].pk}))
    assert bobs and all("Bob Writer" in r for r in bobs)
    published = rows(admin_client_a.get(ACTIVITY, {"action": "wagtail.publish"}))
    assert published and all("Published" in r for r in published)
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    assert rows(admin_client_a.get(ACTIVITY, {"timestamp_from": tomorrow})) == []


def test_reports_need_page_editing_rights(team_kb, tenant_a):
    from django.contrib.auth.models import Permission

    customer = make_user(tenant_a, "carol")
    client = login_on(TenantClient(host_of(tenant_a)), tenant_a, customer)
    for url in (ACTIVITY, ARTICLES):
        assert client.get(url).status_code in (302, 403)
    # someone who may use the admin but edit no page is refused by the reports themselves
    with tenant_context(tenant_a):
        staff = make_user(tenant_a, "dave")
        staff.user_permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    staff_client = login_on(TenantClient(host_of(tenant_a)), tenant_a, staff)
    assert staff_client.get("/admin/").status_code == 200  # in the admin...
    for url in (ACTIVITY, ARTICLES):
        response = staff_client.get(url)
        assert response.status_code in (302, 403) and "Live one" not in response.content.decode()
    assert TenantClient(host_of(tenant_a)).get(ACTIVITY).status_code == 302  # to the login page


def test_reports_are_in_the_menu_and_go_away_with_the_module(team_kb, tenant_a, admin_client_a):
    page = admin_client_a.get("/admin/").content.decode()
    assert "Knowledge base activity" in page and ACTIVITY in page
    switch(tenant_a, "kb", False)
    assert ACTIVITY not in admin_client_a.get("/admin/").content.decode()
    assert admin_client_a.get(ACTIVITY).status_code == 404


def test_another_tenants_admin_never_sees_this_tenants_log(team_kb, admin_client_b):
    for url in (ACTIVITY, ARTICLES):
        response = admin_client_b.get(url)
        assert response.status_code == 200  # B's own (empty) report, not an error page
        body = response.content.decode()
        assert "Live one" not in body and "Ann Writer" not in body
