"""Public insights URLs on portal hosts (mounted by config/urls_tenant.py)."""

from django.urls import path

from cms.insights import views

urlpatterns = [
    path("feedback/<int:page_id>/", views.feedback, name="insights-feedback"),
    path("search/click/", views.search_click, name="search-click"),
]
