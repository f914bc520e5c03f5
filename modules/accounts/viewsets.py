"""Admin of customer accounts (Wagtail): "Customers" in the main menu, with the customers list
(search, filter by organization, verification and activity; edit organization, organization
visibility and whether the account may sign in) and the organizations (name, email domains).

Every view checks Django model permissions through Wagtail's permission policies: the
"Administrators" group may do everything here, "Agents" may look at and edit customers,
"Community moderators" may look (see staff_roles_ensure). "Add" invites a customer by email;
"Delete" anonymises one through the same service as self-service deletion, so their posts stay.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from modules.accounts import selectors, services
from modules.accounts.models import CustomerProfile, Organization


class CustomerCreateView(CreateView):
    """ "Add customer" invites: the account is made and the customer mailed a link to choose
    their password (services.customer_invite)."""

    page_title = _("Invite a customer")
    submit_button_label = _("Send invitation")
    success_message = _("Invitation sent to %(object)s.")

    def save_instance(self):
        data = self.form.cleaned_data
        user = services.customer_invite(
            email=data["email"],
            organization=data.get("organization"),
            can_see_organization=data.get("can_see_organization", False),
            base_url=self.request.build_absolute_uri("/"),
        )
        return user.customer_profile


class CustomerEditView(EditView):
    def get_queryset(self):
        return selectors.customers()


class CustomerInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(selectors.customers(), pk=unquote(str(self.pk)))


class CustomerHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return selectors.customers()


class CustomerUsageView(UsageView):
    def get_base_object_queryset(self):
        return selectors.customers()


class CustomerDeleteView(DeleteView):
    """Deleting a customer anonymises them (services.customer_anonymise): their posts stay,
    shown as by "Deleted user"; the row is kept so threads keep their author."""

    page_title = _("Delete customer")

    def get_queryset(self):
        return selectors.customers()

    def delete_action(self):
        services.customer_anonymise(user=self.object.user)


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


class CustomerInviteForm(WagtailAdminModelForm):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send the customer a link to choose their password."),
    )

    def clean_email(self):
        email = services.normalise_email(self.cleaned_data["email"])
        if selectors.user_by_email(email) is not None:
            raise forms.ValidationError(_("This address already has an account."))
        return email


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
        # staff are not customers; deleted customers are gone for the admin too (their posts
        # say "Deleted user")
        return selectors.customers()


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

    # every view that opens one customer looks them up in selectors.customers()
    index_view_class = CustomerIndexView
    add_view_class = CustomerCreateView
    edit_view_class = CustomerEditView
    inspect_view_class = CustomerInspectView
    history_view_class = CustomerHistoryView
    usage_view_class = CustomerUsageView
    delete_view_class = CustomerDeleteView
    invite_handler = ObjectList(
        [FieldPanel("email"), FieldPanel("organization"), FieldPanel("can_see_organization")],
        base_form_class=CustomerInviteForm,
    )

    def get_add_view_kwargs(self, **kwargs):
        panel = self.invite_handler.bind_to_model(CustomerProfile)
        return super().get_add_view_kwargs(
            **{"panel": panel, "form_class": panel.get_form_class(), **kwargs}
        )


class OrganizationForm(WagtailAdminModelForm):
    def clean_email_domains(self):
        return services.normalise_domains(self.cleaned_data.get("email_domains") or [])


class OrganizationCreateView(CreateView):
    """Creates through services.organization_create (a name unique whatever its case; the
    customers at its domains join); its refusals show on the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def save_instance(self):
        data = self.form.cleaned_data
        return services.organization_create(
            name=data["name"], email_domains=data.get("email_domains") or []
        )


class OrganizationIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.organizations_with_member_count()


class OrganizationEditView(EditView):
    def save_instance(self):
        organization = super().save_instance()
        services.organization_adopt_by_domain(organization=organization)
        return organization


class OrganizationViewSet(ModelViewSet):
    model = Organization
    name = "organizations"
    icon = "group"
    menu_label = _("Organizations")
    copy_view_enabled = False
    list_display = [
        "name",
        Column("domains", label=_("Email domains"), accessor="domains_display"),
        Column("members", label=_("Members"), accessor="members_total"),
    ]
    search_fields = ["name"]
    search_backend_name = None
    index_view_class = OrganizationIndexView
    add_view_class = OrganizationCreateView
    edit_view_class = OrganizationEditView
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("email_domains")], base_form_class=OrganizationForm
    )


class CustomersGroup(ViewSetGroup):
    menu_label = _("Customers")
    menu_icon = "user"
    menu_order = 250
    items = (CustomerViewSet, OrganizationViewSet)
