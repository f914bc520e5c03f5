"""Platform-host pages (landing, signup) and the tenant-host hand-off."""

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cms.ratelimit import client_ip, hit
from tenants import services
from tenants.forms import SignupForm


def unknown_host(request, *args, **kwargs):
    """The answer for a Host that is no tenant's: a plain 404 page, never someone's portal."""
    return render(request, "tenants/unknown_host.html", status=404)


def landing(request):
    return render(request, "tenants/landing.html", {"trial_days": settings.TRIAL_DAYS})


@never_cache
def signup(request):
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        allowed, retry_after = hit("signup", client_ip(request), settings.SIGNUP_RATE_LIMIT)
        if not allowed:
            form.add_error(
                None,
                _("Too many signups from your network. Try again in %(minutes)d minutes.")
                % {"minutes": max(1, retry_after // 60)},
            )
            response = render(request, "tenants/signup.html", {"form": form}, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_valid():
            try:
                result = services.tenant_signup(**form.cleaned_data, ip=client_ip(request))
            except services.SignupError as exc:
                for field, messages in exc.errors.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return HttpResponseRedirect(result.handoff_url)
        status = 400
    return render(request, "tenants/signup.html", {"form": form}, status=status)


@never_cache
@require_GET
def handoff(request, token: str):
    """On a tenant host: trade a signup hand-off token for a session, then open the admin."""
    user_id = services.handoff_redeem(tenant=request.tenant, token=token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return render(request, "tenants/handoff_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    response = HttpResponseRedirect("/admin/")
    response["Referrer-Policy"] = "no-referrer"
    return response


def not_found(request, exception=None):
    return render(request, "tenants/404.html", status=404)


def server_error(request):
    return render(request, "tenants/500.html", status=500)
