# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reporting periods, as DHIS2 names them: "2026M07" (July), "2026Q3", "2026H2", "2026" and "ONCE".

A period key is what a return, a spreadsheet and the API say; its first and last day and its due date are
derived here and nowhere else.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import PeriodType

# A dataset reported once has one period, open from the start; it is due some days after it is published.
ONCE = "ONCE"
_ONCE_START, _ONCE_END = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)
_PATTERNS = {
    PeriodType.MONTHLY: re.compile(r"^(\d{4})M(0[1-9]|1[0-2])$"),
    PeriodType.QUARTERLY: re.compile(r"^(\d{4})Q([1-4])$"),
    PeriodType.HALF_YEARLY: re.compile(r"^(\d{4})H([12])$"),
    PeriodType.YEARLY: re.compile(r"^(\d{4})$"),
}
_MONTHS = {PeriodType.MONTHLY: 1, PeriodType.QUARTERLY: 3, PeriodType.HALF_YEARLY: 6, PeriodType.YEARLY: 12}


@dataclass(frozen=True)
class Period:
    period_type: str
    key: str
    start: datetime.date
    end: datetime.date

    def due(self, due_days: int) -> datetime.date:
        return self.end + datetime.timedelta(days=due_days)

    def previous(self) -> Period | None:
        if self.period_type == PeriodType.ONCE:
            return None
        return containing(self.period_type, self.start - datetime.timedelta(days=1))

    def next(self) -> Period | None:
        if self.period_type == PeriodType.ONCE:
            return None
        return containing(self.period_type, self.end + datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        y = self.start.year
        if self.period_type == PeriodType.MONTHLY:
            return _("%(month)s/%(year)s") % {"month": f"{self.start.month:02d}", "year": y}
        if self.period_type == PeriodType.QUARTERLY:
            return _("Quarter %(n)s/%(year)s") % {"n": (self.start.month - 1) // 3 + 1, "year": y}
        if self.period_type == PeriodType.HALF_YEARLY:
            return _("Half %(n)s/%(year)s") % {"n": 1 if self.start.month == 1 else 2, "year": y}
        if self.period_type == PeriodType.YEARLY:
            return _("Year %(year)s") % {"year": y}
        return _("Once")

    def __str__(self) -> str:
        return self.key


def containing(period_type: str, day: datetime.date) -> Period:
    """The period of ``period_type`` that contains ``day``."""
    if period_type == PeriodType.ONCE:
        return Period(period_type, ONCE, _ONCE_START, _ONCE_END)
    months = _MONTHS[period_type]
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    start = datetime.date(day.year, first_month, 1)
    end = datetime.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    n = (first_month - 1) // months + 1
    key = {PeriodType.MONTHLY: f"{day.year}M{first_month:02d}", PeriodType.QUARTERLY: f"{day.year}Q{n}",
           PeriodType.HALF_YEARLY: f"{day.year}H{n}", PeriodType.YEARLY: f"{day.year}"}[period_type]
    return Period(period_type, key, start, end)


def parse(period_type: str, key: str) -> Period:
    """The period a key names; a key of another period type, or malformed, is refused."""
    key = (key or "").strip().upper()
    if period_type == PeriodType.ONCE:
        if key == ONCE:
            return Period(period_type, ONCE, _ONCE_START, _ONCE_END)
    elif (m := _PATTERNS[period_type].match(key)) and 1900 < int(m.group(1)) < 2200:
        year = int(m.group(1))
        index = int(m.group(2)) if m.lastindex and m.lastindex > 1 else 1
        return containing(period_type, datetime.date(year, (index - 1) * _MONTHS[period_type] + 1, 1))
    raise ValidationError(_("“%(key)s” is not a %(type)s period (for example %(example)s).")
                          % {"key": key, "type": PeriodType(period_type).label.lower(),
                             "example": example(period_type)}, code="period")


def example(period_type: str) -> str:
    return {PeriodType.MONTHLY: "2026M07", PeriodType.QUARTERLY: "2026Q3", PeriodType.HALF_YEARLY: "2026H2",
            PeriodType.YEARLY: "2026", PeriodType.ONCE: ONCE}[period_type]


def open_for_entry(period_type: str, period: Period, today: datetime.date) -> bool:
    """A period can be reported once it has started: a future period is refused (DHIS2 does the same)."""
    return period_type == PeriodType.ONCE or period.start <= today


def recent(period_type: str, today: datetime.date, count: int = 12) -> list[Period]:
    """The last ``count`` periods up to the one containing ``today``, newest first."""
    if period_type == PeriodType.ONCE:
        return [parse(period_type, ONCE)]
    out = [containing(period_type, today)]
    while len(out) < count:
        out.append(out[-1].previous())
    return out
