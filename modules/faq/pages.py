"""FAQ page types: an index page under the home page, groups of questions under it.

Visitors read a group page as an accordion of questions (plain `<details>` elements, so it works
without JavaScript); every question also has an address of its own, `<group>/q/<slug>/`, which
search results and shared links point to.
"""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.rich_text import expand_db_html, get_text_for_indexing
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from cms.jsonld import json_ld
from cms.pages import ModulePageMixin
from modules import registry

MODULE_KEY = "faq"
SNIPPET_LENGTH = 300
SLUG_MAX_LENGTH = 255
# Answers may link to other pages (knowledge base articles) and documents.
ANSWER_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "code"]


def item_slug(question: str, taken: set[str]) -> str:
    """A slug for a question that no other question of the group has (`-2`, `-3`… on a clash)."""
    base = (slugify(question, allow_unicode=True) or "question")[: SLUG_MAX_LENGTH - 6]
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _module_on(request) -> bool:
    return registry.is_enabled(MODULE_KEY, request)


class FaqIndexPage(ModulePageMixin, Page):
    """The portal's FAQ (normally at /faq/): an introduction and the groups under it, either
    as a list of links or with every group's questions shown on the page itself."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    show_questions = models.BooleanField(
        _("show the questions on this page"),
        default=True,
        help_text=_(
            "Show every group with its questions here. Untick to list only the groups' titles."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("show_questions")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["faq.FaqGroupPage"]
    max_count_per_parent = 1
    template = "faq/faq_index_page.html"

    class Meta:
        verbose_name = _("FAQ index page")
        verbose_name_plural = _("FAQ index pages")

    def get_context(self, request, *args, **kwargs):
        from modules.faq.selectors import faq_groups_of

        context = super().get_context(request, *args, **kwargs)
        groups = list(faq_groups_of(self, request))
        for group in groups:
            # Several groups share this page, so their questions' anchors name the group too.
            group.faq_items = group.prepare_items(request, anchor_prefix=f"g{group.pk}-")
        context["groups"] = groups
        return context


class FaqGroupPageForm(WagtailAdminPageForm):
    """Fills in the slugs of new questions and keeps them unique within the group, so every
    question keeps a stable address (`q/<slug>/`) once published."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("items")
        if formset is None:
            return cleaned_data
        forms = [f for f in formset.forms if f.is_valid() and not self._deleted(formset, f)]
        taken = {f.cleaned_data["slug"] for f in forms if f.cleaned_data.get("slug")}
        seen: set[str] = set()
        for form in forms:
            slug = form.cleaned_data.get("slug")
            if slug:
                if slug in seen:
                    form.add_error("slug", _("Another question in this group has this slug."))
                seen.add(slug)
                continue
            if not form.cleaned_data.get("question"):
                continue
            slug = item_slug(form.cleaned_data["question"], taken)
            taken.add(slug)
            seen.add(slug)
            form.cleaned_data["slug"] = slug
            form.instance.slug = slug
        return cleaned_data

    @staticmethod
    def _deleted(formset, form) -> bool:
        return formset.can_delete and formset._should_delete_form(form)


class FaqGroupPage(ModulePageMixin, RoutablePageMixin, Page):
    """A group of questions ("Billing", "Your account") shown as an accordion. Each question
    can be opened on its own at `q/<slug>/`, which is where search results link."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("items", heading=_("Questions"), label=_("Question")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["faq.FaqIndexPage"]
    subpage_types: list[str] = []
    base_form_class = FaqGroupPageForm
    template = "faq/faq_group_page.html"

    class Meta:
        verbose_name = _("FAQ group")
        verbose_name_plural = _("FAQ groups")

    def question_url(self, item: FaqItem, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("question", kwargs={"slug": item.slug})

    def prepare_items(self, request, *, anchor_prefix: str = "") -> list[FaqItem]:
        """The questions with what their template needs: `anchor`, the id of their `<details>`
        element, and `link`, their own address."""
        items = list(self.items.all())
        for item in items:
            item.anchor = f"{anchor_prefix}q-{item.slug}"
            item.link = self.question_url(item, request)
        return items

    def faq_schema(self, items, request) -> SafeString:
        """schema.org FAQPage data for the questions shown (search engines' rich results)."""
        return json_ld(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": item.question,
                        "url": request.build_absolute_uri(item.link),
                        "acceptedAnswer": {"@type": "Answer", "text": expand_db_html(item.answer)},
                    }
                    for item in items
                ],
            }
        )

    def get_context(self, request, *args, question_slug: str | None = None, **kwargs):
        """With `question_slug` (the page at `q/<slug>/`) the page is about that one question:
        it comes first, open, and is the page's title; the group's other questions follow."""
        context = super().get_context(request, *args, **kwargs)
        items = self.prepare_items(request)
        current = None
        if question_slug is not None:
            current = next((item for item in items if item.slug == question_slug), None)
            if current is None:
                raise Http404
        context["current"] = current
        context["items"] = items
        context["other_items"] = [item for item in items if item is not current]
        own_url = current.link if current else self.get_url(request)
        context["canonical_url"] = request.build_absolute_uri(own_url)
        context["faq_schema"] = self.faq_schema([current] if current else items, request)
        return context

    @path("q/<str:slug>/", name="question")
    def question_route(self, request, slug: str):
        return self.render(request, question_slug=slug)


class FaqItemQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """Questions, with `.search()` like page querysets have."""


class FaqItem(index.Indexed, Orderable):
    """One question and its answer, edited inline on its group page. Each is a search result
    of its own, linking to the question's own address."""

    page = ParentalKey(FaqGroupPage, on_delete=models.CASCADE, related_name="items")
    question = models.CharField(_("question"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "The question's address: …/q/<slug>/. Left empty, it is made from the question."
        ),
    )
    answer = RichTextField(_("answer"), features=ANSWER_FEATURES)

    objects = FaqItemQuerySet.as_manager()

    panels = [FieldPanel("question"), FieldPanel("slug"), FieldPanel("answer")]
    search_fields = [
        index.SearchField("question", boost=2),
        index.AutocompleteField("question"),
        index.SearchField("answer"),
        index.FilterField("page"),
        index.RelatedFields("page", [index.FilterField("locale")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("FAQ question")
        verbose_name_plural = _("FAQ questions")
        constraints = [
            # Deferred, so reordering or swapping slugs in one admin save does not trip it.
            models.UniqueConstraint(
                fields=["page", "slug"],
                name="faq_item_unique_slug_per_group",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self) -> str:
        return self.question

    # The search contract: a question is searched with its group page's translation tree and
    # indexed in its page's language.
    search_locale_field = "page__locale"

    def search_language(self) -> str:
        return self.page.locale.language_code

    def search_path(self) -> str:
        """Where the question sits in the page tree: its group's path (category filter)."""
        return self.page.path

    def save(self, *args, **kwargs):
        if not self.slug:
            siblings = FaqItem.objects.filter(page_id=self.page_id).exclude(pk=self.pk)
            self.slug = item_slug(self.question, set(siblings.values_list("slug", flat=True)))
        super().save(*args, **kwargs)

    @classmethod
    def search_queryset(cls, request):
        from modules.faq.selectors import faq_items_visible

        if not _module_on(request):
            return cls.objects.none()
        return faq_items_visible(request)

    @property
    def url(self) -> str:
        return self.page.question_url(self)

    @property
    def answer_text(self) -> str:
        return get_text_for_indexing(self.answer)

    def search_result(self) -> dict:
        return {
            "title": self.question,
            "url": self.url,
            "snippet": Truncator(self.answer_text).chars(SNIPPET_LENGTH),
            "kind": str(_("FAQ")),
        }
