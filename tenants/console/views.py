"""The operator console on the platform host: tenants, their status, the audit log.

Operators are users of the public schema (see tenants.selectors.user_is_operator). Views here
parse input, call tenants.selectors / tenants.services, and render; nothing else.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from billing.plans import plan_label
from cms.ratelimit import client_ip
from tenants import otp, selectors, services
from tenants.console import lockout
from tenants.console import services as console_services
from tenants.console.forms import (
    AuditFilterForm,
    BackupCodeForm,
    ChangePlanForm,
    DeleteTenantForm,
    ExtendTrialForm,
    OperatorLoginForm,
    SuspendForm,
    TenantFilterForm,
    TotpCodeForm,
)
from tenants.models import TenantStatus

PAGE_SIZE = 25
SIGNUP_CHART_DAYS = 30


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def operator_required(view):
    """Anonymous visitors go to the console sign-in; signed-in non-operators get a 403; an
    operator whose session has only passed the password goes to the code page (or to
    enrolment), never to the view."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        if not selectors.user_is_operator(user=request.user):
            return render(request, "console/403.html", {"console_nav": False}, status=403)
        if not otp.session_is_verified(request):
            # A form posted from a page opened before does not come back after the code.
            next_url = (
                request.get_full_path() if request.method == "GET" else reverse("console:tenants")
            )
            return redirect(_with_next("console:verify", next_url))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _second_factor_pending(view):
    """The code and enrolment pages: for an operator signed in with a password whose session
    has not passed the second factor yet (a verified session goes straight on)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("console:login")
        if not selectors.user_is_operator(user=request.user):
            return render(request, "console/403.html", {"console_nav": False}, status=403)
        if otp.session_is_verified(request):
            return redirect(_next_url(request))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/operator/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("console:tenants")


class LoginView(auth_views.LoginView):
    """Step one of two: the password. Success leads to the code page (or enrolment)."""

    template_name = "console/login.html"
    form_class = OperatorLoginForm
    redirect_authenticated_user = False
    extra_context = {"console_nav": False}

    def get_default_redirect_url(self):
        return reverse("console:tenants")

    def get_success_url(self):
        return _with_next("console:verify", super().get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked_out:
            response.status_code = 429
        return response


def _lockout_key(request) -> dict[str, str]:
    return {"ip": client_ip(request), "username": request.user.get_username()}


def _locked_out(request):
    """Too many wrong codes: the half-signed-in session ends; the sign-in page stays locked
    for this IP and username for the lockout period."""
    auth_logout(request)
    context = {"console_nav": False, "minutes": lockout.LOCKOUT_SECONDS // 60}
    return render(request, "console/locked_out.html", context, status=429)


def _second_factor_passed(request, device):
    lockout.clear(**_lockout_key(request))
    # A new session key for the now fully signed-in session (as Django does at login).
    request.session.cycle_key()
    otp.session_mark_verified(request, device)


@_second_factor_pending
def verify(request):
    """Step two: the 6-digit code of the operator's authenticator app."""
    if not otp.is_enrolled(user=request.user):
        return redirect(_with_next("console:enrol", _next_url(request)))
    if lockout.is_locked(**_lockout_key(request)):
        return _locked_out(request)
    form = TotpCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = console_services.operator_2fa_verify(
            user=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
        )
        if result.device is not None:
            _second_factor_passed(request, result.device)
            return redirect(_next_url(request))
        if result.throttled:
            form.add_error("code", _("Wait a few seconds before trying another code."))
            status = 429
        elif lockout.record_failure(**_lockout_key(request)):
            return _locked_out(request)
        else:
            form.add_error(
                "code",
                _(
                    "That code is wrong or was already used. Wait for the next code in your "
                    "app and enter it."
                ),
            )
            status = 400
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": _next_url(request), "console_nav": False}
    return render(request, "console/verify.html", context, status=status)


@_second_factor_pending
def verify_backup(request):
    """Step two with one of the backup codes, for an operator without their phone."""
    if not otp.is_enrolled(user=request.user):
        return redirect(_with_next("console:enrol", _next_url(request)))
    if lockout.is_locked(**_lockout_key(request)):
        return _locked_out(request)
    form = BackupCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = console_services.operator_2fa_verify_backup(
            user=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
        )
        if result.device is not None:
            _second_factor_passed(request, result.device)
            left = otp.backup_codes_left(user=request.user)
            messages.warning(
                request,
                ngettext(
                    "Backup code used. You have %(count)d backup code left.",
                    "Backup code used. You have %(count)d backup codes left.",
                    left,
                )
                % {"count": left},
            )
            return redirect(_next_url(request))
        if lockout.record_failure(**_lockout_key(request)):
            return _locked_out(request)
        form.add_error("code", _("That backup code is wrong or was already used."))
        status = 400
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": _next_url(request), "console_nav": False}
    return render(request, "console/verify_backup.html", context, status=status)


@_second_factor_pending
def enrol(request):
    """First sign-in with a password: set up an authenticator app. Only for an operator with
    no confirmed device (a password alone must never replace an existing one)."""
    if otp.is_enrolled(user=request.user):
        return redirect(_with_next("console:verify", _next_url(request)))
    device = otp.pending_totp_device(user=request.user)
    form = TotpCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = console_services.operator_2fa_confirm(
            user=request.user, code=form.cleaned_data["code"], ip=client_ip(request)
        )
        if result.backup_codes is not None:
            device.refresh_from_db()
            _second_factor_passed(request, device)
            context = {
                "codes": result.backup_codes,
                "next": _next_url(request),
                "console_nav": False,
            }
            return render(request, "console/enrol_done.html", context)
        if result.throttled:
            form.add_error("code", _("Wait a few seconds before trying another code."))
            status = 429
        else:
            form.add_error(
                "code",
                _(
                    "That code does not match. Check that your phone's clock is right and "
                    "enter the newest code."
                ),
            )
            status = 400
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": otp.qr_svg(otp.otpauth_url(device, issuer=_issuer())),
        "text_key": otp.text_key(device),
        "console_nav": False,
    }
    return render(request, "console/enrol.html", context, status=status)


def _issuer() -> str:
    # Not translated: it names the account inside the authenticator app for good.
    return f"{settings.PLATFORM_DOMAIN} operators"


class LogoutView(auth_views.LogoutView):
    template_name = "console/logged_out.html"

    def get_default_redirect_url(self):
        return reverse("console:login")


def _portal_link(host: str | None) -> str:
    if not host:
        return ""
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return f"{settings.PLATFORM_SCHEME}://{host}{port}/"


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    day: object
    count: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_width: int
    baseline: int
    bars: list[Bar]
    peak: int
    total: int


def _signup_chart(points: list[selectors.DayCount]) -> Chart:
    """Geometry for the signups bar chart, in SVG user units (the SVG scales to its box)."""
    height, bar_width, gap, top = 60, 8, 2, 4
    peak = max((p.count for p in points), default=0)
    bars = []
    for i, point in enumerate(points):
        bar_height = round((height - top) * point.count / peak) if peak else 0
        if point.count and bar_height < 2:
            bar_height = 2  # a single signup stays visible next to a busy day
        bars.append(
            Bar(
                x=i * (bar_width + gap),
                y=height - bar_height,
                height=bar_height,
                day=point.day,
                count=point.count,
            )
        )
    return Chart(
        width=len(points) * (bar_width + gap) - gap,
        height=height,
        bar_width=bar_width,
        baseline=height,
        bars=bars,
        peak=peak,
        total=sum(p.count for p in points),
    )


@require_GET
@operator_required
def tenant_list(request):
    form = TenantFilterForm(request.GET or None, plans=selectors.tenant_plans())
    filters = form.filters()
    ordering = selectors.tenant_ordering(request.GET.get("ordering"))
    tenants = selectors.tenant_list(**filters, ordering=ordering)
    if request.GET.get("format") == "csv":
        return _tenants_csv(tenants)
    page = Paginator(tenants, PAGE_SIZE).get_page(request.GET.get("page"))
    for tenant in page.object_list:
        tenant.portal_link = _portal_link(tenant.primary_host)
        tenant.plan_label = plan_label(tenant.plan)
    counts = selectors.tenant_status_counts()
    status_counts = [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in TenantStatus.choices
    ]
    columns = [
        ("name", _("Name")),
        ("slug", _("Portal")),
        ("status", _("Status")),
        ("plan", _("Plan")),
        ("trial_ends_at", _("Trial ends")),
        ("created_at", _("Created")),
    ]
    sort_links = []
    for key, label in columns:
        direction = ""
        if ordering == key:
            direction = "ascending"
        elif ordering == f"-{key}":
            direction = "descending"
        # First click sorts names A→Z and dates newest first; a second click reverses.
        default_desc = key in ("created_at", "trial_ends_at")
        if direction:
            next_ordering = key if direction == "descending" else f"-{key}"
        else:
            next_ordering = f"-{key}" if default_desc else key
        sort_links.append(
            {"key": key, "label": label, "direction": direction, "ordering": next_ordering}
        )
    return render(
        request,
        "console/tenant_list.html",
        {
            "form": form,
            "page": page,
            "ordering": ordering,
            "sort_links": sort_links,
            "status_counts": status_counts,
            "total_tenants": sum(counts.values()),
            "chart": _signup_chart(selectors.signups_per_day(days=SIGNUP_CHART_DAYS)),
            "platform": selectors.platform_status(),
            "filtered": any(filters.values()),
        },
    )


def _detail_context(tenant, **forms):
    plans = selectors.plans_for_change()
    live = tenant.deleted_at is None
    return {
        "tenant": tenant,
        "plan": plan_label(tenant.plan),
        "portal_link": _portal_link(tenant.primary_host),
        "domains": sorted(tenant.domains.all(), key=lambda d: (not d.is_primary, d.domain)),
        "entries": selectors.audit_list(tenant_id=tenant.pk)[:20],
        "subscription": selectors.tenant_subscription(tenant=tenant),
        "usage": selectors.tenant_usage(tenant=tenant),
        "suspend_form": forms.get("suspend_form") or SuspendForm(tenant=tenant),
        "extend_form": forms.get("extend_form") or ExtendTrialForm(tenant=tenant),
        "plan_form": forms.get("plan_form") or ChangePlanForm(tenant=tenant, plans=plans),
        "delete_form": forms.get("delete_form") or DeleteTenantForm(tenant=tenant),
        "can_suspend": live
        and tenant.status not in (TenantStatus.SUSPENDED, TenantStatus.CANCELLED),
        "can_resume": live and tenant.status == TenantStatus.SUSPENDED,
        "can_extend": live and tenant.status in services.TRIAL_EXTENDABLE,
        "can_change_plan": live and bool(plans),
        "can_delete": live,
        "retention_days": services.retention_days(),
    }


def _actor(request) -> str:
    return request.user.email or request.user.get_username()


def _detail_with_errors(request, tenant, **forms):
    context = _detail_context(tenant, **forms)
    return render(request, "console/tenant_detail.html", context, status=400)


@require_GET
@operator_required
def tenant_detail(request, tenant_id: int):
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    return render(request, "console/tenant_detail.html", _detail_context(tenant))


def _form_action(request, tenant, form_name: str, form, act, success):
    """One of the tenant page's forms posted: `act(cleaned_data)` runs the service when the form
    is valid (its ValidationError becomes a form error); errors show the page again (400),
    success goes back to it with `success()`'s message."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
    if not form.is_valid():
        return _detail_with_errors(request, tenant, **{form_name: form})
    messages.success(request, success())
    return redirect("console:tenant", tenant_id=tenant.pk)


@require_POST
@operator_required
def tenant_suspend(request, tenant_id: int):
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    return _form_action(
        request,
        tenant,
        "suspend_form",
        SuspendForm(request.POST, tenant=tenant),
        lambda data: services.tenant_suspend(
            tenant=tenant, actor=_actor(request), ip=client_ip(request), reason=data["reason"]
        ),
        lambda: _("%(name)s is suspended.") % {"name": tenant},
    )


@require_POST
@operator_required
def tenant_resume(request, tenant_id: int):
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    if tenant.deleted_at is None and tenant.status == TenantStatus.SUSPENDED:
        services.tenant_resume(tenant=tenant, actor=_actor(request), ip=client_ip(request))
        messages.success(request, _("%(name)s is back online.") % {"name": tenant})
    else:
        messages.error(request, _("%(name)s is not suspended.") % {"name": tenant})
    return redirect("console:tenant", tenant_id=tenant.pk)


@require_POST
@operator_required
def tenant_extend_trial(request, tenant_id: int):
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    return _form_action(
        request,
        tenant,
        "extend_form",
        ExtendTrialForm(request.POST, tenant=tenant),
        lambda data: services.tenant_extend_trial(
            tenant=tenant, days=data["days"], actor=_actor(request), ip=client_ip(request)
        ),
        lambda: (
            _("%(name)s's trial now ends on %(date)s.")
            % {"name": tenant, "date": formats.date_format(tenant.trial_ends_at, "DATE_FORMAT")}
        ),
    )


@require_POST
@operator_required
def tenant_change_plan(request, tenant_id: int):
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    return _form_action(
        request,
        tenant,
        "plan_form",
        ChangePlanForm(request.POST, tenant=tenant, plans=selectors.plans_for_change()),
        lambda data: services.tenant_change_plan(
            tenant=tenant, plan_key=data["plan"], actor=_actor(request), ip=client_ip(request)
        ),
        lambda: (
            _("%(name)s is now on the %(plan)s plan.")
            % {"name": tenant, "plan": plan_label(tenant.plan)}
        ),
    )


@require_POST
@operator_required
def tenant_delete(request, tenant_id: int):
    tenant = selectors.tenant_get(tenant_id=tenant_id)
    return _form_action(
        request,
        tenant,
        "delete_form",
        DeleteTenantForm(request.POST, tenant=tenant),
        lambda data: services.tenant_delete(
            tenant=tenant, actor=_actor(request), ip=client_ip(request)
        ),
        lambda: (
            _(
                "%(name)s is deleted: its portal is offline. Its data is kept until %(date)s, "
                "then a final export is stored and the schema is dropped."
            )
            % {"name": tenant, "date": formats.date_format(tenant.purge_after, "DATE_FORMAT")}
        ),
    )


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _tenants_csv(tenants) -> HttpResponse:
    """The filtered tenants list as CSV (every match, not one page)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"tenants-{timezone.now():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Slug"),
            _("Portal"),
            _("Status"),
            _("Plan"),
            _("Owner email"),
            _("Trial ends"),
            _("Created"),
        ]
    )
    for tenant in tenants.iterator(chunk_size=500):
        row = [
            tenant.name,
            tenant.slug,
            tenant.primary_host,
            tenant.status,
            tenant.plan,
            tenant.owner_email,
            tenant.trial_ends_at.isoformat() if tenant.trial_ends_at else "",
            tenant.created_at.isoformat(),
        ]
        writer.writerow([_csv_cell(value) for value in row])
    return response


def _money(cents: int, currency: str) -> str:
    return f"{cents / 100:,.2f} {currency.upper()}".strip()


@require_GET
@operator_required
def dashboard(request):
    """Signups, trials, conversion, MRR by plan and churn, from a few aggregate queries."""
    revenue = selectors.mrr_by_plan()
    peak = max((row.mrr_cents for row in revenue), default=0)
    revenue_rows = [
        {
            "plan": row,
            "price": _money(row.price_cents, row.currency) if row.currency else "—",
            "mrr": _money(row.mrr_cents, row.currency) if row.currency else "—",
            # Bar length relative to the best-earning plan (a plain CSS bar, no script).
            "percent": round(100 * row.mrr_cents / peak) if peak else 0,
        }
        for row in revenue
    ]
    totals = selectors.mrr_totals(revenue)
    return render(
        request,
        "console/dashboard.html",
        {
            "chart": _signup_chart(selectors.signups_per_day(days=SIGNUP_CHART_DAYS)),
            "figures": selectors.tenant_figures(),
            "revenue": revenue_rows,
            "mrr_totals": [_money(cents, currency) for currency, cents in sorted(totals.items())],
            "churn_days": selectors.CHURN_DAYS,
        },
    )


@require_GET
@operator_required
def audit_list(request):
    form = AuditFilterForm(request.GET or None, actions=selectors.audit_actions())
    filters = form.filters()
    entries = selectors.audit_list(action=filters["action"], tenant=filters["tenant"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/audit_list.html", {"form": form, "page": page})
