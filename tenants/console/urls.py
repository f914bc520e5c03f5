"""The operator console, mounted at /operator/ on the platform host (namespace "console")."""

from django.urls import include, path

from tenants.console import views

urlpatterns = [
    path("", views.tenant_list, name="tenants"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.verify, name="verify"),
    path("login/backup-code/", views.verify_backup, name="verify-backup"),
    path("login/set-up/", views.enrol, name="enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tenants/<int:tenant_id>/", views.tenant_detail, name="tenant"),
    path("tenants/<int:tenant_id>/suspend/", views.tenant_suspend, name="tenant-suspend"),
    path("tenants/<int:tenant_id>/resume/", views.tenant_resume, name="tenant-resume"),
    path(
        "tenants/<int:tenant_id>/extend-trial/",
        views.tenant_extend_trial,
        name="tenant-extend-trial",
    ),
    path("tenants/<int:tenant_id>/plan/", views.tenant_change_plan, name="tenant-plan"),
    path("tenants/<int:tenant_id>/delete/", views.tenant_delete, name="tenant-delete"),
    path("audit/", views.audit_list, name="audit"),
    path("", include("tenants.console.support_urls")),
    path("", include("tenants.console.export_urls")),
    path("", include("tenants.console.plan_urls")),
]
