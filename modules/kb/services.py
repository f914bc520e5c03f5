"""Writes of knowledge-base content outside the editor: a new portal's starting page and the
demo's sample articles."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from modules.kb import demo_data
from modules.kb.pages import (
    ArticlePage,
    ArticleRelatedLink,
    CategoryPage,
    KnowledgeBasePage,
    SectionPage,
)

# Names stored in the tenant's data (shown in the admin as they are; editors may rename them).
REVIEW_NAME = "Knowledge base review"
EDITORS_GROUP = "Knowledge base editors"


def _publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def kb_furnish(*, home: Page) -> KnowledgeBasePage:
    """A new portal's knowledge base: an empty index at /kb/, so the home tile leads somewhere,
    with the review workflow on it, so "Submit for review" is there from the first article."""
    kb = KnowledgeBasePage.objects.child_of(home).first()
    if kb is None:
        kb = _publish(home, KnowledgeBasePage(title=_("Knowledge base"), slug="kb"))
    kb_review_workflow_ensure(kb=kb)
    return kb


@transaction.atomic
def kb_review_workflow_ensure(*, kb: Page) -> Workflow:
    """The "Knowledge base review" workflow on the knowledge base and everything below it: one
    approval step by the "Knowledge base editors" group (or the portal's Moderators). Editors
    without publish rights submit an article for review; a reviewer approves (which publishes
    it, or schedules it when it has a go-live date) or rejects it with a comment."""
    editors, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    _grant_kb_editing(editors, kb)  # each knowledge base: the original and every translation
    reviewers = [editors, *Group.objects.filter(name="Moderators")]
    task = GroupApprovalTask.objects.filter(name=REVIEW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_NAME)
        task.groups.set(reviewers)
    workflow = Workflow.objects.filter(name=REVIEW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=REVIEW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=kb, defaults={"workflow": workflow})
    return workflow


def _grant_kb_editing(group: Group, kb: Page) -> None:
    """Editors of the knowledge base: the admin, and add/change/publish under /kb/."""
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=kb,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


@transaction.atomic
def kb_demo_content(*, home: Page) -> None:
    """The demo portal's knowledge base in English (modules.kb.demo_data): six categories of
    two sections each, 36 articles with tags, and related links between some of them.

    Idempotent: a page is added only when its parent has no child of that slug yet."""
    kb = kb_furnish(home=home)
    added = []
    for category in demo_data.CATEGORIES:
        category_page = _demo_page(kb, CategoryPage, category, "en")
        for section in category["sections"]:
            section_page = _demo_page(category_page, SectionPage, section, "en")
            for article in section["articles"]:
                if ArticlePage.objects.child_of(section_page).filter(slug=article["slug"]).exists():
                    continue
                page = ArticlePage(slug=article["slug"])
                _demo_fields(page, article["en"])
                section_page.add_child(instance=page)
                added.append(page)
    _demo_publish_articles(kb, added)


@transaction.atomic
def kb_demo_translations(*, home: Page, language: str) -> None:
    """The demo knowledge base translated into `language` (when demo_data has that language):
    each category, section and article is copied into the locale's tree with
    `copy_for_translation` (so it shares its English page's translation key and slug) and
    given its translated text, tags and related links. Pages already translated are kept."""
    if language not in demo_data.LANGUAGES:
        return
    kb = KnowledgeBasePage.objects.child_of(home).first()
    if kb is None:
        return
    locale, _created = Locale.objects.get_or_create(language_code=language)
    with translation.override(language):
        translated_kb = _demo_translate(kb, locale, {"title": _("Knowledge base")})
    kb_review_workflow_ensure(kb=translated_kb)
    added = []
    for category in demo_data.CATEGORIES:
        source_category = CategoryPage.objects.child_of(kb).filter(slug=category["slug"]).first()
        if source_category is None:
            continue
        _demo_translate(source_category, locale, category[language])
        for section in category["sections"]:
            source_section = (
                SectionPage.objects.child_of(source_category).filter(slug=section["slug"]).first()
            )
            if source_section is None:
                continue
            _demo_translate(source_section, locale, section[language])
            for article in section["articles"]:
                source = (
                    ArticlePage.objects.child_of(source_section)
                    .filter(slug=article["slug"])
                    .first()
                )
                if source is None or source.get_translation_or_none(locale) is not None:
                    continue
                page = source.copy_for_translation(locale)
                _demo_fields(page, article[language])
                added.append(page)
    _demo_publish_articles(translated_kb, added)


def _demo_fields(page: Page, text: dict) -> None:
    """Put one language's text of a demo category, section or article on a page."""
    page.title = text["title"]
    if isinstance(page, ArticlePage):
        page.summary = text["summary"]
        page.body = list(text["body"])
        page.tags.set(list(text["tags"]))
    elif "description" in text:
        page.description = text["description"]


def _demo_page(parent: Page, model: type[Page], data: dict, language: str) -> Page:
    """The child of `parent` with the demo slug, created and published if it is missing."""
    existing = model.objects.child_of(parent).filter(slug=data["slug"]).first()
    if existing is not None:
        return existing
    page = model(slug=data["slug"])
    if "icon" in data:
        page.icon = data["icon"]
    _demo_fields(page, data[language])
    return _publish(parent, page)


def _demo_translate(source: Page, locale: Locale, text: dict) -> Page:
    """`source`'s translation into `locale`: the existing one, or a published copy with the
    translated text."""
    existing = source.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    page = source.specific.copy_for_translation(locale)
    _demo_fields(page, text)
    page.save_revision().publish()
    return page


def _demo_publish_articles(kb: Page, pages: list[ArticlePage]) -> None:
    """Publish new demo articles with their related links (demo_data's slugs, resolved among
    the articles under `kb`, so a translation links to translations). They are published only
    now, once every article they may link to exists: one revision each."""
    related = {data["slug"]: data["related"] for data in demo_data.articles()}
    articles = dict(ArticlePage.objects.descendant_of(kb).values_list("slug", "pk"))
    for page in pages:
        page.related_links = [
            ArticleRelatedLink(article_id=articles[slug])
            for slug in related.get(page.slug, ())
            if slug in articles
        ]
        page.save_revision().publish()
