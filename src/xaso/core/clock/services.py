# SPDX-License-Identifier: AGPL-3.0-or-later
"""Announcing days off and make-up working days: a province official for the province, an administrator
for the whole country."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import can
from xaso.core.audit.services import record

from . import calendar
from .models import CalendarDay


def may_manage(user, province) -> bool:
    """Province officials announce for their own province; only an administrator for the whole country."""
    if not can(user, "clock.calendar.manage"):
        return False
    if user.is_administrator:
        return True
    return province is not None and user.province_id == province.pk


def calendar_day_set(*, actor, province, date: dt.date, kind: str, name: str, legal_basis: str = "") -> CalendarDay:
    if not may_manage(actor, province):
        raise PermissionDenied("clock.calendar.manage")
    if not dt.date(2000, 1, 1) <= date <= dt.date(2100, 12, 31):
        raise ValidationError(_("Choose a date between 2000 and 2100."), code="range")
    if kind not in CalendarDay.Kind.values:
        raise ValidationError(_("Choose a day off or a working day."), code="kind")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the day a name (for example: the announcement it comes from)."), code="name")
    province_id = province.pk if province else None
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(province_id=province_id, date=date).first()
        if existing is None:
            working = calendar.calendar_for(province_id).is_working_day(date)
            if working == (kind == "workday"):
                raise ValidationError(
                    _("%(date)s is already a working day.") if working else _("%(date)s is already a day off.")
                    % {"date": date.strftime("%d/%m/%Y")}, code="same")
            day = CalendarDay.objects.create(province_id=province_id, date=date, kind=kind, name=name,
                                             legal_basis=legal_basis, created_by=actor)
            record(actor=actor, action="xaso.clock.day.created", obj=day,
                   after={"date": date.isoformat(), "kind": kind, "name": name, "province": province_id})
        else:
            before = {"kind": existing.kind, "name": existing.name, "legal_basis": existing.legal_basis}
            after = {"kind": kind, "name": name, "legal_basis": legal_basis}
            if before == after:
                return existing
            for field, value in after.items():
                setattr(existing, field, value)
            existing.save()
            day = existing
            record(actor=actor, action="xaso.clock.day.changed", obj=day, before=before, after=after)
        calendar.changed()  # this process at once (inside a test transaction too), the others after commit
        transaction.on_commit(calendar.changed)
    return day


def calendar_day_remove(*, actor, province, date: dt.date) -> bool:
    if not may_manage(actor, province):
        raise PermissionDenied("clock.calendar.manage")
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(province_id=province.pk if province else None,
                                                             date=date).first()
        if day is None:
            return False
        record(actor=actor, action="xaso.clock.day.removed", obj=day,
               before={"date": date.isoformat(), "kind": day.kind, "name": day.name})
        day.delete()
        calendar.changed()  # this process at once (inside a test transaction too), the others after commit
        transaction.on_commit(calendar.changed)
    return True
