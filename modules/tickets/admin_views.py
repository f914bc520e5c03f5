"""The agents' ticket workspace in the Wagtail admin (being built: see the tickets issue)."""

from django.http import Http404


def ticket(request, number):
    raise Http404
