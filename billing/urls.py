"""Billing on the platform host (included under /billing/ by config.urls_public)."""

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("checkout/<str:token>/", views.checkout, name="checkout"),
    path("portal/<str:token>/", views.customer_portal, name="portal"),
]
