"""Plan limits, as platform code sees them without knowing where they come from.

Billing registers its checks here when it starts (billing.apps); the doors (the module switches,
and later seats and uploads) ask here. With nothing registered (a platform without billing),
everything is allowed. Kept apart so that code the modules import (cms) never imports billing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# (tenant, module keys) → the keys the tenant's plan does not include
_module_check: Callable[[object, Iterable[str]], list[str]] | None = None


# tenant → whether its plan includes the API (integrations with API keys)
_api_check: Callable[[object], bool] | None = None
# (tenant, bytes about to be stored) → None, or (quota MB, used MB) when they do not fit
_storage_check: Callable[[object, int], tuple[int, float] | None] | None = None


def register_module_check(check: Callable[[object, Iterable[str]], list[str]]) -> None:
    global _module_check
    _module_check = check


def register_api_check(check: Callable[[object], bool]) -> None:
    global _api_check
    _api_check = check


def register_storage_check(check: Callable[[object, int], tuple[int, float] | None]) -> None:
    global _storage_check
    _storage_check = check


def storage_refusal(size: int) -> tuple[int, float] | None:
    """For the tenant whose schema is active: None when `size` more bytes fit in its plan's
    storage, else (quota in MB, MB used)."""
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if _storage_check is None or tenant is None or connection.schema_name == "public":
        return None
    return _storage_check(tenant, int(size or 0))


def storage_admin_message(refusal: tuple[int, float]) -> str:
    """What an admin reads when an upload does not fit (with where to upgrade)."""
    from django.utils.translation import gettext as _

    quota, used = refusal
    return _(
        "This file does not fit in your plan's storage (%(quota)s MB, %(used)s MB used). "
        "Upgrade your plan under Settings → Billing, or delete files you no longer need."
    ) % {"quota": quota, "used": used}


def api_allowed(tenant) -> bool:
    """Whether API keys work on this tenant (the portal's own pages never need them)."""
    if _api_check is None or tenant is None or getattr(tenant, "schema_name", "") == "public":
        return True
    return _api_check(tenant)


def modules_not_in_plan(tenant, keys: Iterable[str]) -> list[str]:
    if _module_check is None or tenant is None:
        return []
    return _module_check(tenant, list(keys))


def upgrade_url() -> str:
    """Where an admin goes to upgrade (the billing page of their admin)."""
    return "/admin/billing/"
