"""Settings → API keys in a tenant's Wagtail admin: list, create (the key is shown once), revoke.

Access follows Wagtail's model permissions on ApiKey (superusers have them all): "add" to
create, "delete" to revoke, either to see the list. Keys live in the tenant's schema, so the
list is this portal's keys and nobody else's.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import ModelPermissionPolicy

from api import services
from api.models import ApiKey

permission_policy = ModelPermissionPolicy(ApiKey)


def can_list(user) -> bool:
    return permission_policy.user_has_any_permission(user, ["add", "delete"])


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy(
            "What the key is for, e.g. “CRM sync”. The key acts with your permissions."
        ),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name."))
        return name


class ApiKeyAdminMixin(WagtailAdminTemplateMixin):
    header_icon = "key"
    required_actions: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        allowed = (
            permission_policy.user_has_any_permission(request.user, self.required_actions)
            if self.required_actions
            else can_list(request.user)
        )
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse("api_keys:index"), "label": _("API keys")},
        ]
        if self.get_page_title() != _("API keys"):
            items.append({"url": "", "label": self.get_page_title()})
        return items


@method_decorator(never_cache, name="dispatch")
class IndexView(ApiKeyAdminMixin, TemplateView):
    template_name = "api/admin/index.html"
    page_title = gettext_lazy("API keys")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Active keys first (a NULL revoked_at), newest first within each group.
        context["keys"] = ApiKey.objects.select_related("user").order_by(
            F("revoked_at").asc(nulls_first=True), "-created_at"
        )
        context["can_create"] = permission_policy.user_has_permission(self.request.user, "add")
        context["can_revoke"] = permission_policy.user_has_permission(self.request.user, "delete")
        return context


@method_decorator(never_cache, name="dispatch")
class CreateView(ApiKeyAdminMixin, TemplateView):
    """GET shows the form; a valid POST answers with the new key in the page itself (no
    redirect), so the secret is never stored anywhere, not even in the session, and a reload
    cannot show it again."""

    template_name = "api/admin/create.html"
    page_title = gettext_lazy("Create API key")
    required_actions = ("add",)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ApiKeyForm()))

    def post(self, request, *args, **kwargs):
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        key, token = services.api_key_create(user=request.user, name=form.cleaned_data["name"])
        self.page_title = gettext_lazy("API key created")
        return self.render_to_response(
            self.get_context_data(key=key, token=token),
            headers={"Cache-Control": "no-store, private"},
        )


@method_decorator(never_cache, name="dispatch")
class RevokeView(ApiKeyAdminMixin, TemplateView):
    template_name = "api/admin/revoke.html"
    page_title = gettext_lazy("Revoke API key")
    required_actions = ("delete",)
    success_url = reverse_lazy("api_keys:index")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.key = get_object_or_404(
            ApiKey.objects.select_related("user"), pk=kwargs["pk"], revoked_at__isnull=True
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(key=self.key, **kwargs)

    def post(self, request, *args, **kwargs):
        services.api_key_revoke(key=self.key)
        messages.success(
            request,
            _("API key “%(name)s” revoked. Requests using it are refused from now on.")
            % {"name": self.key.name},
        )
        return redirect(self.success_url)
