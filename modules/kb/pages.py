"""Knowledge base page types: one KB index under the home page, categories, sections, articles.

    HomePage → KnowledgeBasePage ("/kb/") → CategoryPage → SectionPage → ArticlePage

Who may read what is Wagtail's page privacy (Privacy in the page's admin header): public,
signed-in customers, named customer groups, or a shared password, set on a category, section or
article and inherited by everything below it. Every list these pages render goes through
`modules.kb.selectors.visible_pages`, so a hidden article is neither served nor mentioned.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count
from django.db.models.functions import Substr
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.search.backends import get_search_backend

from cms.jsonld import json_ld
from cms.pages import ModulePageMixin, PageSearchMixin
from cms.search_backend import searching_in
from modules.kb.blocks import ArticleBodyBlock
from modules.kb.selectors import visible_pages

MODULE_KEY = "kb"
SNIPPET_LENGTH = 300
SUGGESTIONS = 4


def _parent_path(page_path: str) -> str:
    return page_path[: -Page.steplen]


class KbSearchMixin(PageSearchMixin):
    """The search contract (cms.search) for every KB page type: only pages this request may
    open, none while the module is switched off."""

    search_module = MODULE_KEY
    search_kind = _("Knowledge base")
    search_text_field = "description"


class KbBreadcrumbMixin:
    """schema.org BreadcrumbList JSON-LD (`breadcrumb_ld` in the context) for every KB page:
    home, the knowledge base, category, section, the page itself."""

    def breadcrumb_structured_data(self, request=None) -> dict:
        trail = [*self.get_ancestors().filter(depth__gt=1), self]  # type: ignore[attr-defined]
        return {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": page.title,
                    "item": page.get_full_url(request),
                }
                for position, page in enumerate(trail, start=1)
            ],
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        context["breadcrumb_ld"] = json_ld(self.breadcrumb_structured_data(request))
        return context


class KnowledgeBasePage(ModulePageMixin, KbSearchMixin, KbBreadcrumbMixin, Page):
    """The knowledge base's front door (by convention at /kb/): its categories, each with the
    sections a visitor may open."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["kb.CategoryPage"]
    max_count = 1
    search_text_field = "intro"

    class Meta:
        verbose_name = _("Knowledge base")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        categories = list(
            visible_pages(CategoryPage.objects.child_of(self), request).order_by("path")
        )
        sections = list(
            visible_pages(SectionPage.objects.descendant_of(self), request).order_by("path")
        )
        section_path_length = len(self.path) + 2 * Page.steplen
        counts = dict(
            visible_pages(ArticlePage.objects.descendant_of(self), request)
            .annotate(section_path=Substr("path", 1, section_path_length))
            .order_by()
            .values("section_path")
            .annotate(total=Count("id"))
            .values_list("section_path", "total")
        )
        by_category: dict[str, list] = {}
        for section in sections:
            section.article_count = counts.get(section.path, 0)
            by_category.setdefault(_parent_path(section.path), []).append(section)
        for category in categories:
            category.visible_sections = by_category.get(category.path, [])
        context["categories"] = categories
        return context


class CategoryPage(ModulePageMixin, KbSearchMixin, KbBreadcrumbMixin, Page):
    """A broad topic of the knowledge base ("Billing", "Getting started"), shown as a card on
    the KB index; its page lists its sections and their articles."""

    icon = models.CharField(
        _("icon"), max_length=8, blank=True, help_text=_("An emoji or one or two characters.")
    )
    description = models.TextField(_("description"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("icon"), FieldPanel("description")]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["kb.KnowledgeBasePage"]
    subpage_types = ["kb.SectionPage"]
    search_kind = _("Category")

    class Meta:
        verbose_name = _("Knowledge base category")
        verbose_name_plural = _("Knowledge base categories")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sections = list(visible_pages(SectionPage.objects.child_of(self), request).order_by("path"))
        articles = visible_pages(ArticlePage.objects.descendant_of(self), request).order_by("path")
        by_section: dict[str, list] = {}
        for article in articles.only("id", "title", "slug", "path", "url_path", "summary"):
            by_section.setdefault(_parent_path(article.path), []).append(article)
        for section in sections:
            section.visible_articles = by_section.get(section.path, [])
        context["sections"] = sections
        return context


class SectionPage(ModulePageMixin, KbSearchMixin, KbBreadcrumbMixin, Page):
    """A group of articles inside a category ("Invoices", "Payment methods")."""

    description = models.TextField(_("description"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("description")]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["kb.CategoryPage"]
    subpage_types = ["kb.ArticlePage"]
    search_kind = _("Section")

    class Meta:
        verbose_name = _("Knowledge base section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = visible_pages(ArticlePage.objects.child_of(self), request).order_by(
            "path"
        )
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "kb.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(ModulePageMixin, KbSearchMixin, KbBreadcrumbMixin, RoutablePageMixin, Page):
    """A help article: rich body with a table of contents, attachments, tags and related
    articles; a printable view at <article>/print/."""

    summary = models.TextField(
        _("summary"),
        max_length=SNIPPET_LENGTH,
        blank=True,
        help_text=_(
            "One or two sentences. Shown in lists and search results, and to search "
            "engines unless the promote tab has a description of its own."
        ),
    )
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("tags"),
                InlinePanel("related_links", label=_("Related article")),
                InlinePanel("attachments", label=_("Attachment")),
            ],
            heading=_("Tags, related articles and attachments"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["kb.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Knowledge base article")

    # --- body and table of contents ---------------------------------------------------------

    @cached_property
    def anchored_body(self) -> list[tuple]:
        """(block, anchor) for each body block; headings get a unique id made from their text,
        the same id the table of contents links to."""
        seen: dict[str, int] = {}
        result = []
        for position, block in enumerate(self.body, start=1):
            anchor = ""
            if block.block_type == "heading":
                base = slugify(block.value["text"], allow_unicode=True) or f"section-{position}"
                seen[base] = seen.get(base, 0) + 1
                anchor = base if seen[base] == 1 else f"{base}-{seen[base]}"
            result.append((block, anchor))
        return result

    def table_of_contents(self) -> list[dict]:
        return [
            {"level": int(block.value["level"]), "text": block.value["text"], "anchor": anchor}
            for block, anchor in self.anchored_body
            if anchor
        ]

    def body_html(self) -> SafeString:
        """The rendered body (as on the page, headings with their anchors), for the API."""
        return render_to_string("kb/includes/article_body.html", {"blocks": self.anchored_body})

    def plain_text(self) -> str:
        parts = []
        for block in self.body:
            if block.block_type == "heading":
                parts.append(block.value["text"])
            elif block.block_type == "paragraph":
                parts.append(strip_tags(block.value.source))
            elif block.block_type == "callout":
                parts.append(strip_tags(block.value["text"].source))
        return " ".join(" ".join(parts).split())

    # --- who wrote it, what it is -----------------------------------------------------------

    @property
    def author(self):
        """Whoever published the live version (falling back to the page's owner)."""
        revision = self.live_revision
        user = revision.user if revision is not None and revision.user_id else None
        return user or self.owner

    @property
    def author_name(self) -> str:
        """The author's full name; empty rather than a username or email address."""
        user = self.author
        return user.get_full_name().strip() if user is not None else ""

    @cached_property
    def tag_list(self) -> list:
        """The article's tags, read once per page view (the page, its JSON-LD and the
        suggestions all use them)."""
        return list(self.tags.all())

    @property
    def meta_description(self) -> str:
        return self.search_description or self.summary

    def structured_data(self, request=None) -> dict:
        """schema.org Article for search engines (rendered as JSON-LD)."""
        data = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.seo_title or self.title,
            "description": self.meta_description,
            "url": self.get_full_url(request),
            "mainEntityOfPage": self.get_full_url(request),
        }
        if self.first_published_at:
            data["datePublished"] = self.first_published_at.isoformat()
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        if self.author_name:
            data["author"] = {"@type": "Person", "name": self.author_name}
        keywords = [tag.name for tag in self.tag_list]
        if keywords:
            data["keywords"] = ", ".join(keywords)
        return data

    # --- related and suggested articles -----------------------------------------------------

    def related_articles(self, request) -> list[ArticlePage]:
        """The articles an editor chose, in their order, that this visitor may open."""
        chosen = [link.article_id for link in self.related_links.all() if link.article_id]
        if not chosen:
            return []
        found = {
            page.pk: page
            for page in visible_pages(ArticlePage.objects.filter(pk__in=chosen), request)
        }
        return [found[pk] for pk in chosen if pk in found and pk != self.pk]

    def similar_by_text(self, request, *, limit: int = 10) -> dict[int, float]:
        """Articles whose words are like this one's title, summary and tags (the search index,
        in this article's language): pk → search rank. Only ones this visitor may open."""
        words = " ".join([self.title, self.summary, *(tag.name for tag in self.tag_list)])
        words = " ".join(sorted({word for word in words.split() if len(word) > 3}))[:300]
        if not words:
            return {}
        candidates = visible_pages(
            ArticlePage.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk), request
        )
        with searching_in(self.locale.language_code):
            found = get_search_backend().search(words, candidates, operator="or")
            ranked = found.annotate_score("_score")[:limit]
            return {page.pk: float(page._score or 0) for page in ranked}

    def suggested_articles(self, request, *, exclude=(), limit: int = SUGGESTIONS):
        """Articles like this one: the more tags they share with it the better, then the more
        alike their words (the search index's rank), then those in the same section, then the
        most recently updated. Only ones this visitor may open."""
        tag_ids = [tag.pk for tag in self.tag_list]
        shared: dict[int, int] = {}
        if tag_ids:
            shared = dict(
                ArticleTag.objects.filter(tag_id__in=tag_ids)
                .exclude(content_object_id=self.pk)
                .order_by()
                .values("content_object_id")
                .annotate(total=Count("id"))
                .values_list("content_object_id", "total")
            )
        alike = self.similar_by_text(request)
        section_path = _parent_path(self.path)
        candidates = (
            ArticlePage.objects.filter(
                models.Q(pk__in=[*shared, *alike]) | models.Q(path__startswith=section_path)
            )
            .exclude(pk=self.pk)
            .exclude(pk__in=[*exclude])
            .order_by("-last_published_at")
        )
        pages = list(visible_pages(candidates, request)[:50])
        pages.sort(
            key=lambda page: (
                -shared.get(page.pk, 0),
                -alike.get(page.pk, 0.0),
                not page.path.startswith(section_path),
            )
        )
        return pages[:limit]

    # --- serving ----------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        related = self.related_articles(request)
        context.update(
            toc=self.table_of_contents(),
            related=related,
            suggested=self.suggested_articles(request, exclude=[p.pk for p in related]),
            canonical_url=self.get_full_url(request),
            print_url=self.get_url(request) + self.reverse_subpage("print"),
            structured_data=json_ld(self.structured_data(request)),
            attachments=[a for a in self.attachments.all() if a.document_id],
        )
        return context

    @path("print/", name="print")
    def print_view(self, request):
        return self.render(request, template="kb/article_print.html")

    # --- search contract (cms.search, with KbSearchMixin) -------------------------------------

    search_kind = _("Article")

    def search_snippet(self) -> str:
        return self.summary or self.plain_text()


class ArticleRelatedLink(Orderable):
    """An article an editor chose to show under "Related articles"."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    article = models.ForeignKey(
        ArticlePage,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("article")]


class ArticleAttachment(Orderable):
    """A file offered for download under the article (a Wagtail document)."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("file"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("link text"), max_length=150, blank=True, help_text=_("Defaults to the file's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def label(self) -> str:
        return self.title or self.document.title
