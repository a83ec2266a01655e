# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo queue: three service areas, three counters and this morning's tickets, so that the board and
the figures are not empty. Idempotent: areas and counters once, tickets once a day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xaso.core import tenancy
from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.accounts.roles import Role
from xaso.core.places.models import Commune

from . import services
from .models import Counter, ServiceArea, Ticket

COMMUNE = "06688"
AREAS = (("A", "Hộ tịch – Chứng thực"), ("B", "Cư trú – Đất đai – Xây dựng"), ("C", "Lao động – Bảo trợ xã hội"))


def _officer(commune) -> User | None:
    """The commune's one-stop officer (or any official who may operate a counter) calls the demo tickets."""
    staff = sorted(User.objects.filter(commune=commune, is_active=True).order_by("pk"),
                   key=lambda u: u.role != Role.ONE_STOP_OFFICER)
    return next((u for u in staff if can(u, "queue.counter.operate", commune)), None)


def seed_demo_queue(commune, *, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    made = {"service areas": 0, "counters": 0, "tickets": 0}
    with tenancy.unscoped():
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
        if Ticket.objects.filter(commune=commune, day=today).exists():
            return made
        start = timezone.make_aware(dt.datetime.combine(today, dt.time(7, 30)))
        for n in range(9):
            services.ticket_issue(commune=commune, area=areas[n % 3], now=start + dt.timedelta(minutes=6 * n))
            made["tickets"] += 1
        officer = _officer(commune)
        if officer is None:
            return made
        # Counter 3 serves the first five, the sixth did not come; the last three still wait.
        counter = Counter.objects.get(commune=commune, number=3)
        for n in range(6):
            at = start + dt.timedelta(minutes=10 + 12 * n)
            ticket = services.ticket_call_next(actor=officer, counter=counter, now=at)
            if n == 5:
                services.ticket_skip(actor=officer, ticket=ticket, now=at + dt.timedelta(minutes=2))
                continue
            services.ticket_start(actor=officer, ticket=ticket, now=at + dt.timedelta(minutes=1))
            services.ticket_finish(actor=officer, ticket=ticket, now=at + dt.timedelta(minutes=3 + n * 2))
    return made


def seed(*, today: dt.date) -> dict[str, int]:
    """The demo loader's hook (apps.py names it): Phường Hạ Long's center."""
    return seed_demo_queue(Commune.objects.get(pk=COMMUNE), today=today)
