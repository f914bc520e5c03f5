"""Staff membership follows the staff groups: whoever joins Administrators, Agents or
Community moderators (in the Wagtail admin's user editor, say) is staff for the portal's badges and
rules, and stops being staff on leaving the last of them. `is_staff` is the flag
`selectors.is_staff_member` reads, so listing posts needs no group query per author.

Only changes that involve one of those groups count, and only in a portal's schema (the
platform's operators keep their own meaning of `is_staff`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from modules.accounts import services

User = get_user_model()


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts-staff-groups")
def staff_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove"} or not pk_set:
        return
    if getattr(connection, "schema_name", "public") == "public":
        return
    roles = set(services.ROLE_PERMISSIONS)
    if reverse:  # group.user_set.add(...): one group, several users
        if instance.name not in roles:
            return
        users = list(User.objects.filter(pk__in=pk_set))
    else:  # user.groups.add(...): one user, several groups
        if not Group.objects.filter(pk__in=pk_set, name__in=roles).exists():
            return
        users = [instance]
    for user in users:
        services.staff_flag_sync(user=user)
