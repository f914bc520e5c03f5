"""Which pages a request may see, for every list, link, search result and API row.

Wagtail's page privacy (PageViewRestriction: signed-in users, named groups, or a shared
password) already refuses to *serve* a restricted page. `visible_pages` makes lists agree with
it, so a hidden page is never even mentioned to someone who could not open it. Modules use it
for their own lists; the portal search uses it for every page type at once.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail.models import PageViewRestriction

_CACHE_ATTR = "_portal_hidden_paths"


def _restrictions_failed(request) -> tuple[str, ...]:
    """Tree paths of the restricted pages this request may not open (their descendants are
    restricted too). Worked out once per request: a page lists many pages."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = list(PageViewRestriction.objects.values_list("id", "restriction_type", "page__path"))
    hidden: list[str] = []
    if rows:
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated and user.is_active)
        superuser = signed_in and user.is_superuser
        session = getattr(request, "session", None)
        passwords_passed = set(
            session.get(PageViewRestriction.passed_view_restrictions_session_key, [])
            if session is not None
            else []
        )
        group_rows = [row for row in rows if row[1] == PageViewRestriction.GROUPS]
        allowed_groups: dict[int, set[int]] = {}
        user_groups: set[int] = set()
        if group_rows and signed_in and not superuser:
            through = PageViewRestriction.groups.through
            for restriction_id, group_id in through.objects.filter(
                pageviewrestriction_id__in=[row[0] for row in group_rows]
            ).values_list("pageviewrestriction_id", "group_id"):
                allowed_groups.setdefault(restriction_id, set()).add(group_id)
            user_groups = set(user.groups.values_list("id", flat=True))
        for restriction_id, kind, path in rows:
            if kind == PageViewRestriction.LOGIN:
                passed = signed_in
            elif kind == PageViewRestriction.GROUPS:
                passed = superuser or bool(
                    signed_in and allowed_groups.get(restriction_id, set()) & user_groups
                )
            elif kind == PageViewRestriction.PASSWORD:
                passed = restriction_id in passwords_passed
            else:
                passed = True
            if not passed:
                hidden.append(path)
    result = tuple(hidden)
    if request is not None:
        setattr(request, _CACHE_ATTR, result)
    return result


def visible_pages(queryset: QuerySet, request) -> QuerySet:
    """`queryset` (of pages) narrowed to the live pages `request` may open.

    Anonymous visitors see public pages only; a signed-in customer also sees pages restricted to
    signed-in users and to groups they belong to; a shared-password page shows once its password
    was entered in this session. `request` may be None (treated as an anonymous visitor).
    """
    queryset = queryset.live()
    condition = Q()
    for path in _restrictions_failed(request):
        condition &= ~Q(path__startswith=path)
    return queryset.filter(condition)


def can_view(page, request) -> bool:
    """Whether `request` may open `page` (same rule as visible_pages, for one page)."""
    return page.live and not any(page.path.startswith(p) for p in _restrictions_failed(request))
