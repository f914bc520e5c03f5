"""Portal URLs of the ideas board, mounted at /ideas/ (namespace "ideas", so they answer 404
while the module is switched off)."""

from django.urls import path

from modules.ideas import views

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("changelog/", views.changelog, name="changelog"),
    path("<int:pk>/", views.by_id, name="by-id"),
    path("<int:pk>-<str:slug>/", views.detail, name="detail"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/status/", views.set_status, name="status"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/vote-on-behalf/", views.vote_on_behalf, name="vote-on-behalf"),
]
