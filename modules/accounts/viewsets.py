"""Admin of customer accounts (Wagtail): "Customers" in the main menu, with the customers list
(search, filter by organization, verification and activity; edit organization, organization
visibility and whether the account may sign in) and the organizations (name, email domains).

Every view checks Django model permissions through Wagtail's permission policies: the
"Administrators" group may do everything here, "Agents" may look at and edit customers,
"Moderators" may look (see accounts_furnish). Customers cannot be added or deleted here: they
sign up themselves, and deleting one goes through the anonymising service so their posts stay.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from modules.accounts import services
from modules.accounts.models import CustomerProfile, Organization


class CustomerPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, except that nobody adds or deletes a customer profile in the admin."""

    NEVER = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.NEVER and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = set(actions) - self.NEVER
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


class CustomerFilterSet(WagtailFilterSet):
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=Organization.objects.all()
    )
    verified = django_filters.BooleanFilter(
        label=_("Email verified"),
        field_name="email_verified_at",
        lookup_expr="isnull",
        exclude=True,
    )
    active = django_filters.BooleanFilter(label=_("Active"), field_name="user__is_active")

    class Meta:
        model = CustomerProfile
        fields = ["organization"]


class CustomerAdminForm(WagtailAdminModelForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Switch off to stop this customer signing in (their content stays)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["is_active"].initial = self.instance.user.is_active

    def save(self, commit=True):
        return services.customer_admin_update(
            profile=self.instance,
            organization=self.cleaned_data.get("organization"),
            can_see_organization=self.cleaned_data.get("can_see_organization", False),
            is_active=self.cleaned_data.get("is_active", False),
        )


class CustomerIndexView(IndexView):
    def get_base_queryset(self):
        # deleted customers are gone for the admin too; their posts say "Deleted user"
        return CustomerProfile.objects.filter(deleted_at__isnull=True).select_related(
            "user", "organization"
        )


class CustomerViewSet(ModelViewSet):
    model = CustomerProfile
    name = "customers"
    icon = "user"
    menu_label = _("Customers")
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        Column("name", label=_("Name"), accessor="__str__"),
        Column("email", label=_("Email"), accessor="email"),
        Column("organization", label=_("Organization")),
        BooleanColumn("is_verified", label=_("Verified")),
        BooleanColumn("is_active", label=_("Active"), accessor="is_active"),
        DateColumn("created_at", label=_("Joined")),
    ]
    list_export = ["display_name", "email", "organization", "email_verified_at", "created_at"]
    filterset_class = CustomerFilterSet
    search_fields = ["display_name", "user__email"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("organization"), FieldPanel("can_see_organization"), FieldPanel("is_active")],
        base_form_class=CustomerAdminForm,
    )

    index_view_class = CustomerIndexView


class OrganizationForm(WagtailAdminModelForm):
    def clean_email_domains(self):
        return services.normalise_domains(self.cleaned_data.get("email_domains") or [])


class OrganizationViewSet(ModelViewSet):
    model = Organization
    name = "organizations"
    icon = "group"
    menu_label = _("Organizations")
    copy_view_enabled = False
    list_display = [
        "name",
        Column("domains", label=_("Email domains"), accessor="domains_display"),
        Column("members", label=_("Members"), accessor="member_count"),
    ]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("email_domains")], base_form_class=OrganizationForm
    )


class CustomersGroup(ViewSetGroup):
    menu_label = _("Customers")
    menu_icon = "user"
    menu_order = 250
    items = (CustomerViewSet, OrganizationViewSet)
