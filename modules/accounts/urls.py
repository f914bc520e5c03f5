"""Customer account pages, mounted at /account/ on portal hosts (namespace "accounts")."""

from django.urls import path

from modules.accounts import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup-done"),
    path("verify/resend/", views.verify_resend, name="verify-resend"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/done/", views.password_reset_done, name="password-reset-done"),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("avatar/", views.avatar, name="avatar"),
    path("activity/", views.activity, name="activity"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/export/", views.export, name="export"),
]
