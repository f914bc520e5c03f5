"""Operator console: plans (list, new, edit)."""

from django.urls import path

from tenants.console import plan_views

urlpatterns = [
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_create, name="plan-create"),
    path("plans/<slug:key>/", plan_views.plan_edit, name="plan-edit"),
]
