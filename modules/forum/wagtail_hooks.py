"""Admin: the forum's categories (with who reads and who moderates each) and the moderation log,
under "Forum" in the main menu (hidden while the module is switched off). Posts are moderated on
the portal itself, at /forum/moderation/; the rules are under Settings → Forum rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from modules.forum.models import ForumCategory, ModerationAction

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


class ReadOnlyPolicy(ModelPermissionPolicy):
    """A record nobody may add, change or delete, not even a superuser; reading it needs the
    model's "view" permission (tenant admins have it; grant it to a group in Settings → Groups)."""

    READ = {"view"}

    def user_has_permission(self, user, action):
        return action in self.READ and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


class ModerationLogViewSet(SnippetViewSet):
    """Every moderator action (approve, reject, suspend, pin, lock, move, merge…), newest first,
    with who did it and why: read only."""

    model = ModerationAction
    icon = "history"
    menu_label = _("Moderation log")
    list_display = ["created_at", "moderator", "action", "topic", "target_user", "reason"]
    list_filter = ["action"]
    search_fields = ["reason"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        # the columns name the moderator, the topic and the person acted on: one query a page
        return ModerationAction.objects.select_related("moderator", "topic", "target_user")


register_permission_policy(ModerationAction, ReadOnlyPolicy(ModerationAction))


class ForumAdminGroup(SnippetViewSetGroup):
    items = (ForumCategoryViewSet, ModerationLogViewSet)
    menu_icon = "group"
    menu_label = _("Forum")
    menu_name = "forum"
    menu_order = 320


register_snippet(ForumAdminGroup)
