"""Writes for the operator console's own accounts (public schema auth tables) and their
two-factor devices."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name, schema_context

from tenants import otp
from tenants.selectors import OPERATORS_GROUP
from tenants.services import audit


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


# Audit actions of operators' two-factor sign-in (the console's audit log can filter on them).
AUDIT_2FA_ENROLLED = "operator.2fa.enrolled"
AUDIT_2FA_SIGNED_IN = "operator.2fa.signed_in"
AUDIT_2FA_FAILED = "operator.2fa.failed"
AUDIT_2FA_BACKUP_USED = "operator.2fa.backup_code_used"
AUDIT_2FA_RESET = "operator.2fa.reset"


def _actor(user) -> str:
    return user.email or user.get_username()


@dataclass(frozen=True)
class EnrolResult:
    backup_codes: list[str] | None
    throttled: bool = False


def operator_2fa_confirm(*, user, code: str, ip: str | None) -> EnrolResult:
    """Confirm `user`'s pending authenticator with a current `code`: the device becomes the
    one sign-ins check, ten backup codes are made (returned once, stored hashed) and the
    enrolment is audited. `backup_codes` is None when the code is wrong or came too soon after
    a wrong one (`throttled`); the device then stays pending."""
    device = otp.pending_totp_device(user=user)
    verified, throttled = otp.totp_verify(device=device, code=code)
    if not verified:
        return EnrolResult(backup_codes=None, throttled=throttled)
    with schema_context(get_public_schema_name()), transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other pending or old device goes: one authenticator per operator.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = otp.backup_codes_replace(user=user)
        audit(actor=_actor(user), action=AUDIT_2FA_ENROLLED, ip=ip)
    return EnrolResult(backup_codes=codes)


@dataclass(frozen=True)
class SecondFactorResult:
    device: object | None
    throttled: bool = False


def operator_2fa_verify(*, user, code: str, ip: str | None) -> SecondFactorResult:
    """Check a sign-in's 6-digit code; audits the success or the failure."""
    device = otp.confirmed_totp_device(user=user)
    if device is None:
        return SecondFactorResult(device=None)
    verified, throttled = otp.totp_verify(device=device, code=code)
    if throttled:
        return SecondFactorResult(device=None, throttled=True)
    if verified:
        audit(actor=_actor(user), action=AUDIT_2FA_SIGNED_IN, ip=ip, method="totp")
        return SecondFactorResult(device=device)
    audit(actor=_actor(user), action=AUDIT_2FA_FAILED, ip=ip, method="totp")
    return SecondFactorResult(device=None)


def operator_2fa_verify_backup(*, user, code: str, ip: str | None) -> SecondFactorResult:
    """Use up one backup code for a sign-in; audits the use (with the codes left) or failure."""
    device = otp.backup_code_consume(user=user, code=code)
    if device is None:
        audit(actor=_actor(user), action=AUDIT_2FA_FAILED, ip=ip, method="backup_code")
        return SecondFactorResult(device=None)
    left = otp.backup_codes_left(user=user)
    audit(actor=_actor(user), action=AUDIT_2FA_BACKUP_USED, ip=ip, codes_left=left)
    audit(actor=_actor(user), action=AUDIT_2FA_SIGNED_IN, ip=ip, method="backup_code")
    return SecondFactorResult(device=device)


def operator_2fa_reset(*, email: str, actor: str) -> int:
    """Remove the authenticator and backup codes of operator `email` (who then enrols again at
    the next sign-in; sessions verified with the old devices stop being verified). Returns how
    many devices were removed; raises User.DoesNotExist for an unknown operator."""
    User = get_user_model()
    with schema_context(get_public_schema_name()), transaction.atomic():
        user = User.objects.get(username=email.strip().lower())
        totp_count, _ = TOTPDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.filter(user=user)
        static_count = static.count()
        StaticToken.objects.filter(device__in=static).delete()
        static.delete()
        audit(
            actor=actor,
            action=AUDIT_2FA_RESET,
            operator=_actor(user),
            devices_removed=totp_count + static_count,
        )
    return totp_count + static_count
