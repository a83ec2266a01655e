# SPDX-License-Identifier: AGPL-3.0-or-later
"""Announcing days off and make-up working days: a province official for the province, a system
administrator for any province and for the whole country (``province`` None).

An announced day is an exception to the calendar it lands on, so announcing what already holds (a
"working day" on a working day, a "day off" on a day off) is refused: it would hide a mistake, such as a
wrong date. Setting the same values again, or removing a day that is not there, changes and records
nothing.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.core.audit.services import record

from . import calendar
from .models import CalendarDay
from .selectors import MANAGE, may_manage

NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length
LEGAL_BASIS_MAX_LENGTH = CalendarDay._meta.get_field("legal_basis").max_length


def _clean(date, kind: str, name: str, legal_basis: str) -> tuple[str, str]:
    errors = {}
    if not isinstance(date, dt.date) or not dt.date(calendar.FIRST_YEAR, 1, 1) <= date <= dt.date(
            calendar.LAST_YEAR, 12, 31):
        errors["date"] = _("Choose a date between %(first)d and %(last)d.") % {
            "first": calendar.FIRST_YEAR, "last": calendar.LAST_YEAR}
    if kind not in CalendarDay.Kind.values:
        errors["kind"] = _("Choose “day off” or “working day”.")
    name = " ".join((name or "").split())
    legal_basis = " ".join((legal_basis or "").split())
    if not name:
        errors["name"] = _("Give the day a name (for example: Day off in place of Saturday 22/08/2026).")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("The name is longer than %(max)d characters.") % {"max": NAME_MAX_LENGTH}
    if len(legal_basis) > LEGAL_BASIS_MAX_LENGTH:
        errors["legal_basis"] = _("The legal basis is longer than %(max)d characters.") % {
            "max": LEGAL_BASIS_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    return name, legal_basis


def _working_without_row(province, date: dt.date) -> bool:
    """Whether ``date`` is a working day before this row's announcement: what the law and the national
    announcements say for a province's row, what the law alone says for a national row."""
    if province is None:
        return calendar.Calendar(None, {}).is_working_day(date)
    return calendar.calendar_for(None).is_working_day(date)


def _changed() -> None:
    # This process at once (also inside a test's transaction); every process again after the commit, so
    # that no process keeps a calendar it read before the change was visible.
    calendar.changed()
    transaction.on_commit(calendar.changed)


def calendar_day_set(*, actor, province, date: dt.date, kind: str, name: str, legal_basis: str = "") -> CalendarDay:
    """Announce ``date`` as a day off or a make-up working day in ``province`` (None: the whole country),
    or change the announcement already there."""
    if not may_manage(actor, province):
        raise PermissionDenied(MANAGE)
    name, legal_basis = _clean(date, kind, name, legal_basis)
    if _working_without_row(province, date) == (kind == CalendarDay.Kind.WORKDAY):
        shown = date.strftime("%d/%m/%Y")
        raise ValidationError({"kind": (
            _("%(date)s is already a working day: there is nothing to announce.") if kind == CalendarDay.Kind.WORKDAY
            else _("%(date)s is already a day off: there is nothing to announce.")) % {"date": shown}})
    province_id = province.pk if province is not None else None
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(province_id=province_id, date=date).first()
        after = {"date": date.isoformat(), "province": province_id, "kind": kind, "name": name,
                 "legal_basis": legal_basis}
        if existing is None:
            day = CalendarDay.objects.create(province_id=province_id, date=date, kind=kind, name=name,
                                             legal_basis=legal_basis, created_by=actor)
            record(actor=actor, action="xaso.clock.calendar_day.created", obj=day, after=after)
        else:
            before = {"date": date.isoformat(), "province": province_id, "kind": existing.kind,
                      "name": existing.name, "legal_basis": existing.legal_basis}
            if before == after:
                return existing
            existing.kind, existing.name, existing.legal_basis = kind, name, legal_basis
            existing.save(update_fields=["kind", "name", "legal_basis"])
            day = existing
            record(actor=actor, action="xaso.clock.calendar_day.changed", obj=day, before=before, after=after)
        _changed()
    return day


def calendar_day_remove(*, actor, province, date: dt.date) -> bool:
    """Withdraw the announcement of ``date`` in ``province`` (None: the whole country). True when one was
    removed; False (and nothing recorded) when there was none."""
    if not may_manage(actor, province):
        raise PermissionDenied(MANAGE)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(
            province_id=province.pk if province is not None else None, date=date).first()
        if day is None:
            return False
        record(actor=actor, action="xaso.clock.calendar_day.removed", obj=day,
               before={"date": date.isoformat(), "province": day.province_id, "kind": day.kind, "name": day.name,
                       "legal_basis": day.legal_basis})
        day.delete()
        _changed()
    return True
