"""API key lifecycle."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from api.models import ApiKey


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, user, name: str) -> tuple[ApiKey, str]:
    """Create a key; returns it and the full token `<prefix>.<secret>` (shown to the user once)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user, name=name.strip()[:100], prefix=prefix, digest=_digest(secret)
    )
    return key, f"{prefix}.{secret}"


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(token: str) -> ApiKey | None:
    prefix, _sep, secret = (token or "").partition(".")
    if not prefix or not secret:
        return None
    key = ApiKey.objects.active().select_related("user").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.digest, _digest(secret)):
        return None
    if not key.user.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
