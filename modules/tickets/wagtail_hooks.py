"""Admin: the agents' ticket workspace (Tickets in the main menu)."""

from django.urls import include, path
from wagtail import hooks

from modules.tickets import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [path("<int:number>/", admin_views.ticket, name="ticket")]
    return [path("tickets/", include((urls, "tickets_admin"), namespace="tickets_admin"))]
