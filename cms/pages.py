"""Mixins for page types that belong to a module."""

from modules import registry


class ModulePageMixin:
    """A page type of a module: it cannot be created while its module is switched off.

    (Serving is refused by the `before_serve_page` hook in cms.wagtail_hooks, and search leaves
    such pages out through cms.search.)
    """

    @classmethod
    def can_create_at(cls, parent) -> bool:
        spec = registry.module_for_page_type(cls)
        if spec is not None and not registry.is_enabled(spec.key):
            return False
        return super().can_create_at(parent)  # type: ignore[misc]


class PageSearchMixin:
    """The search contract (cms.search) for a module's page types with the standard visibility:
    only live pages this request may open, none while the module is switched off. The portal
    search runs every such page type in one query (`search_pages_visible`).

    Set `search_module` (the module's key), `search_kind` (shown on the result), and either
    `search_text_field` (the field shown as the snippet) or a `search_snippet()` method."""

    search_module = ""
    search_kind = ""
    search_text_field = "description"
    search_snippet_length = 300
    search_pages_visible = True

    @classmethod
    def search_queryset(cls, request):
        from cms.visibility import visible_pages

        if not registry.is_enabled(cls.search_module, request):
            return cls.objects.none()  # type: ignore[attr-defined]
        return visible_pages(cls.objects.all(), request)  # type: ignore[attr-defined]

    def search_snippet(self) -> str:
        return getattr(self, self.search_text_field, "") or ""

    def search_result(self) -> dict:
        from django.utils.html import strip_tags
        from django.utils.text import Truncator

        snippet = Truncator(strip_tags(self.search_snippet())).chars(self.search_snippet_length)
        return {
            "title": self.title,  # type: ignore[attr-defined]
            "url": self.url,  # type: ignore[attr-defined]
            "snippet": snippet,
            "kind": str(self.search_kind),
        }
