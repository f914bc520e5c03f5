"""The knowledge base's admin reports (modules.kb.admin_views) under Reports, hidden and
answering 404 while the module is switched off (their URLs sit in the module's namespace)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

from modules import registry
from modules.kb.admin_views import EDIT_PERMISSIONS, KbActivityView, KbArticlesView

MODULE_KEY = "kb"
MENU_ITEMS = ("kb-activity", "kb-articles")


class KbReportMenuItem(MenuItem):
    def is_shown(self, request):
        return registry.is_enabled(
            MODULE_KEY, request
        ) and PagePermissionPolicy().user_has_any_permission(request.user, EDIT_PERMISSIONS)


@hooks.register("register_admin_urls")
def register_kb_report_urls():
    patterns = [
        path("activity/", KbActivityView.as_view(), name="admin-activity"),
        path(
            "activity/results/",
            KbActivityView.as_view(results_only=True),
            name="admin-activity-results",
        ),
        path("articles/", KbArticlesView.as_view(), name="admin-articles"),
        path(
            "articles/results/",
            KbArticlesView.as_view(results_only=True),
            name="admin-articles-results",
        ),
    ]
    return [path("reports/kb/", include((patterns, MODULE_KEY), namespace=MODULE_KEY))]


@hooks.register("register_reports_menu_item")
def register_kb_activity_menu_item():
    return KbReportMenuItem(
        _("Knowledge base activity"),
        reverse("kb:admin-activity"),
        name=MENU_ITEMS[0],
        icon_name="history",
        order=1200,
    )


@hooks.register("register_reports_menu_item")
def register_kb_articles_menu_item():
    return KbReportMenuItem(
        _("Knowledge base articles"),
        reverse("kb:admin-articles"),
        name=MENU_ITEMS[1],
        icon_name="doc-full",
        order=1210,
    )


@hooks.register("before_serve_document")
def refuse_attachments_of_hidden_articles(document, request):
    """An article's attachment follows the article's visibility: a file attached only to
    articles this visitor may not open (private, draft, or the module switched off) is a 404,
    whatever its collection's privacy says."""
    from django.http import Http404

    from modules.kb.pages import ArticlePage
    from modules.kb.selectors import visible_pages

    articles = ArticlePage.objects.filter(attachments__document=document)
    if not articles.exists():
        return None
    if registry.is_enabled(MODULE_KEY, request) and visible_pages(articles, request).exists():
        return None
    raise Http404("No such document.")
