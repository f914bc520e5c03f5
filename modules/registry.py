"""The module registry: the one place a portal module plugs itself in.

A module (`modules/<name>/module.py`, or any app, like the sample module the tests use) declares
one `ModuleSpec` and calls `register(spec)` from its AppConfig.ready(). Platform code (cms, api,
tenants) asks the registry what exists and whether it is switched on for the current tenant; it
never imports a module directly.

Switching a module off for a tenant is data (`ModuleSettings.switches` in the tenant's
schema), checked at run time: its URLs and API routes answer 404, its admin menu items are hidden,
its page types cannot be created or served, its content leaves search, and its scheduled tasks are
not fanned out to that tenant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise


@dataclass(frozen=True)
class ScheduledTask:
    """A periodic task run once per tenant that has the module switched on."""

    name: str  # Celery task name
    every_seconds: int


@dataclass(frozen=True)
class ModuleSpec:
    key: str  # also the URL namespace and the admin menu item prefix
    label: str | Promise
    description: str | Promise = ""
    icon: str = "folder-open-inverse"
    # "app_label.ModelName" of Wagtail page types that belong to the module
    page_types: tuple[str, ...] = ()
    # dotted path of a URLconf mounted at /<url_prefix>/ on portal hosts, namespaced by key
    urls: str | None = None
    url_prefix: str | None = None
    # (prefix, "dotted.path.ViewSet", basename) routes mounted under /api/v1/
    api_routes: tuple[tuple[str, str, str], ...] = ()
    # "app_label.ModelName" of models whose content is searchable (besides page types)
    search_models: tuple[str, ...] = ()
    # names of Wagtail admin menu items the module adds (hidden when it is off)
    admin_menu_items: tuple[str, ...] = ()
    # permission codenames ("app_label.codename") the module checks
    permissions: tuple[str, ...] = ()
    scheduled_tasks: tuple[ScheduledTask, ...] = ()
    # dotted path of `callable(*, home)` giving a new portal the module's starting pages (run
    # ahead of time, on spares and the template), and of one adding the demo's sample content
    furnish: str | None = None
    demo_content: str | None = None
    # dotted path of `callable(*, home, language)` translating the module's demo content into
    # `language` (a code of settings.LANGUAGES): `home` is the source home page, whose
    # translation into that language exists when it is called (cms.demo.seed_translations).
    # Translate top-down with `page.copy_for_translation(locale)`, skip pages already translated.
    demo_translations: str | None = None
    enabled_by_default: bool = True
    always_on: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


_registry: dict[str, ModuleSpec] = {}


def register(spec: ModuleSpec) -> ModuleSpec:
    existing = _registry.get(spec.key)
    if existing is not None and existing != spec:
        raise ValueError(f"Module key {spec.key!r} is already registered.")
    _registry[spec.key] = spec
    return spec


def unregister(key: str) -> None:
    _registry.pop(key, None)


def all_modules() -> list[ModuleSpec]:
    return sorted(_registry.values(), key=lambda spec: spec.key)


def get(key: str) -> ModuleSpec | None:
    return _registry.get(key)


def module_choices() -> list[tuple[str, str]]:
    return [(spec.key, str(spec.label)) for spec in all_modules()]


def enabled_keys(request=None) -> frozenset[str]:
    """Keys of the modules switched on for the tenant whose schema is active.

    With a request, the answer is kept on it, so a page asks the database once.
    """
    cached = getattr(request, "_enabled_modules", None)
    if cached is not None:
        return cached
    from cms.models import ModuleSettings

    switches = ModuleSettings.load().switches or {}
    keys = frozenset(
        spec.key
        for spec in all_modules()
        if spec.always_on or switches.get(spec.key, spec.enabled_by_default)
    )
    if request is not None:
        request._enabled_modules = keys
    return keys


def is_enabled(key: str, request=None) -> bool:
    if key not in _registry:
        return False
    return key in enabled_keys(request)


def module_for_page_type(model: type[Model]) -> ModuleSpec | None:
    label = f"{model._meta.app_label}.{model.__name__}".lower()
    for spec in _registry.values():
        if label in {p.lower() for p in spec.page_types}:
            return spec
    return None


def disabled_page_types(request=None) -> list[str]:
    enabled = enabled_keys(request)
    return [p for spec in all_modules() if spec.key not in enabled for p in spec.page_types]
