"""Portal URLs of the forum, mounted at /forum/ (namespace "forum": they answer 404 while the
module is switched off)."""

from django.urls import path

from modules.forum import views

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.topic_new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("report/", views.report, name="report"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/act/", views.moderation_act, name="moderation-act"),
    path("c/<str:slug>/", views.category, name="category"),
    path("c/<str:slug>/subscribe/", views.category_subscribe, name="category-subscribe"),
    path("t/<int:topic_id>/", views.topic_detail, name="topic"),
    path("t/<int:topic_id>-<str:slug>/", views.topic_detail, name="topic-slug"),
    path("t/<int:topic_id>/reply/", views.reply_create, name="reply"),
    path("t/<int:topic_id>/edit/", views.topic_edit, name="topic-edit"),
    path("t/<int:topic_id>/vote/", views.topic_vote, name="vote"),
    path("t/<int:topic_id>/subscribe/", views.topic_subscribe, name="subscribe"),
    path("t/<int:topic_id>/moderate/", views.topic_moderate, name="moderate"),
    path("r/<int:reply_id>/edit/", views.reply_edit, name="reply-edit"),
    path("r/<int:reply_id>/vote/", views.reply_vote, name="reply-vote"),
    path("r/<int:reply_id>/accept/", views.reply_accept, name="accept"),
]
