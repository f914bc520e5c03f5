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
