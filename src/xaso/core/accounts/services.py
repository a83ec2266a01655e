# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on accounts: each one atomic, row-locked where it updates, audited, idempotent."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.audit.services import record

from .models import User


@transaction.atomic
def official_create(*, actor, username: str, role: str, commune=None, province=None, password: str,
                    full_name: str = "", email: str = "") -> User:
    """Create an official's account (bootstrap of a deployment); the official enrols TOTP at first sign-in.

    Raises django.core.exceptions.ValidationError naming the field when the data or password is wrong.
    """
    user = User(username=username, role=role, commune=commune, province=province, full_name=full_name,
                email=email)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record(actor=actor, action="xaso.accounts.user.created", obj=user, after={
        "username": user.username, "role": user.role, "commune": user.commune_id, "province": user.province_id,
    })
    return user


@transaction.atomic
def user_disable(*, actor, user: User, reason: str) -> User:
    """Disable an account (level 3: unused for XASO_INACTIVE_DAYS days). Disabling a disabled account
    changes and records nothing. Django refuses inactive users on their next request, so any open
    session ends too."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    record(actor=actor, action="xaso.accounts.user.disabled", obj=locked,
           before={"is_active": True}, after={"is_active": False, "reason": reason})
    return locked


@transaction.atomic
def user_enable(*, actor, user: User) -> User:
    """Enable a disabled account again; its dormancy clock restarts now. Enabling an enabled account
    changes and records nothing."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        return locked
    locked.is_active = True
    locked.reactivated_at = timezone.now()
    locked.save(update_fields=["is_active", "reactivated_at"])
    record(actor=actor, action="xaso.accounts.user.enabled", obj=locked,
           before={"is_active": False}, after={"is_active": True})
    user.is_active, user.reactivated_at = True, locked.reactivated_at
    return locked


@transaction.atomic
def totp_device_confirm(*, actor, device: TOTPDevice) -> TOTPDevice:
    """Second-factor enrolment: the device whose code the official just typed becomes their device;
    any other unconfirmed device of theirs (an abandoned enrolment) is removed."""
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if locked.confirmed:
        return locked
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=locked.user_id, confirmed=False).delete()
    record(actor=actor, action="xaso.accounts.user.second_factor_enrolled", obj=locked.user,
           after={"device": "totp", "device_id": locked.pk})
    return locked
