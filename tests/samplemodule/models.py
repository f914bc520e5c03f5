from django.db import models
from wagtail.models import Page
from wagtail.search import index

from cms.pages import ModulePageMixin


class SamplePage(ModulePageMixin, Page):
    """A page type owned by the sample module."""

    body = models.TextField(blank=True)
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]


class Note(models.Model):
    text = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.text


class TaskRun(models.Model):
    """Written by the sample module's task, to prove it ran in the tenant's own schema."""

    at = models.DateTimeField(auto_now_add=True)
    label = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.label
