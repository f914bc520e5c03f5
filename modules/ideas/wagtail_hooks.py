"""Admin: idea categories under "Idea categories" in the main menu (hidden while the module is
switched off). Ideas themselves are managed on the portal, where staff with the "manage ideas"
permission see status, merge and vote-for-a-customer forms on each idea's page; the vote budget
is under Settings → Ideas."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from modules.ideas.models import IdeaCategory


class IdeaCategoryViewSet(SnippetViewSet):
    model = IdeaCategory
    icon = "pick"
    menu_label = _("Idea categories")
    menu_name = "idea-categories"
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]


register_snippet(IdeaCategoryViewSet)
