# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo queue of Phường Hạ Long: three service areas, three counters, this morning's tickets."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xaso.core.accounts.models import User
from xaso.core.places.models import Commune

from . import services
from .models import Counter, ServiceArea, Ticket

COMMUNE = "06688"
AREAS = (("A", "Hộ tịch – Chứng thực"), ("B", "Cư trú – Đất đai – Xây dựng"), ("C", "Lao động – Bảo trợ xã hội"))


def seed(*, today: dt.date) -> dict[str, int]:
    commune = Commune.objects.get(pk=COMMUNE)
    made = {"service areas": 0, "counters": 0, "tickets": 0}
    areas = []
    for i, (letter, name) in enumerate(AREAS):
        area, created = ServiceArea.objects.get_or_create(commune=commune, letter=letter,
                                                          defaults={"name": name, "order": i})
        areas.append(area)
        made["service areas"] += created
    for number, served in ((1, areas[:1]), (2, areas[1:]), (3, areas)):
        counter, created = Counter.objects.get_or_create(commune=commune, number=number)
        if created:
            counter.areas.set(served)
            made["counters"] += 1
    if not Ticket.objects.filter(commune=commune, day=today).exists():
        officer = User.objects.get(username="halong-one-stop-officer")
        start = timezone.make_aware(dt.datetime.combine(today, dt.time(7, 30)))
        counters = list(Counter.objects.filter(commune=commune).order_by("number"))
        for n in range(9):
            services.ticket_issue(commune=commune, area=areas[n % 3], now=start + dt.timedelta(minutes=6 * n))
            made["tickets"] += 1
        # The first five are served at counter 3, the sixth did not come; the rest still wait.
        for n in range(6):
            at = start + dt.timedelta(minutes=10 + 12 * n)
            ticket = services.ticket_call_next(actor=officer, counter=counters[2], now=at)
            if n == 5:
                services.ticket_skip(actor=officer, ticket=ticket, now=at + dt.timedelta(minutes=2))
                continue
            services.ticket_start(actor=officer, ticket=ticket, now=at + dt.timedelta(minutes=1))
            services.ticket_finish(actor=officer, ticket=ticket, now=at + dt.timedelta(minutes=9))
    return made
