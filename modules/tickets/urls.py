"""Portal URLs of tickets, mounted at /tickets/ (namespace "tickets": they answer 404 while the
module is switched off)."""

from django.urls import path

from modules.tickets import views

urlpatterns = [
    path("", views.my_tickets, name="list"),
    path("new/", views.new, name="new"),
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/opened/", views.suggestion_opened, name="suggestion-opened"),
    path("<int:number>/", views.detail, name="detail"),
    path("<int:number>/reply/", views.reply, name="reply"),
    path("<int:number>/close/", views.close, name="close"),
    path("<int:number>/reopen/", views.reopen, name="reopen"),
    path("<int:number>/rate/", views.rate, name="rate"),
    path("<int:number>/cc/", views.cc, name="cc"),
    path("<int:number>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("guest/<str:token>/", views.guest, name="guest"),
    path("guest/<str:token>/<str:action>/", views.guest_action, name="guest-action"),
    path(
        "guest/<str:token>/files/<int:attachment_id>/",
        views.guest_attachment,
        name="guest-attachment",
    ),
]
