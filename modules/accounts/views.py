"""Customer account pages on the portal host, mounted at /account/ (namespace "accounts").

Views parse the form, call a service or selector, and render. The sign-in, sign-up and reset
pages answer the same whether or not an address is known (no account enumeration).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from cms.ratelimit import RateLimited, client_ip, hit
from modules.accounts import ratelimit, selectors, services
from modules.accounts.forms import (
    AvatarForm,
    DeleteAccountForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignupForm,
)
from modules.accounts.models import AccountSettings

TOO_MANY = gettext_lazy("You have done this many times this hour. Please try again later.")


def customer_required(view):
    """Signed-in people only; others go to the customer sign-in page (not the admin's)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), selectors.login_url())
        return view(request, *args, **kwargs)

    return wrapper


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _safe_next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("accounts:profile")


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _set_language_cookie(response, language: str) -> None:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


# --- sign-up, verification ---------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def signup(request):
    account_settings = AccountSettings.load()
    if not account_settings.self_signup:
        return render(request, "accounts/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    if (
        request.method == "POST"
        and not hit("accounts-signup", client_ip(request), ratelimit.SIGNUP_RATE)[0]
    ):
        form.is_valid()
        form.add_error(None, _("Too many sign-ups from your network. Try again in an hour."))
        return _private(render(request, "accounts/signup.html", {"form": form}, status=429))
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                language=request.LANGUAGE_CODE if request.LANGUAGE_CODE != "en" else "",
                base_url=_base_url(request),
            )
        except services.SignupClosed:
            return render(request, "accounts/signup_closed.html", status=403)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            # the same answer for a new address and a known one
            return redirect("accounts:signup-done")
    return _private(
        render(
            request,
            "accounts/signup.html",
            {"form": form, "domains": account_settings.signup_domains},
        )
    )


def signup_done(request):
    return render(request, "accounts/signup_done.html")


@never_cache
def verify(request, token: str):
    try:
        user = services.customer_verify_email(token=token, request=request)
    except ValidationError:
        return render(request, "accounts/verify_failed.html", status=400)
    signed_in_as_other = request.user.is_authenticated and request.user.pk != user.pk
    return _private(
        render(request, "accounts/verified.html", {"signed_in_as_other": signed_in_as_other})
    )


# set by the sign-in page after the right password for an unconfirmed address (no session)
UNVERIFIED_SESSION_KEY = "accounts:unverified-user"


@require_POST
def verify_resend(request):
    """Send the confirmation email again: to the signed-in customer, or to the one who just
    typed the right password for an address that is not confirmed yet."""
    if request.user.is_authenticated:
        if not selectors.is_verified(request.user):
            services.verification_send(user=request.user, base_url=_base_url(request))
        return redirect(reverse("accounts:profile") + "?sent=1")
    user_id = request.session.get(UNVERIFIED_SESSION_KEY)
    user = selectors.user_pending_verification(user_id) if user_id else None
    if user is None:
        return redirect_to_login(reverse("accounts:profile"), selectors.login_url())
    services.verification_send(user=user, base_url=_base_url(request))
    return redirect(reverse("accounts:login") + "?sent=1")


# --- sign-in, sign-out, password reset ----------------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request):
    form = LoginForm(request.POST or None)
    next_url = _safe_next(request)
    unverified = False
    if request.method == "POST" and form.is_valid():
        try:
            user = services.customer_login(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except services.LoginRefused:
            form.add_error(
                None,
                _(
                    "The email address or password is not right, or there were too many "
                    "attempts. Try again later, or reset your password."
                ),
            )
        except services.EmailNotVerified as refused:
            request.session[UNVERIFIED_SESSION_KEY] = refused.user.pk
            unverified = True
        else:
            response = redirect(next_url)
            profile = selectors.profile_of(user)
            _set_language_cookie(response, getattr(profile, "language", ""))
            return response
    status = 400 if form.errors else 200
    return _private(
        render(
            request,
            "accounts/login.html",
            {
                "form": form,
                "next": next_url,
                "self_signup": AccountSettings.load().self_signup,
                "unverified": unverified,
                "sent": request.GET.get("sent") == "1",
            },
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
def logout(request):
    if request.method == "POST":
        auth_logout(request)
        return redirect("/")
    return _private(render(request, "accounts/logout.html"))


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset(request):
    form = PasswordResetForm(request.POST or None)
    if (
        request.method == "POST"
        and not hit("accounts-reset", client_ip(request), ratelimit.RESET_RATE)[0]
    ):
        form.is_valid()
        form.add_error(None, _("Too many requests from your network. Try again in an hour."))
        return _private(render(request, "accounts/password_reset.html", {"form": form}, status=429))
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            email=form.cleaned_data["email"], base_url=_base_url(request)
        )
        return redirect("accounts:password-reset-done")
    return _private(render(request, "accounts/password_reset.html", {"form": form}))


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, uidb64: str, token: str):
    if services.password_reset_user(uidb64=uidb64, token=token) is None:
        return _private(render(request, "accounts/verify_failed.html", status=400))
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_confirm(
                uidb64=uidb64, token=token, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            auth_logout(request)
            return _private(render(request, "accounts/password_reset_complete.html"))
    # Referrer-Policy (in _private) keeps the token out of Referer headers of outgoing links
    return _private(render(request, "accounts/password_reset_confirm.html", {"form": form}))


# --- profile, activity, privacy ----------------------------------------------------------------


@never_cache
@customer_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    account = services.profile_get_or_create(user=user)
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": account.display_name, "language": account.language},
        notification_initial=selectors.notification_preferences(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.profile_update(
                user=user,
                display_name=form.cleaned_data["display_name"],
                language=form.cleaned_data["language"],
                notifications=form.notifications(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            response = redirect(reverse("accounts:profile") + "?saved=1")
            _set_language_cookie(response, account.language)
            return response
    return _private(
        render(
            request,
            "accounts/profile.html",
            {
                "form": form,
                "avatar_form": AvatarForm(),
                "account": account,
                "verified": account.email_verified_at is not None,
                "saved": request.GET.get("saved") == "1",
                "sent": request.GET.get("sent") == "1",
            },
            status=400 if form.errors else 200,
        )
    )


@require_POST
@customer_required
def avatar(request):
    user = request.user
    if request.POST.get("remove"):
        services.avatar_clear(user=user)
        return redirect(reverse("accounts:profile") + "?saved=1")
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.avatar_set(user=user, upload=form.cleaned_data["avatar"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(reverse("accounts:profile") + "?saved=1")
    account = services.profile_get_or_create(user=user)
    return _private(
        render(
            request,
            "accounts/profile.html",
            {
                "form": ProfileForm(
                    initial={"display_name": account.display_name, "language": account.language},
                    notification_initial=selectors.notification_preferences(user),
                ),
                "avatar_form": form,
                "account": account,
                "verified": account.email_verified_at is not None,
            },
            status=400,
        )
    )


@never_cache
@customer_required
def activity(request):
    sections = selectors.account_activity(user=request.user, request=request)
    return _private(render(request, "accounts/activity.html", {"sections": sections}))


@never_cache
@sensitive_post_parameters("password")
@customer_required
@require_http_methods(["GET", "POST"])
def privacy(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_delete(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        except RateLimited:
            context = {"form": form, "limited": TOO_MANY}
            return _private(render(request, "accounts/privacy.html", context, status=429))
        else:
            auth_logout(request)
            return _private(render(request, "accounts/deleted.html"))
    return _private(
        render(request, "accounts/privacy.html", {"form": form}, status=400 if form.errors else 200)
    )


@never_cache
@customer_required
def export(request):
    try:
        result = services.customer_export(user=request.user)
    except RateLimited:
        context = {"form": DeleteAccountForm(), "limited": TOO_MANY}
        return _private(render(request, "accounts/privacy.html", context, status=429))
    response = HttpResponse(result.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return _private(response)
