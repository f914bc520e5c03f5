"""Portal URLs of the video module, mounted at /video-files/ (namespace "video", so they answer
404 while the module is switched off)."""

from django.urls import path

from modules.video import views

urlpatterns = [
    path("<int:page_id>/", views.video_file, name="file"),
]
