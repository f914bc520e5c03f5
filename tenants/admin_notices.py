"""Notices shown at the top of every page of a portal's admin: the trial's days left, a payment
that failed, a read-only portal, an operator's support access in progress.

Any app adds notices with a Wagtail hook, `admin_notices`: a function of the request returning
`AdminNotice`s (or nothing). `tenants/templates/wagtailadmin/base.html` shows them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from wagtail import hooks

log = logging.getLogger(__name__)

LEVELS = ("info", "warning", "critical")


@dataclass(frozen=True)
class AdminNotice:
    message: str
    level: str = "info"  # one of LEVELS
    link_url: str = ""
    link_label: str = ""
    # A form posting here ends the notice's cause (e.g. "End support access"): label and URL.
    action_url: str = ""
    action_label: str = ""


def notices_for(request) -> list[AdminNotice]:
    """Every hook's notices for this request, most severe first. A hook that fails is logged and
    skipped: a notice must never take the admin down."""
    found: list[AdminNotice] = []
    for fn in hooks.get_hooks("admin_notices"):
        try:
            found.extend(fn(request) or ())
        except Exception:  # a notice must never take the admin down
            log.exception("admin notice hook %r failed", fn)
    return sorted(found, key=lambda n: -LEVELS.index(n.level) if n.level in LEVELS else 0)
