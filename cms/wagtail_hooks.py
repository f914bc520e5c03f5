from django.http import Http404
from wagtail import hooks

from cms import page_cache
from modules import registry


@hooks.register("before_serve_page")
def refuse_pages_of_switched_off_modules(page, request, serve_args, serve_kwargs):
    spec = registry.module_for_page_type(page.specific_class)
    if spec is not None and not registry.is_enabled(spec.key, request):
        raise Http404("This module is switched off.")


@hooks.register("before_create_page")
def refuse_creating_pages_of_switched_off_modules(request, parent_page, page_class):
    spec = registry.module_for_page_type(page_class)
    if spec is not None and not registry.is_enabled(spec.key, request):
        raise Http404("This module is switched off.")


@hooks.register("construct_main_menu")
def hide_menu_items_of_switched_off_modules(request, menu_items):
    enabled = registry.enabled_keys(request)
    hidden = {
        name
        for spec in registry.all_modules()
        if spec.key not in enabled
        for name in spec.admin_menu_items
    }
    menu_items[:] = [item for item in menu_items if item.name not in hidden]


@hooks.register("before_serve_page")
def mark_page_for_the_page_cache(page, request, serve_args, serve_kwargs):
    # Registered after the module-switch check above and Wagtail's own privacy check.
    page_cache.mark_cacheable(page, request)
