"""Admin: the forum's categories (with who reads and who moderates each) and its rules, under
"Forum" in the main menu (hidden while the module is switched off). Posts are moderated on the
portal itself, at /forum/moderation/; the rules are under Settings → Forum rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from modules.forum.models import ForumCategory

MODERATE = "moderate_category"


class ForumCategoryForm(WagtailAdminModelForm):
    """Adds "Moderators": people given the guardian object permission on this one category."""

    moderators = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        label=_("Moderators"),
        help_text=_("They approve, reject, pin, lock, move and merge in this category only."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            from guardian.shortcuts import get_users_with_perms

            self.fields["moderators"].initial = [
                user.pk
                for user in get_users_with_perms(
                    self.instance, only_with_perms_in=[MODERATE], with_group_users=False
                )
            ]

    def save(self, commit=True):
        category = super().save(commit=commit)
        if commit:
            self.save_moderators(category)
        return category

    def save_moderators(self, category):
        from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

        chosen = set(self.cleaned_data.get("moderators") or [])
        current = set(
            get_users_with_perms(category, only_with_perms_in=[MODERATE], with_group_users=False)
        )
        for user in chosen - current:
            assign_perm(f"forum.{MODERATE}", user, category)
        for user in current - chosen:
            remove_perm(f"forum.{MODERATE}", user, category)


class ForumCategoryViewSet(SnippetViewSet):
    model = ForumCategory
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "slug", "visibility", "position"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("description"),
            FieldPanel("position"),
            FieldPanel("visibility"),
            FieldPanel("groups"),
            FieldPanel("moderators"),
        ],
        base_form_class=ForumCategoryForm,
    )


class ForumAdminGroup(SnippetViewSetGroup):
    items = (ForumCategoryViewSet,)
    menu_icon = "group"
    menu_label = _("Forum")
    menu_name = "forum"
    menu_order = 320


register_snippet(ForumAdminGroup)
