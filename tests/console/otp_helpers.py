"""Helpers for tests of the console's two-step sign-in: real TOTP codes computed with
django-otp's own arithmetic (django_otp.oath), and a verified session for tests about what the
console shows rather than how one signs in."""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP


def code_at(key: bytes, *, steps: int = 0, step: int = 30) -> str:
    """The 6-digit code for `key` `steps` time steps from now (negative: in the past)."""
    totp = TOTP(key, step=step)
    totp.time = time.time() + steps * step
    return f"{totp.token():06d}"


def key_from_text(text_key: str) -> bytes:
    """The binary secret from the key as the enrolment page shows it ("ABCD EFGH ...")."""
    key = text_key.replace(" ", "").upper()
    return b32decode(key + "=" * (-len(key) % 8))


def enrolled_device(user):
    """A confirmed authenticator for `user`, as after enrolment."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def verified_login(client, user):
    """Sign `user` in on the platform host as if both steps had passed."""
    from tenants.otp import confirmed_totp_device

    device = confirmed_totp_device(user=user) or enrolled_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
