# SPDX-License-Identifier: AGPL-3.0-or-later
"""Measurement counts by month, named as the data returns name periods ("2026M07"): one period scheme."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from xaso.modules.datasets import periods
from xaso.modules.datasets.models import PeriodType

Period = periods.Period


def containing(day: datetime.date) -> Period:
    return periods.containing(PeriodType.MONTHLY, day)


def parse(key: str, today: datetime.date) -> Period:
    """The month a key names; a malformed key or a month that has not begun is refused."""
    month = periods.parse(PeriodType.MONTHLY, key)
    if month.start > today:
        raise ValidationError(_("%(period)s has not begun yet: nothing can be measured for it.")
                              % {"period": month.label}, code="future")
    return month


def recent(today: datetime.date, count: int = 12) -> list[Period]:
    """The last ``count`` months up to this one, oldest first (as charts read them)."""
    return list(reversed(periods.recent(PeriodType.MONTHLY, today, count)))


def between(first: Period, last: Period) -> list[Period]:
    out = [first]
    while out[-1].key != last.key and out[-1].start < last.start:
        out.append(out[-1].next())
    return out


def key_of(day: datetime.date) -> str:
    return f"{day.year}M{day.month:02d}"
