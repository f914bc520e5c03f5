"""Plan names for display. Plans are rows (billing.models.Plan); a key with no row (the trial's
`trial`, or a plan retired since) is shown by a fixed label or by its key."""

from __future__ import annotations

import time

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

# Keys a tenant can carry without a Plan row.
KEYS_WITHOUT_ROW = {"trial": _("Trial")}

# Lists (the console's tenant table) ask for one label per row: the names are read once and kept
# briefly, so a page costs one query. Saving or deleting a plan here forgets them at once.
_LABELS_SECONDS = 30.0
_labels: dict[str, str] = {}
_labels_read_at = float("-inf")


def _plan_names() -> dict[str, str]:
    global _labels, _labels_read_at
    if time.monotonic() - _labels_read_at > _LABELS_SECONDS:
        from billing.models import Plan

        _labels = dict(Plan.objects.values_list("key", "name"))
        _labels_read_at = time.monotonic()
    return _labels


def forget_plan_names(**_kwargs) -> None:
    global _labels_read_at
    _labels_read_at = float("-inf")


def plan_label(key: str) -> str:
    names = _plan_names()
    if key in names:
        return names[key]
    return str(KEYS_WITHOUT_ROW.get(key, key))


def connect_signals() -> None:
    post_save.connect(forget_plan_names, sender="billing.Plan", dispatch_uid="plan_names.save")
    post_delete.connect(forget_plan_names, sender="billing.Plan", dispatch_uid="plan_names.del")
