# SPDX-License-Identifier: AGPL-3.0-or-later
"""The working-day clock, once for every module: which days are working days, and counting them.

Legal basis: Saturday and Sunday are days off for state agencies; the public holidays are those of the
Labour Code 2019 art. 112 (New Year, five days of Tết, Hùng Kings' day on the 10th of the 3rd lunar
month, 30 April, 1 May, 2 September and a day next to it), with the days off and make-up working
Saturdays the government announces each year. The ``holidays`` package knows the law, the lunar dates
and the swaps announced so far; ``CalendarDay`` rows add what was announced after it was released
(nationally, or by one province) and win over it: a province's own row over a national row, a national
row over the package. See docs/decisions/0011-working-day-clock.md and DOMAIN.md §2.

Counting rules (the same for every deadline):

* ``due_date(start, n)``: the n-th working day counting ``start`` as day 1 when it is a working day
  (n = 0: ``start`` itself); a 1-day procedure received on Monday is due on Monday;
* ``add_working_days(d, n)``: the n-th working day strictly after ``d``;
* ``working_days_between(a, b)``: the working days in (a, b] (a pause is computed by the caller with it);
* ``start_day(received_at, cutoff)``: the day a clock starts: the local day of receipt, or the next
  working day when it was received on a day off or at or after the cut-off hour.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from functools import lru_cache

import holidays
from django.core.cache import cache
from django.utils import timezone, translation

# Where every commune is: the clock reads dates in Vietnam's time whatever zone a request activated.
LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
VERSION_KEY = "xaso:clock:version"
DAY_OFF = "day_off"
WORKDAY = "workday"
SOURCE_LAW = "law"
SOURCE_ANNOUNCED = "announced"
FIRST_YEAR, LAST_YEAR = 2000, 2100
ONE_DAY = dt.timedelta(days=1)


def today() -> dt.date:
    """Today's date where the communes are (Asia/Ho_Chi_Minh): the one 'today' every module reads, so
    that a test moving the clock moves it for every module at once."""
    return timezone.localdate(timezone=LOCAL)


def _law(year: int, language: str = "vi") -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language=language)


class Calendar:
    """The working days of one province (or of the whole country when ``province_id`` is None).

    Immutable once built (it is shared by every thread of a process); only its per-year memo grows.
    """

    def __init__(self, province_id: str | None, announced: dict[dt.date, tuple[str, str]]):
        self.province_id = province_id
        self.announced = announced  # date -> (kind, name), the province's own already preferred
        self._years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}

    def _year(self, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
        """The law's (days off, make-up working weekend days) of one year."""
        found = self._years.get(year)
        if found is None:
            law = _law(year)
            off = frozenset(law)
            work = frozenset(d for d in law.weekend_workdays if d.year == year)
            found = self._years[year] = (off, work)
        return found

    def is_working_day(self, d: dt.date) -> bool:
        announced = self.announced.get(d)
        if announced is not None:
            return announced[0] == WORKDAY
        off, work = self._year(d.year)
        if d in off:
            return False
        return d.weekday() < 5 or d in work

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after ``d``."""
        d += ONE_DAY
        while not self.is_working_day(d):
            d += ONE_DAY
        return d

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after ``d`` (n = 0: ``d``)."""
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def due_date(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day counting ``start`` as day 1 when it is a working day (n = 0: ``start``)."""
        if n <= 0:
            return start
        first = start if self.is_working_day(start) else self.next_working_day(start)
        return self.add_working_days(first, n - 1)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """The number of working days in (a, b]; 0 when b <= a."""
        count, d = 0, a
        while d < b:
            d += ONE_DAY
            count += self.is_working_day(d)
        return count

    def start_day(self, received_at: dt.datetime, cutoff: dt.time | None) -> dt.date:
        """The day the clock starts for something received at ``received_at`` (aware)."""
        local = timezone.localtime(received_at, LOCAL)
        day = local.date()
        if not self.is_working_day(day) or (cutoff is not None and local.time() >= cutoff):
            return self.next_working_day(day)
        return day

    def days(self, year: int) -> list[tuple[dt.date, str, str, str]]:
        """The year's exceptions to "Monday to Friday" as (date, kind, name, source), in date order.

        Holidays of the law on a weekday, the law's make-up working weekend days, and every announced
        day (which wins over the law). A holiday that falls on a weekend changes nothing and is left
        out; the day off that replaces it is listed. Names are in the active language.
        """
        language = "vi" if (translation.get_language() or "vi").startswith("vi") else "en_US"
        law = _law(year, language)
        found: dict[dt.date, tuple[str, str, str]] = {}
        for d, name in law.items():
            if d.weekday() < 5:
                found[d] = (DAY_OFF, name, SOURCE_LAW)
        for d in self._year(year)[1]:
            found[d] = (WORKDAY, "", SOURCE_LAW)
        for d, (kind, name) in self.announced.items():
            if d.year == year:
                found[d] = (kind, name, SOURCE_ANNOUNCED)
        return [(d, *found[d]) for d in sorted(found)]


def calendar_for(province_id: str | None) -> Calendar:
    """The calendar of a province: the law, the national announcements, then the province's own.

    Kept per process and keyed by a version in the shared cache; the services change the version on
    every change, so every process sees a change on its next call.
    """
    version = cache.get(VERSION_KEY)
    if version is None:  # a new or cleared cache: nothing cached before can be trusted
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
        if version is None:  # no cache at all (an unreachable Redis): read the rows each time
            return _load(province_id)
    return _cached(province_id, version)


def _load(province_id: str | None) -> Calendar:
    from .models import CalendarDay

    announced: dict[dt.date, tuple[str, str]] = {}
    national = CalendarDay.objects.filter(province__isnull=True).values_list("date", "kind", "name")
    for date, kind, name in national:
        announced[date] = (kind, name)
    if province_id:
        own = CalendarDay.objects.filter(province_id=province_id).values_list("date", "kind", "name")
        for date, kind, name in own:
            announced[date] = (kind, name)  # the province's own announcement for that day wins
    return Calendar(province_id, announced)


@lru_cache(maxsize=128)
def _cached(province_id: str | None, version: str) -> Calendar:
    return _load(province_id)


def changed() -> None:
    """Tell every process that announced days changed (the services call it)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
