"""Portal pages of tickets (being built: see the tickets issue)."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


my_tickets = new = suggest = suggestion_opened = detail = reply = close = reopen = rate = cc = (
    attachment
) = guest = guest_action = guest_attachment = _missing
