# SPDX-License-Identifier: AGPL-3.0-or-later
"""The working-day clock, once for every module: which days are working days, and counting them.

Legal basis: Saturday and Sunday are days off for state agencies; the public holidays are those of the
Labour Code 2019 art. 112 (New Year, five days of Tết, Hùng Kings' day on the 10th of the 3rd lunar
month, 30 April, 1 May, 2 September and a day next to it), with the days off and make-up working
Saturdays the government announces each year. The ``holidays`` package knows the law, the lunar dates
and the swaps announced so far; ``CalendarDay`` rows add what was announced after it was released
(nationally, or by one province) and win over it. See docs/decisions/0011-working-day-clock.md.

Counting rules (the same for every deadline):

* ``due_date(start, n)``: the n-th working day counting ``start`` as day 1 (n = 0: ``start`` itself);
* ``add_working_days(d, n)``: the n-th working day strictly after ``d``;
* ``working_days_between(a, b)``: the working days in (a, b];
* ``start_day(received_at, cutoff)``: the day a clock starts: the day of receipt, or the next working
  day when it was received on a day off or at or after the cut-off hour.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import lru_cache

import holidays
from django.core.cache import cache
from django.utils import timezone

VERSION_KEY = "xaso:clock:version"
SOURCE_LAW = "law"
SOURCE_ANNOUNCED = "announced"
YEARS = range(2000, 2101)


def today() -> dt.date:
    """Today's date where the communes are (Asia/Ho_Chi_Minh): the one 'today' every module reads."""
    return timezone.localdate()


class Calendar:
    def __init__(self, province_id: str | None, announced: dict[dt.date, tuple[str, str]]):
        self.province_id = province_id
        self.announced = announced  # date -> (kind, name); the province's own win over national ones
        self._law: dict[int, holidays.HolidayBase] = {}

    def _law_for(self, year: int) -> holidays.HolidayBase:
        if year not in self._law:
            self._law[year] = holidays.country_holidays("VN", years=year)
        return self._law[year]

    def is_working_day(self, d: dt.date) -> bool:
        if d in self.announced:
            return self.announced[d][0] == "workday"
        law = self._law_for(d.year)
        if d in law:
            return False
        return d.weekday() < 5 or d in law.weekend_workdays

    def next_working_day(self, d: dt.date) -> dt.date:
        d += dt.timedelta(days=1)
        while not self.is_working_day(d):
            d += dt.timedelta(days=1)
        return d

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def due_date(self, start: dt.date, n: int) -> dt.date:
        if n <= 0:
            return start
        first = start if self.is_working_day(start) else self.next_working_day(start)
        return self.add_working_days(first, n - 1)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        count, d = 0, a
        while d < b:
            d += dt.timedelta(days=1)
            count += self.is_working_day(d)
        return count

    def start_day(self, received_at: dt.datetime, cutoff: dt.time | None) -> dt.date:
        local = timezone.localtime(received_at)
        day = local.date()
        if not self.is_working_day(day) or (cutoff is not None and local.time() >= cutoff):
            return self.next_working_day(day)
        return day

    def days(self, year: int) -> list[tuple[dt.date, str, str, str]]:
        """The year's exceptions to "Monday to Friday": (date, kind, name, source), in date order."""
        found: dict[dt.date, tuple[str, str, str]] = {}
        law = self._law_for(year)
        for d, name in law.items():
            found[d] = ("day_off", name, SOURCE_LAW)
        for d in law.weekend_workdays:
            if d.year == year:
                found[d] = ("workday", "", SOURCE_LAW)
        for d, (kind, name) in self.announced.items():
            if d.year == year:
                found[d] = (kind, name, SOURCE_ANNOUNCED)
        return [(d, *found[d]) for d in sorted(found)]


def calendar_for(province_id: str | None) -> Calendar:
    """The calendar of a province: the law, the national announcements, then the province's own.

    Kept per process; a change through the services bumps a version in the shared cache, so every
    process sees it on its next call.
    """
    version = cache.get(VERSION_KEY)
    if version is None:  # a new or cleared cache: nothing cached before can be trusted
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return _cached(province_id, version)


@lru_cache(maxsize=64)
def _cached(province_id: str | None, version: str) -> Calendar:
    from .models import CalendarDay

    announced = {}
    rows = CalendarDay.objects.filter(province__isnull=True)
    if province_id:
        rows = rows | CalendarDay.objects.filter(province_id=province_id)
    for row in rows:
        if row.province_id is None and row.date in announced:
            continue  # the province's own announcement for that day wins
        announced[row.date] = (row.kind, row.name)
    return Calendar(province_id, announced)


def changed() -> None:
    """Tell every process that announced days changed (services call it after commit)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
