# SPDX-License-Identifier: AGPL-3.0-or-later
"""Helpers of the accounts tests: TOTP codes as an authenticator app computes them, the two sign-in steps."""

import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso import testing
from xaso.core.accounts import signin
from xaso.core.audit.models import AuditEvent


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    """What the official's authenticator app shows now (drift=1: the next 30-second step)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    accepted = {code_for(device, drift) for drift in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def password_step(client, username: str, password: str = testing.PASSWORD, next_url: str | None = None, **extra):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/accounts/login/", data, **extra)


def full_sign_in(client, user, next_url: str | None = None):
    response = password_step(client, user.username, next_url=next_url)
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/"
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return client.post("/accounts/otp/", {"code": code_for(device)})


def age_session(client, *, minutes: float, key: str = signin.ACTIVITY_KEY) -> None:
    """Pretend the last request of this session was `minutes` ago (the clock itself is never waited on)."""
    session = client.session
    session[key] = int(time.time() - minutes * 60)
    session.save()


def events(action: str, user=None):
    found = AuditEvent.objects.filter(action=action)
    if user is not None:
        found = found.filter(object_type="accounts.user", object_id=str(user.pk))
    return found
