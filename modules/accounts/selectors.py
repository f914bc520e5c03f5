"""Reads about customers that every module may use (modules import these, never the models)."""

from __future__ import annotations

import logging

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from modules import registry

log = logging.getLogger(__name__)


def display_name(user) -> str:
    """The name shown beside a person's posts: their profile's display name, else their full
    name, else the part of their email before the @ (never the whole address); "Deleted user"
    for a post whose author deleted their account (no user, or a scrubbed one)."""
    if user is None:
        return _("Deleted user")
    profile = getattr(user, "customer_profile", None)
    if getattr(profile, "deleted_at", None) is not None:
        return _("Deleted user")
    name = getattr(profile, "display_name", "") if profile is not None else ""
    if name:
        return name
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    if full:
        return full
    email = getattr(user, "email", "") or getattr(user, "username", "")
    return email.split("@", 1)[0]


def login_url(next_path: str = "") -> str:
    """The customer sign-in page (not the admin's), coming back to `next_path` afterwards."""
    from django.urls import reverse
    from django.utils.http import urlencode

    url = reverse("accounts:login")
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def is_staff_member(user) -> bool:
    """Staff of the portal (admins, agents, moderators): they get a staff badge on their posts."""
    return bool(user is not None and user.is_authenticated and (user.is_staff or user.is_superuser))


def customers():
    """The customers a tenant admin manages: profiles of people who are neither staff nor
    superusers (anyone who signs in gets a profile, the portal's owner too) and not deleted.
    Every customers admin view looks objects up here, so an agent cannot reach a colleague's
    or the owner's account by its id."""
    from modules.accounts.models import CustomerProfile

    return CustomerProfile.objects.filter(
        deleted_at__isnull=True, user__is_staff=False, user__is_superuser=False
    ).select_related("user", "organization")


def notification_preferences(user) -> dict[str, bool]:
    """kind → whether `user` gets emails of that kind (account messages always), one query:
    what the profile page and the API show."""
    from modules.accounts.notifications import preferences_of

    return preferences_of(user)


def user_by_email(email: str, **filters):
    """The account of `email`: the one whose username is the address (customer accounts'
    rule), else one whose email matches case-insensitively (staff made another way); None."""
    from django.contrib.auth import get_user_model

    email = (email or "").strip().lower()
    if not email:
        return None
    users = get_user_model().objects.filter(**filters)
    return users.filter(username=email).first() or users.filter(email__iexact=email).first()


def user_pending_verification(user_id):
    """The active account `user_id` whose address is not confirmed yet, or None."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            pk=user_id, is_active=True, customer_profile__email_verified_at__isnull=True
        )
        .select_related("customer_profile")
        .first()
    )


def organizations_with_member_count():
    """Organizations with `members_total` (their customers, deleted ones not counted), counted
    in the same query."""
    from django.db.models import Count, Q

    from modules.accounts.models import Organization

    return Organization.objects.annotate(
        members_total=Count("members", filter=Q(members__deleted_at__isnull=True))
    )


def profile_of(user):
    """The customer's profile, or None (anonymous visitors, accounts made before profiles)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "customer_profile", None)


def is_verified(user) -> bool:
    profile = profile_of(user)
    return bool(profile is not None and profile.email_verified_at is not None)


def can_participate(user) -> bool:
    """Whether `user` may post, reply, vote or comment: signed in, active, and with a verified
    email address (staff need no verification). Unverified customers may sign in and read."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_staff_member(user) or is_verified(user)


def organization_of(user):
    profile = profile_of(user)
    return profile.organization if profile is not None and profile.organization_id else None


def organization_peer_ids(user) -> set[int]:
    """Ids of the users whose organization-visible content `user` may see: their own, plus
    every member of their organization when they are allowed to see it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    profile = profile_of(user)
    if profile is None or not profile.organization_id or not profile.can_see_organization:
        return {user.pk}
    from modules.accounts.models import CustomerProfile

    peers = CustomerProfile.objects.filter(organization_id=profile.organization_id)
    return {user.pk, *peers.values_list("user_id", flat=True)}


def account_activity(*, user, request=None) -> list[dict]:
    """ "My activity": the sections every switched-on module gives through its
    `account_activity` hook, each `{"title", "items": [{"title", "url", "when", "meta"}]}`."""
    enabled = registry.enabled_keys(request)
    sections: list[dict] = []
    for spec in registry.all_modules():
        path = spec.extra.get("account_activity")
        if not path or spec.key not in enabled:
            continue
        try:
            given = import_string(path)(user=user) or []
        except Exception:  # one module's failure must not take the whole page down
            log.exception("account_activity hook of %s failed", spec.key)
            continue
        sections.extend({**section, "module": spec.key} for section in given)
    return sections
