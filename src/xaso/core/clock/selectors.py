# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may read and keep a province's calendar, and the reads behind its page.

The calendar is not commune-owned: it belongs to a province. Reading it is for officials whose scope
covers the province (its communes' officials, its province officials, administrators); keeping it is the
``clock.calendar.manage`` verb in the province (a province official of that province) or everywhere,
including the national rows (a system administrator). Anyone else is an outsider and gets 404.
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from xaso.core.accounts.permissions import can
from xaso.core.places.models import Province
from xaso.core.tenancy import scope_for

from .models import CalendarDay

MANAGE = "clock.calendar.manage"


def covers(user, province: Province) -> bool:
    """True when the user is an official whose scope includes this province."""
    scope = scope_for(user)
    if not scope.is_staff_scope:
        return False
    return scope.kind == "system" or scope.province_id == province.pk


def may_manage(user, province: Province | None) -> bool:
    """``accounts.permissions.can`` for a province: ``province`` None means the national rows, which only
    an administrator (a system scope) keeps."""
    if not can(user, MANAGE):
        return False
    if scope_for(user).kind == "system":
        return True
    return province is not None and covers(user, province)


def province_for_calendar(*, user, province_code: str) -> Province:
    """The province whose calendar the user may read; 404 for an unknown code and for outsiders alike."""
    province = Province.objects.filter(code=str(province_code).strip()).first()
    if province is None or not covers(user, province):
        raise Http404
    return province


def announced_days(*, province: Province, year: int) -> QuerySet[CalendarDay]:
    """The announced days that apply in the province in a year: the national ones and its own."""
    return (CalendarDay.objects.filter(Q(province__isnull=True) | Q(province=province))
            .filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
            .select_related("province").order_by("date", "province_id"))


def announced_day(*, province: Province | None, date: dt.date) -> CalendarDay | None:
    """The announcement of one day in a province (None: the national one), if any."""
    return CalendarDay.objects.filter(province=province, date=date).first()
