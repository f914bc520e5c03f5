"""`/healthz` on portal hosts: a plain answer from the full middleware stack, with no page
query, for load balancers and container health checks (and the page benchmark's baseline)."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
