"""Django finds the module's models here; they are defined in pages.py (Wagtail page types)."""

from modules.kb.pages import (  # noqa: F401
    ArticleAttachment,
    ArticlePage,
    ArticleRelatedLink,
    ArticleTag,
    CategoryPage,
    KnowledgeBasePage,
    SectionPage,
)
