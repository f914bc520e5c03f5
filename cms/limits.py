"""Plan limits, as platform code sees them without knowing where they come from.

Billing registers its checks here when it starts (billing.apps); the doors (the module switches,
the agent seats, uploads, the API, the footer's platform badge) ask here. With nothing
registered (a platform without billing), everything is allowed and the badge shows. Kept apart
so that code the modules import (cms) never imports billing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# (tenant, module keys) → the keys the tenant's plan does not include
_module_check: Callable[[object, Iterable[str]], list[str]] | None = None


# tenant → whether its plan includes the API (integrations with API keys)
_api_check: Callable[[object], bool] | None = None
# (tenant, bytes about to be stored) → None, or (quota MB, used MB) when they do not fit
_storage_check: Callable[[object, int], tuple[int, float] | None] | None = None
# (tenant, seats about to be taken) → None, or (seats in the plan, seats in use) when too many
_seat_check: Callable[[object, int], tuple[int, int] | None] | None = None
# tenant → whether its portal pages must show the platform's "Powered by" badge
_branding_check: Callable[[object], bool] | None = None


def register_module_check(check: Callable[[object, Iterable[str]], list[str]]) -> None:
    global _module_check
    _module_check = check


def register_api_check(check: Callable[[object], bool]) -> None:
    global _api_check
    _api_check = check


def register_storage_check(check: Callable[[object, int], tuple[int, float] | None]) -> None:
    global _storage_check
    _storage_check = check


def register_seat_check(check: Callable[[object, int], tuple[int, int] | None]) -> None:
    global _seat_check
    _seat_check = check


def register_branding_check(check: Callable[[object], bool]) -> None:
    global _branding_check
    _branding_check = check


def _current_tenant():
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return None
    return tenant


def seat_refusal(adding: int = 1) -> tuple[int, int] | None:
    """For the tenant whose schema is active: None when `adding` more people can become active
    staff (each takes an agent seat), else (seats in the plan, seats in use)."""
    tenant = _current_tenant()
    if _seat_check is None or tenant is None or adding <= 0:
        return None
    return _seat_check(tenant, int(adding))


def seat_admin_message(refusal: tuple[int, int]):
    """What an admin reads when a role would take a seat the plan does not have: the form error,
    with a link to the billing page."""
    from django.utils.html import format_html
    from django.utils.translation import ngettext

    seats, _used = refusal
    return format_html(
        ngettext(
            "Your plan includes {seats} agent seat and it is in use. "
            '<a href="{url}">Upgrade under Settings → Billing</a>, or remove someone\'s role.',
            "Your plan includes {seats} agent seats and all are in use. "
            '<a href="{url}">Upgrade under Settings → Billing</a>, or remove someone\'s role.',
            seats,
        ),
        seats=seats,
        url=upgrade_url(),
    )


def platform_badge_shown(tenant) -> bool:
    """Whether the tenant's portal pages carry the platform's "Powered by" badge (plans without
    `remove_branding`)."""
    if _branding_check is None or tenant is None or getattr(tenant, "schema_name", "") == "public":
        return True
    return _branding_check(tenant)


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
    """Where an admin goes to upgrade (the billing page of their admin, by its route name)."""
    from django.urls import reverse

    return reverse("billing_overview")
