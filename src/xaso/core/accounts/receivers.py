# SPDX-License-Identifier: AGPL-3.0-or-later
"""Audit of how sessions end and of lockouts, whichever code path caused them."""

from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from xaso.core.audit.services import record

from .models import User


@receiver(user_logged_out, dispatch_uid="xaso.accounts.audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is None or user.pk is None:
        return
    reason = getattr(request, "xaso_signout_reason", "user")
    # The idle lock is the system's doing, not the user's.
    record(actor=None if reason == "idle" else user, action="xaso.accounts.user.signed_out", obj=user,
           after={"reason": reason})


@receiver(user_locked_out, dispatch_uid="xaso.accounts.audit_lockout")
def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    # django-axes sends this signal again for every attempt while the lock lasts; only the attempt that
    # caused the lock has counted failures (axes_failures_since_start), so the event is written once.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or not username:
        return
    user = User.objects.filter(username=username).first()
    if user is None:  # a name that is no account: nothing to lock, axes' own log keeps the attempts
        return
    cool_off = get_cool_off(request)
    record(actor=None, action="xaso.accounts.user.locked_out", obj=user, after={
        "failures": failures, "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    })
