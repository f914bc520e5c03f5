"""Base classes modules build their API on."""

from rest_framework import exceptions, viewsets

from modules import registry


class ModuleViewSetMixin:
    """A viewset that belongs to a module: it answers 404 while the module is switched off."""

    module_key: str = ""

    def initial(self, request, *args, **kwargs):
        if not self.module_key or not registry.is_enabled(self.module_key, request._request):
            raise exceptions.NotFound("This module is switched off.")
        return super().initial(request, *args, **kwargs)


class ModuleViewSet(ModuleViewSetMixin, viewsets.ModelViewSet):
    pass


class ModuleReadOnlyViewSet(ModuleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
