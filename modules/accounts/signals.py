"""Staff membership follows the staff groups: whoever joins Administrators, Agents or
Community moderators (in the Wagtail admin's user editor, say) is staff for the portal's badges
and rules, and stops being staff on leaving the last of them, also when memberships are cleared
or a role group is deleted. `is_staff` is the flag `selectors.is_staff_member` reads, so listing
posts needs no group query per author.

Only changes that involve one of those groups count, and only in a portal's schema (the
platform's operators keep their own meaning of `is_staff`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver

from modules.accounts import services

User = get_user_model()


def _sync(user_ids) -> None:
    for user in User.objects.filter(pk__in=list(user_ids)):
        services.staff_flag_sync(user=user)


def _in_portal() -> bool:
    return getattr(connection, "schema_name", "public") != "public"


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts-staff-groups")
def staff_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not _in_portal():
        return
    roles = set(services.ROLE_PERMISSIONS)
    if action == "pre_clear":
        # who the clear touches must be read before the rows go
        if reverse:
            affected = list(instance.user_set.values_list("pk", flat=True))
            instance._staff_cleared = affected if instance.name in roles else []
        else:
            in_role = instance.groups.filter(name__in=roles).exists()
            instance._staff_cleared = [instance.pk] if in_role else []
        return
    if action == "post_clear":
        _sync(getattr(instance, "_staff_cleared", []))
        return
    if action not in {"post_add", "post_remove"} or not pk_set:
        return
    if reverse:  # group.user_set.add(...): one group, several users
        if instance.name in roles:
            _sync(pk_set)
    elif Group.objects.filter(pk__in=pk_set, name__in=roles).exists():  # user.groups.add(...)
        _sync([instance.pk])


@receiver(pre_delete, sender=Group, dispatch_uid="accounts-staff-group-deleted")
def staff_group_deleted(sender, instance, **kwargs):
    """A role group deleted takes its members' staff status with it (unless another role
    keeps it)."""
    if _in_portal() and instance.name in services.ROLE_PERMISSIONS:
        members = list(instance.user_set.values_list("pk", flat=True))
        transaction.on_commit(lambda: _sync(members))
