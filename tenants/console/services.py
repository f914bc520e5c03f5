"""Writes for the operator console's own accounts (public schema auth tables)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.selectors import OPERATORS_GROUP


@dataclass(frozen=True)
class OperatorResult:
    user: object
    created: bool
    password_set: bool
    group_created: bool


def operators_group() -> tuple[Group, bool]:
    """The group that makes a staff user an operator, created the first time it is needed."""
    return Group.objects.get_or_create(name=OPERATORS_GROUP)


def operator_ensure(*, email: str, password: str | None = None) -> OperatorResult:
    """Create or update the public-schema operator `email`: active, staff, in the operators
    group; sets the password when one is given. Idempotent, so deploy scripts can run it on
    every release. Raises ValidationError for a password the validators refuse.

    The username is the email (lowercased) because the console signs in by email."""
    email = email.strip()
    username = email.lower()
    User = get_user_model()
    with schema_context(get_public_schema_name()), transaction.atomic():
        group, group_created = operators_group()
        existing = User.objects.filter(username=username).first()
        created = existing is None
        user = User(username=username, email=email) if existing is None else existing
        if password is not None:
            validate_password(password, user=user)
            user.set_password(password)
        elif created:
            # An operator with no password yet can only be given one later (or reset).
            user.set_unusable_password()
        user.email = email
        user.is_active = True
        user.is_staff = True
        user.save()
        user.groups.add(group)
    return OperatorResult(
        user=user, created=created, password_set=password is not None, group_created=group_created
    )
