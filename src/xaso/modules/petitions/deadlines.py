# SPDX-License-Identifier: AGPL-3.0-or-later
"""A petition's dates, from the deadline rules in force on the day it was received.

Working days are counted on the province's calendar (``core.clock``), the day of receipt being day 1 when it
is a working day, as for dossiers. Calendar days start the day after receipt (Bộ luật Dân sự 2015 art. 147)
and a limit ending on a day off ends on the next working day (art. 148) [U: articles recalled].
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from xaso.core.clock.calendar import LOCAL, calendar_for

from .models import Counting, DeadlineRule


def rule_for(*, province_id: str, kind: str, stage: str, on: dt.date) -> DeadlineRule:
    """The rule in force on ``on``: the province's own when it has one, else the national one."""
    rules = (DeadlineRule.objects.in_force(on).filter(kind=kind, stage=stage)
             .filter(Q(province_id=province_id) | Q(province__isnull=True)))
    # A province's row before a national one, then the newest version.
    found = sorted(rules, key=lambda r: (r.province_id is None, -r.effective_from.toordinal()))
    if not found:
        raise ImproperlyConfigured(f"no petition deadline rule for {kind}/{stage} on {on}")
    return found[0]


def due(rule: DeadlineRule, *, province_id: str, received_at: dt.datetime) -> dt.date:
    cal = calendar_for(province_id)
    start = cal.start_day(received_at, None)
    if rule.counting == Counting.WORKING:
        return cal.due_date(start, rule.days)
    last = timezone.localtime(received_at, LOCAL).date() + dt.timedelta(days=rule.days)
    return last if cal.is_working_day(last) else cal.next_working_day(last)
