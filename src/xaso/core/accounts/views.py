# SPDX-License-Identifier: AGPL-3.0-or-later
"""Sign-in pages: officials by password then TOTP, citizens and businesses through VNeID (oidc.py).

Level 3 (TCVN 14423:2026): MFA for officials, lockout after XASO_LOCKOUT_FAILURES failures
(django-axes, shared by passwords and codes), rate limits per address and per person
(django-ratelimit), dormant accounts disabled at their next sign-in.
"""

import math

import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import auth, messages
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from . import services, signin
from .backends import is_dormant
from .forms import FORM_ERRORS_ID, CodeForm, SignInForm


def signin_rate(group, request) -> str:
    # Read at each request, so a deployment (or a test) can change it without a restart.
    return settings.XASO_SIGNIN_RATE


def rate_period_seconds(rate: str) -> int:
    """"20/m" → 60, "5/10m" → 600: how long until a rate-limited client may try again."""
    period = rate.partition("/")[2]
    count = int(period[:-1] or 1)
    return count * {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[-1]]


def person_key(group, request) -> str:
    """Rate-limit key for the code pages: the person signing in, whichever address they come from."""
    user = signin.current(request)
    return f"user:{user.pk}" if user is not None else f"session:{request.session.session_key}"


def _home(next_url: str | None = None) -> str:
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


def _citizen_signin_available() -> bool:
    return bool(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=signin_rate, method="POST")
def login(request):
    next_url = signin.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if signin.fully_signed_in(request.user):
        return redirect(_home(next_url))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        # authenticate() with the request lets django-axes refuse a locked account and count failures.
        user = auth.authenticate(request=request, username=username, password=password)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, credentials={"username": username})
        if user is None:
            if signin.is_person_with_password(username, password):
                form.refuse(_("Citizens and businesses do not sign in with a password here: use the "
                              "“Sign in with VNeID” button below."))
            else:
                form.refuse(_("The username or password is not right."))
        elif is_dormant(user):
            services.user_disable(actor=None, user=user, reason="dormant")
            form.refuse(_("This account was disabled because it was not used for %(days)s days. Ask the "
                          "system administrator to enable it again.") % {"days": settings.XASO_INACTIVE_DAYS})
        else:
            signin.begin(request, user, next_url)
            return redirect("accounts:otp" if signin.confirmed_devices(user).exists() else "accounts:otp_setup")
    return render(request, "accounts/login.html", {
        "form": form, "next": next_url or "", "form_errors_id": FORM_ERRORS_ID,
        "citizen_signin": _citizen_signin_available(),
    })


def _code_step(request, *, enrol: bool):
    """The second step, shared by the code page and the enrolment page."""
    user = signin.current(request)
    if user is None:
        return redirect(_home() if signin.fully_signed_in(request.user) else "accounts:login")
    if signin.is_locked(request, user):
        signin.abandon(request, "locked_out")
        return locked_out(request, credentials=signin.credentials(user))
    has_device = signin.confirmed_devices(user).exists()
    next_url = signin.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if enrol and has_device:
        return redirect("accounts:otp")
    if not enrol and not has_device:
        return redirect("accounts:otp_setup")
    device = signin.setup_device(request, user) if enrol else None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = [device] if enrol else signin.confirmed_devices(user)
        outcome, verified = signin.check_code(request, user, devices, form.cleaned_data["code"])
        if outcome is signin.Outcome.OK:
            if enrol:
                verified = services.totp_device_confirm(actor=user, device=verified)
            return redirect(_home(signin.complete(request, user, verified, next_url=next_url)))
        if outcome is signin.Outcome.LOCKED:
            signin.abandon(request, "locked_out")
            return locked_out(request, credentials=signin.credentials(user))
        if outcome is signin.Outcome.THROTTLED:
            form.refuse(_("After a wrong code, wait a few seconds before you enter another one."))
        else:
            form.refuse(_("The code is not right. Enter the code your authenticator app shows now."))
    context = {"form": form, "next": next_url or "", "form_errors_id": FORM_ERRORS_ID, "official": user}
    if enrol:
        qr = segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR code to add xaso to your authenticator app"))
        context.update(qr_svg=qr.replace("<svg ", '<svg role="img" ', 1),
                       secret=signin.secret_for_display(device))
    return render(request, "accounts/otp_setup.html" if enrol else "accounts/otp.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=signin_rate, method="POST")
@ratelimit(key=person_key, rate=signin_rate, method="POST")
def otp(request):
    return _code_step(request, enrol=False)


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=signin_rate, method="POST")
@ratelimit(key=person_key, rate=signin_rate, method="POST")
def otp_setup(request):
    return _code_step(request, enrol=True)


@require_POST
def logout(request):
    # The user_logged_out receiver writes the audit event, whichever way the session ends.
    was_signed_in = request.user.is_authenticated
    auth.logout(request)
    if was_signed_in:
        messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


def locked_out(request, original_response=None, credentials=None, *args, **kwargs):
    """AXES_LOCKOUT_CALLABLE: the account is locked; say so, and for how long."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "accounts/locked_out.html", {
        "minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT,
    }, status=403)


def rate_limited(request, exception=None):
    """RATELIMIT_VIEW: too many attempts from this address or for this person."""
    seconds = rate_period_seconds(settings.XASO_SIGNIN_RATE)
    response = render(request, "accounts/rate_limited.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response
