"""Writes about customer accounts: sign-up, verification, sign-in, password reset, profile,
avatar, organizations, data export and account deletion.

Every function is keyword-only. Errors a customer can fix are `ValidationError`s keyed by form
field; the views show them next to the field, the API as problem+json.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import time
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cms.ratelimit import client_ip, require
from modules import registry
from modules.accounts import ratelimit
from modules.accounts.models import (
    AccountSettings,
    CustomerProfile,
    NotificationKind,
    NotificationSetting,
    Organization,
    OutboxEmail,
)
from modules.accounts.notifications import notify
from modules.accounts.selectors import is_staff_member, user_by_email

log = logging.getLogger(__name__)
User = get_user_model()

VERIFY_SALT = "modules.accounts.verify-email"
VERIFY_MAX_AGE = 7 * 24 * 3600
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000
AVATAR_SIZE = 512
AVATAR_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


class SignupClosed(Exception):
    """This portal does not let customers sign up themselves."""


class LoginRefused(Exception):
    """Wrong address or password, an inactive account, or too many attempts (one answer for all,
    so the form never tells which)."""


class EmailNotVerified(Exception):
    """The address and password are right, but the address is not confirmed yet: no session
    is started (pages for signed-in people would otherwise open to anyone who signs up with
    an address they do not own). Raised only after the right password, so it tells nothing
    to someone who does not know it."""

    def __init__(self, user):
        super().__init__(user.pk)
        self.user = user


def _schema() -> str:
    return getattr(connection, "schema_name", "public")


class _PortalTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens, bound to the tenant's schema as well: user ids repeat across
    portals, so a token made for user 5 of one portal is worthless for user 5 of another."""

    key_salt = "modules.accounts.password-reset"

    def _make_hash_value(self, user, timestamp):
        return f"{_schema()}:{super()._make_hash_value(user, timestamp)}"


reset_tokens = _PortalTokenGenerator()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def email_domain(email: str) -> str:
    return normalise_email(email).rsplit("@", 1)[-1]


def normalise_domains(domains) -> list[str]:
    if isinstance(domains, str):
        domains = domains.replace("\n", ",").split(",")
    cleaned = []
    for domain in domains or []:
        domain = str(domain).strip().lower().lstrip("@")
        if domain and domain not in cleaned:
            cleaned.append(domain)
    return cleaned


def profile_get_or_create(*, user) -> CustomerProfile:
    """The user's profile: the one loaded with them (select_related, or an earlier call), else
    read or made now, and kept on the user for the next caller."""
    try:
        return user.customer_profile
    except CustomerProfile.DoesNotExist:
        profile, _created = CustomerProfile.objects.get_or_create(user=user)
        user.customer_profile = profile
        return profile


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


# --- sign-up and verification -------------------------------------------------------------


def customer_signup(
    *, email: str, password: str, base_url: str, display_name: str = "", language: str = ""
):
    """Create a customer account and send the verification email; returns the new user.

    When the address already has an account, nothing is created, the owner of the address is
    told that someone tried to sign up with it, and None is returned: the caller shows the same
    page either way, and both paths hash a password, so neither the page nor its timing tells
    whether the address is known.
    """
    if not AccountSettings.load().self_signup:
        raise SignupClosed
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    allowed = normalise_domains(AccountSettings.load().signup_domains)
    if allowed and email_domain(email) not in allowed:
        raise ValidationError(
            {"email": _("Sign-up is limited to addresses at: %s.") % ", ".join(allowed)}
        )
    try:
        validate_password(password, user=User(username=email, email=email))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    hashed = make_password(password)

    existing = user_by_email(email)
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create(username=email, email=email, password=hashed)
                profile = CustomerProfile.objects.create(
                    user=user, display_name=(display_name or "").strip()[:80], language=language
                )
                user.customer_profile = profile
                verification_send(user=user, base_url=base_url)
            return user
        except IntegrityError:  # the same address signed up a moment ago
            existing = User.objects.filter(username=email).first()
    if existing is not None and existing.is_active:
        hour = int(time.time() // 3600)
        notify(
            recipient=existing,
            kind=NotificationKind.ACCOUNT,
            subject=_("Someone tried to sign up with your address"),
            template="accounts/email/signup_exists",
            context={
                "login_url": _absolute(base_url, reverse("accounts:login")),
                "reset_url": _absolute(base_url, reverse("accounts:password-reset")),
            },
            dedupe_key=f"accounts:signup-exists:{existing.pk}:{hour}",
        )
    return None


def verification_token(*, user) -> str:
    return signing.dumps(
        {"u": user.pk, "e": normalise_email(user.email), "s": _schema()},
        salt=VERIFY_SALT,
    )


def verification_send(*, user, base_url: str) -> OutboxEmail | None:
    """Email the customer a link that verifies their address (at most one a minute)."""
    link = _absolute(base_url, reverse("accounts:verify", args=[verification_token(user=user)]))
    minute = int(time.time() // 60)
    return notify(
        recipient=user,
        kind=NotificationKind.ACCOUNT,
        subject=_("Confirm your email address"),
        template="accounts/email/verify",
        context={"link": link},
        dedupe_key=f"accounts:verify:{user.pk}:{minute}",
    )


def customer_verify_email(*, token: str, request=None):
    """Mark the address in `token` verified; returns the user. A token is bound to this portal,
    the account and its current address; an old, forged or foreign one raises ValidationError.

    With `request`, the link also signs the customer in (unverified customers get no session
    at sign-in), but only the first time it confirms the address and when nobody else is
    signed in on that browser: an old link from a mailbox is not a standing sign-in link."""
    invalid = ValidationError(_("This link is invalid or has expired."), code="invalid")
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        raise invalid from None
    if (
        not isinstance(data, dict)
        or data.get("s") != _schema()
        or not isinstance(data.get("u"), int)
    ):
        raise invalid
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or normalise_email(user.email) != data.get("e"):
        raise invalid
    profile = profile_get_or_create(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
        organization_assign_by_domain(user=user)
        _run_hooks("account_verified", user=user)
        if request is not None and not request.user.is_authenticated:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return user


# --- sign-in and password reset -------------------------------------------------------------


def customer_login(*, request, email: str, password: str):
    """Check the address and password and sign the customer in on this request.

    Failures are counted per account and per client IP (modules.accounts.ratelimit); past the
    limit the sign-in is refused even with the right password until the window ends. Every
    refusal is the same LoginRefused. A customer whose address is not confirmed gets no session:
    EmailNotVerified, after the right password only (staff need no confirmation).
    """
    email = normalise_email(email)
    ip = client_ip(request)
    locked = ratelimit.is_locked(email=email, ip=ip)
    # authenticate() hashes the password even for an unknown address (Django runs the hasher
    # once for a missing user), so the answer takes about as long either way
    user = authenticate(request, username=email, password=password)
    if locked or user is None:
        if not locked:
            ratelimit.record_failure(email=email, ip=ip)
        raise LoginRefused
    ratelimit.clear_account(email=email)
    profile = profile_get_or_create(user=user)
    if profile.email_verified_at is None and not is_staff_member(user):
        raise EmailNotVerified(user)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def password_reset_request(*, email: str, base_url: str) -> None:
    """Ask for a reset link to be emailed to `email`. The request does the same thing for
    every address: it queues `accounts.password_reset_send` after commit and returns, so
    neither the page nor its timing says whether the address has an account (the lookup and
    the email happen in the worker)."""
    from modules.accounts.tasks import password_reset_send_task

    email = normalise_email(email)
    if not email:
        return

    def queue() -> None:
        try:
            password_reset_send_task.delay(email, base_url)
        except Exception:  # the broker is down: the customer asks again, as for a lost mail
            log.warning("password reset request not queued")

    transaction.on_commit(queue)


def password_reset_send(*, email: str, base_url: str) -> OutboxEmail | None:
    """Email a reset link when `email` belongs to an active account (an invited customer
    without a password yet may ask, too); otherwise nothing. Runs in the worker."""
    user = user_by_email(email, is_active=True)
    if user is None:
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = reset_tokens.make_token(user)
    link = _absolute(base_url, reverse("accounts:password-reset-confirm", args=[uid, token]))
    return notify(
        recipient=user,
        kind=NotificationKind.ACCOUNT,
        subject=_("Reset your password"),
        template="accounts/email/password_reset",
        context={"link": link},
        # one mail per ten minutes at most: the link stays good, and nobody can flood a mailbox
        dedupe_key=f"accounts:reset:{user.pk}:{int(time.time() // 600)}",
    )


def password_reset_user(*, uidb64: str, token: str):
    """The user a reset link is for, or None when the link is invalid, used or expired."""
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = User.objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or not reset_tokens.check_token(user, token):
        return None
    return user


def password_reset_confirm(*, uidb64: str, token: str, password: str):
    """Set a new password through a reset link; the link stops working, the address counts as
    verified (the customer opened a mail sent to it), and other sessions end."""
    user = password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        raise ValidationError(_("This link is invalid or has expired."), code="invalid")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = profile_get_or_create(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
        organization_assign_by_domain(user=user)
    ratelimit.clear_account(email=user.get_username())
    # other sessions end by themselves: each carries a hash of the old password
    return user


# --- profile -------------------------------------------------------------------------------------


def profile_update(
    *, user, display_name: str, language: str, notifications: dict[str, bool] | None = None
) -> CustomerProfile:
    """Change what others see (display name) and how the customer is written to (language,
    email per notification kind; account messages cannot be switched off)."""
    profile = profile_get_or_create(user=user)
    profile.display_name = (display_name or "").strip()[:80]
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose a language from the list.")})
    profile.language = language or ""
    profile.save(update_fields=["display_name", "language"])
    for kind, wanted in (notifications or {}).items():
        if kind not in NotificationKind.values or kind == NotificationKind.ACCOUNT:
            continue
        NotificationSetting.objects.update_or_create(
            user=user, kind=kind, defaults={"email": bool(wanted)}
        )
    return profile


def _clean_image(data: bytes) -> tuple[bytes, str]:
    """Open, check and re-encode an uploaded image: a new PNG (transparency) or JPEG, at most
    AVATAR_SIZE pixels wide and high, with no metadata or text chunks of the original."""
    refused = ValidationError(
        {"avatar": _("Upload a PNG, JPEG, GIF or WebP image of at most 5 MB.")}, code="invalid"
    )
    if not data or len(data) > AVATAR_MAX_BYTES:
        raise refused
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in AVATAR_FORMATS:
                raise refused
            if probe.width * probe.height > AVATAR_MAX_PIXELS:
                raise refused
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image)
            has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
            pixels = upright.convert("RGBA" if has_alpha else "RGB")
            pixels.thumbnail((AVATAR_SIZE, AVATAR_SIZE))
            # a fresh image from the pixels alone: nothing of the original file's chunks survives
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    clean.save(out, format="JPEG", quality=88)
    return out.getvalue(), "jpg"


def avatar_set(*, user, upload) -> CustomerProfile:
    """Replace the customer's avatar with a re-encoded copy of `upload` (a file object)."""
    data = upload.read(AVATAR_MAX_BYTES + 1)
    content, extension = _clean_image(data)
    profile = profile_get_or_create(user=user)
    old = profile.avatar.name if profile.avatar else ""
    profile.avatar.save(f"avatar.{extension}", ContentFile(content), save=True)
    if old:
        profile.avatar.storage.delete(old)
    return profile


def avatar_clear(*, user) -> None:
    profile = profile_get_or_create(user=user)
    if profile.avatar:
        profile.avatar.delete(save=True)


# --- organizations ----------------------------------------------------------------------------


def organization_create(*, name: str, email_domains=()) -> Organization:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the organization a name.")})
    if Organization.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("An organization with this name exists.")})
    organization = Organization.objects.create(
        name=name, email_domains=normalise_domains(email_domains)
    )
    organization_adopt_by_domain(organization=organization)
    return organization


def organization_adopt_by_domain(*, organization: Organization) -> int:
    """Bring in the verified customers without an organization whose address is at one of
    its email domains (after the organization is created or its domains change). Returns
    how many joined."""
    domains = normalise_domains(organization.email_domains)
    if not domains:
        return 0
    matches = Q()
    for domain in domains:
        matches |= Q(user__email__iendswith=f"@{domain}")
    return CustomerProfile.objects.filter(
        matches,
        organization__isnull=True,
        email_verified_at__isnull=False,
        deleted_at__isnull=True,
    ).update(organization=organization)


def organization_assign_by_domain(*, user) -> Organization | None:
    """Put a customer without an organization into the one whose email domains include their
    address's domain (called when the address is verified). Returns the organization."""
    profile = profile_get_or_create(user=user)
    if profile.organization_id is not None:
        return profile.organization
    domain = email_domain(user.email)
    if not domain:
        return None
    organization = (
        Organization.objects.filter(email_domains__contains=[domain]).order_by("pk").first()
    )
    if organization is not None:
        profile.organization = organization
        profile.save(update_fields=["organization"])
    return organization


def customer_invite(
    *,
    email: str,
    base_url: str,
    organization: Organization | None = None,
    can_see_organization: bool = False,
):
    """A tenant admin creates a customer account (also when self sign-up is off) and the
    customer gets an email with a link to choose their password; choosing it confirms the
    address. Returns the new user."""
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if user_by_email(email) is not None:
        raise ValidationError({"email": _("This address already has an account.")})
    user = User(username=email, email=email)
    user.set_unusable_password()
    user.save()
    profile = CustomerProfile.objects.create(
        user=user,
        organization=organization,
        can_see_organization=bool(can_see_organization and organization is not None),
    )
    user.customer_profile = profile
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = _absolute(
        base_url,
        reverse("accounts:password-reset-confirm", args=[uid, reset_tokens.make_token(user)]),
    )
    notify(
        recipient=user,
        kind=NotificationKind.ACCOUNT,
        subject=_("You have an account on our help centre"),
        template="accounts/email/invite",
        context={"link": link, "login_url": _absolute(base_url, reverse("accounts:login"))},
        dedupe_key=f"accounts:invite:{user.pk}",
    )
    return user


def _refuse_staff(user) -> None:
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(_("This account belongs to staff, not to a customer."))


def customer_admin_update(
    *, profile: CustomerProfile, organization, can_see_organization: bool, is_active: bool
) -> CustomerProfile:
    """What a tenant admin changes about a customer: organization, whether they see its
    content, and whether they may sign in (switching it off ends their sessions). Staff and
    superusers are not customers: their accounts are not changed here."""
    _refuse_staff(profile.user)
    profile.organization = organization
    profile.can_see_organization = bool(can_see_organization and organization is not None)
    profile.save(update_fields=["organization", "can_see_organization"])
    user = profile.user
    if user.is_active != is_active:
        user.is_active = is_active
        # an inactive user's sessions stop signing them in (ModelBackend.get_user refuses them)
        user.save(update_fields=["is_active"])
    return profile


# --- staff roles ------------------------------------------------------------------------------

# The portal's staff roles (group names); modules give them rights of their own through these.
ADMINISTRATORS = "Administrators"
AGENTS = "Agents"
# Agents who see tickets and write internal notes but do not answer customers (tickets module)
LIGHT_AGENTS = "Light agents"
COMMUNITY_MODERATORS = "Community moderators"
ROLE_PERMISSIONS = {
    ADMINISTRATORS: [
        "wagtailadmin.access_admin",
        "accounts.view_customerprofile",
        "accounts.add_customerprofile",
        "accounts.change_customerprofile",
        "accounts.delete_customerprofile",
        "accounts.add_organization",
        "accounts.change_organization",
        "accounts.delete_organization",
        "accounts.view_organization",
        "accounts.change_accountsettings",
    ],
    AGENTS: [
        "wagtailadmin.access_admin",
        "accounts.view_customerprofile",
        "accounts.change_customerprofile",
        "accounts.view_organization",
    ],
    LIGHT_AGENTS: [
        "wagtailadmin.access_admin",
        "accounts.view_customerprofile",
    ],
    # Not Wagtail's own "Moderators" group: Wagtail's initial data lets that one add, edit and
    # publish every page, which a forum moderator must not do.
    COMMUNITY_MODERATORS: [
        "wagtailadmin.access_admin",
        "accounts.view_customerprofile",
    ],
}


def staff_roles_ensure() -> dict[str, Group]:
    """The staff groups of a portal with the accounts permissions each role needs (added to
    what the groups have). None of them is a Wagtail group with page rights: "Community
    moderators" moderate customers' posts, not the site's pages. Modules add their own rights
    to these groups (e.g. the forum's per-category moderation through django-guardian)."""
    groups = {}
    for name, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
        groups[name] = group
    return groups


def staff_flag_sync(*, user) -> None:
    """Make `user.is_staff` say whether they hold a staff role (or are a superuser)."""
    is_staff = user.is_superuser or user.groups.filter(name__in=ROLE_PERMISSIONS).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        User.objects.filter(pk=user.pk).update(is_staff=is_staff)


def accounts_furnish(*, home) -> None:
    """A new portal's staff roles (Administrators, Agents, Community moderators)."""
    staff_roles_ensure()


# --- privacy: export and delete ----------------------------------------------------------


def _hook(spec, name: str):
    path = spec.extra.get(name)
    return import_string(path) if path else None


def _run_hooks(name: str, **kwargs) -> None:
    """Call every module's `extra[name]` hook (switched on or not), e.g. "account_verified":
    tickets a guest sent from this address become the new account's."""
    from modules import registry

    for spec in registry.all_modules():
        hook = _hook(spec, name)
        if hook is not None:
            hook(**kwargs)


def customer_export_data(*, user) -> dict:
    """Everything the portal holds about `user`: the account, and each module's data through
    its `export_user_data` hook (every module, switched on or not: the data exists either way)."""
    profile = profile_get_or_create(user=user)
    modules: dict[str, Any] = {}
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": profile.display_name,
            "language": profile.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_verified_at": (
                profile.email_verified_at.isoformat() if profile.email_verified_at else None
            ),
            "organization": profile.organization.name if profile.organization else None,
            "avatar": str(profile.avatar.name).rsplit("/", 1)[-1] if profile.avatar else None,
            "notifications": {
                row.kind: row.email for row in NotificationSetting.objects.filter(user=user)
            },
        },
        "emails": [
            {
                "subject": row.subject,
                "kind": row.kind,
                "created_at": row.created_at.isoformat(),
                "status": row.status,
            }
            for row in OutboxEmail.objects.filter(recipient=user).order_by("created_at")
        ],
        "modules": modules,
    }
    for spec in registry.all_modules():
        hook = _hook(spec, "export_user_data")
        if hook is not None:
            modules[spec.key] = hook(user=user)
    return data


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes


def customer_export(*, user) -> Export:
    """A zip with data.json (customer_export_data) and the avatar file, if any. At most
    ratelimit.DATA_RATE per account (RateLimited beyond)."""
    require("accounts-data", str(user.pk), ratelimit.DATA_RATE)
    data = customer_export_data(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        profile = profile_get_or_create(user=user)
        if profile.avatar:
            try:
                with profile.avatar.open("rb") as handle:
                    name = str(profile.avatar.name).rsplit("/", 1)[-1]
                    archive.writestr(f"avatar/{name}", handle.read())
            except OSError:
                log.warning("avatar of user %s is missing from storage", user.pk)
    stamp = timezone.now().strftime("%Y%m%d")
    return Export(filename=f"my-data-{stamp}.zip", content=buffer.getvalue())


def customer_delete(*, user, password: str) -> None:
    """Delete the customer's account, after checking their password.

    Each module's `anonymise_user` hook runs first (posts stay in their threads, shown as
    "Deleted user"; votes stay counted; subscriptions go). Then the account is scrubbed: the
    address and name are replaced, the profile and preferences wiped, the avatar deleted, the
    password made unusable, the account deactivated and every session of it ended.
    """
    require("accounts-data", str(user.pk), ratelimit.DATA_RATE)
    if not password or not user.check_password(password):
        raise ValidationError({"password": _("The password is not right.")})
    customer_anonymise(user=user)


@transaction.atomic
def customer_anonymise(*, user) -> None:
    """The deletion itself, without the password check (also used by tenant admins). Staff and
    superuser accounts are refused: an admin removes staff in the users admin."""
    from guardian.models import UserObjectPermission

    _refuse_staff(user)

    for spec in registry.all_modules():
        hook = _hook(spec, "anonymise_user")
        if hook is not None:
            hook(user=user)
    profile = profile_get_or_create(user=user)
    if profile.avatar:
        profile.avatar.delete(save=False)
    profile.display_name = ""
    profile.language = ""
    profile.organization = None
    profile.can_see_organization = False
    profile.email_verified_at = None
    profile.deleted_at = timezone.now()
    profile.save()
    NotificationSetting.objects.filter(user=user).delete()
    OutboxEmail.objects.filter(recipient=user).delete()
    UserObjectPermission.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.username = f"deleted-{secrets.token_hex(8)}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()  # inactive, with a new password hash: every session of theirs is over
