from django.urls import path

from tenants.console import views

urlpatterns = [
    path("", views.tenant_list, name="tenants"),
]
