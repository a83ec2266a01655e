# SPDX-License-Identifier: AGPL-3.0-or-later
"""The working-day calendar belongs to a province, not to a commune: every official of the province reads
it (commune B's too), so its routes show only facts that are not commune A's. What the test must prove is
that no outsider (commune B's chairperson, another province's official, a citizen, a visitor) can change it.
"""

import datetime as dt

from xaso.core.clock import calendar
from xaso.core.clock.models import CalendarDay
from xaso.core.places.models import Province

GENERIC = {}
PUBLIC_ABOUT_A = {"clock:province", "clock_api:days", "clock_api:due"}


def private(commune, users, secrets):
    # An announcement of the province and one for the whole country: writes by outsiders must leave both.
    CalendarDay.objects.create(province=Province.objects.get(pk=commune.province_id), date=dt.date(2026, 3, 5),
                               kind="day_off", name="Lễ hội thử phạm vi", created_by=users["ada"])
    CalendarDay.objects.create(province=None, date=dt.date(2026, 3, 7), kind="workday", name="Làm bù thử phạm vi",
                               created_by=users["ada"])
    calendar.changed()  # written past the services: tell the calendars, as the services do
    return {}


def state():
    return list(CalendarDay.objects.order_by("date", "province_id")
                .values_list("province_id", "date", "kind", "name", "legal_basis"))
