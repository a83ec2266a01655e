# SPDX-License-Identifier: AGPL-3.0-or-later
"""The officials' two-step sign-in: password, then a TOTP code.

After the password the session only holds a *pending* sign-in (who, through which backend, until
when); the official is not signed in — every page sees an anonymous visitor — until the six-digit
code is right. A wrong code counts as a failed sign-in for django-axes, so password guesses and code
guesses share the one limit of XASO_LOCKOUT_FAILURES. An official who is signed in but has not passed
the second factor (their device was reset, a session from elsewhere) goes through the same code page;
SessionPolicyMiddleware sends them there.
"""

import base64
import enum
import time

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_login_failed
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.audit.services import record

from .models import User
from .roles import PEOPLE

PENDING_KEY = "xaso_signin_pending"
SETUP_DEVICE_KEY = "xaso_signin_setup_device"
ACTIVITY_KEY = "xaso_last_activity"  # read by SessionPolicyMiddleware and the live sockets (idle lock)
# Time allowed between a correct password and the code: enough to open an authenticator app.
PENDING_SECONDS = 5 * 60


def idle_minutes(user) -> int:
    """Minutes without activity after which a session ends: fewer for administrators."""
    return settings.XASO_IDLE_MINUTES_ADMIN if user.is_administrator else settings.XASO_IDLE_MINUTES


def fully_signed_in(user) -> bool:
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not user.needs_second_factor or is_verified is None or is_verified()


def safe_next(request, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


def begin(request, user: User, next_url: str | None) -> None:
    """The password was right: remember who is signing in, nothing more."""
    request.session.cycle_key()  # a session id seen before the password is worth nothing after it
    request.session.pop(SETUP_DEVICE_KEY, None)
    request.session[PENDING_KEY] = {"user_id": user.pk, "backend": user.backend, "at": int(time.time()),
                                    "next": next_url}


def current(request) -> User | None:
    """Who is between password and code: the pending user, or a signed-in user who still owes the code."""
    user = request.user
    if user.is_authenticated:
        return None if fully_signed_in(user) else user
    data = request.session.get(PENDING_KEY)
    if not data:
        return None
    if time.time() - data["at"] > PENDING_SECONDS:
        abandon(request, "expired")
        messages.warning(request, _("The sign-in took too long. Please enter your password again."))
        return None
    return User.objects.filter(pk=data["user_id"], is_active=True).first()


def pending_next(request) -> str | None:
    return (request.session.get(PENDING_KEY) or {}).get("next")


def abandon(request, reason: str) -> None:
    """End a sign-in half-way (lockout, expiry): drop the pending state or sign the user out."""
    if request.user.is_authenticated:
        request.xaso_signout_reason = reason  # read by the audit receiver of user_logged_out
        auth.logout(request)
    else:
        request.session.pop(PENDING_KEY, None)
        request.session.pop(SETUP_DEVICE_KEY, None)


def confirmed_devices(user: User):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")


def setup_device(request, user: User) -> TOTPDevice:
    """The unconfirmed device of this enrolment: made once per pending sign-in, so a secret shown on an
    earlier, abandoned attempt (perhaps to someone else) never becomes the official's device."""
    device_id = request.session.get(SETUP_DEVICE_KEY)
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first() if device_id else None
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
        request.session[SETUP_DEVICE_KEY] = device.pk
    return device


def secret_for_display(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"
    LOCKED = "locked"


def credentials(user: User) -> dict:
    return {"username": user.get_username()}


def is_locked(request, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, credentials(user))


def check_code(request, user: User, devices, code: str) -> tuple[Outcome, TOTPDevice | None]:
    """Try the code on the devices. A wrong code is a failed sign-in for django-axes."""
    devices = list(devices)
    allowed = [d for d in devices if d.verify_is_allowed()[0]]
    if devices and not allowed:
        # django-otp's own back-off after a wrong code (1, 2, 4… seconds): no code was checked.
        return Outcome.THROTTLED, None
    for device in allowed:
        # django_otp.verify_token locks the device row, so one code cannot be used twice at once.
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return Outcome.OK, verified
    user_login_failed.send(sender=__name__, credentials=credentials(user), request=request)
    if getattr(request, "axes_locked_out", False):
        return Outcome.LOCKED, None
    return Outcome.WRONG, None


def complete(request, user: User, device: TOTPDevice, *, next_url: str | None) -> str | None:
    """Both factors passed: sign the official in and say where to go."""
    pending = request.session.get(PENDING_KEY) or {}
    if not request.user.is_authenticated:
        auth.login(request, user, backend=pending["backend"])
    django_otp.login(request, device)
    request.session.pop(PENDING_KEY, None)
    request.session.pop(SETUP_DEVICE_KEY, None)
    request.session[ACTIVITY_KEY] = int(time.time())
    record(actor=user, action="xaso.accounts.user.signed_in", obj=user, after={"method": "password+totp"})
    return safe_next(request, next_url or pending.get("next"))


def is_person_with_password(username: str, password: str) -> bool:
    """A citizen or business account whose (unused) password is right: tell them where to sign in.
    Only with the right password, so the message reveals nothing to someone guessing."""
    person = User.objects.filter(username=username, role__in=PEOPLE, is_superuser=False).first()
    return person is not None and person.check_password(password)
