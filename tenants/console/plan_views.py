"""The operator console's plans: the list (prices, limits, tenants on each), a new plan, and the
edit form. Plans are data (billing.models.Plan); writes go through billing.services, audited.
Operators only (operator_required: signed in with both factors)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from billing import services as billing_services
from billing.models import Plan
from cms.ratelimit import client_ip
from tenants.console.plan_forms import PlanForm, module_choices
from tenants.console.views import _actor, operator_required
from tenants.models import Tenant


def _tenant_counts() -> dict[str, int]:
    return dict(
        Tenant.objects.real()
        .filter(deleted_at__isnull=True)
        .order_by()
        .values_list("plan")
        .annotate(n=Count("pk"))
        .values_list("plan", "n")
    )


@operator_required
def plan_list(request):
    counts = _tenant_counts()
    labels = dict(module_choices())
    plans = []
    for plan in Plan.objects.all():
        features = [
            label
            for on, label in (
                (plan.custom_domain, _("Custom domain")),
                (plan.remove_branding, _("No platform branding")),
                (plan.api_access, _("API")),
            )
            if on
        ]
        plans.append(
            {
                "plan": plan,
                "price": plan.price_cents / 100,
                "tenants": counts.get(plan.key, 0),
                "modules": [labels.get(key, key) for key in plan.modules],
                "features": features,
            }
        )
    return render(request, "console/plans.html", {"plans": plans})


def _save_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            if field == "price_cents":
                target = "price"
            elif field == "modules":
                target = "module_keys"
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


@operator_required
def plan_create(request):
    form = PlanForm(request.POST or None, instance=Plan())
    if request.method == "POST" and form.is_valid():
        try:
            plan = billing_services.plan_create(
                key=form.cleaned_data["key"],
                actor=_actor(request),
                ip=client_ip(request),
                **form.plan_fields(),
            )
        except ValidationError as exc:
            _save_errors(form, exc)
        else:
            messages.success(request, _("Plan %(name)s created.") % {"name": plan})
            return redirect("console:plans")
    return render(
        request,
        "console/plan_form.html",
        {"form": form, "plan": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@operator_required
def plan_edit(request, key: str):
    plan = get_object_or_404(Plan, key=key)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            changes = billing_services.plan_update(
                plan=plan, actor=_actor(request), ip=client_ip(request), **form.plan_fields()
            )
        except ValidationError as exc:
            _save_errors(form, exc)
        else:
            if changes:
                messages.success(request, _("Plan %(name)s saved.") % {"name": plan})
            else:
                messages.success(request, _("Nothing changed."))
            return redirect("console:plans")
    tenants = billing_services.plan_tenants(Plan.objects.get(pk=plan.pk)).count()
    return render(
        request,
        "console/plan_form.html",
        {"form": form, "plan": Plan.objects.get(pk=plan.pk), "tenants": tenants},
        status=400 if form.is_bound and form.errors else 200,
    )
