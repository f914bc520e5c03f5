from django.http import Http404

from modules import registry


class ModuleSwitchMiddleware:
    """Answers 404 for any URL that belongs to a module switched off for this tenant.

    Module URLconfs (portal pages, admin views) are mounted under a namespace equal to the
    module key, so one check here covers them all. API viewsets check in ModuleViewSet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or getattr(request, "tenant", None) is None:
            return None
        if request.tenant.schema_name == "public":
            return None
        for namespace in match.namespaces:
            if registry.get(namespace) is not None and not registry.is_enabled(namespace, request):
                raise Http404("This module is switched off.")
        return None
