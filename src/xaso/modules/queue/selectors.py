# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the queue: the board (public), a ticket by its token (public), a counter, the day's figures."""

from __future__ import annotations

import datetime as dt
import statistics

from django.http import Http404

from xaso.core import tenancy
from xaso.core.accounts.permissions import can

from .models import Counter, ServiceArea, Ticket

S = Ticket.Status


def areas(commune):
    with tenancy.unscoped():  # the kiosk shows the active areas to everyone
        return list(ServiceArea.objects.filter(commune=commune, active=True))


def board(commune, day: dt.date) -> dict:
    """What the display board shows: the last calls with their counters, and how many wait per area.
    Ticket labels and counter numbers only: nothing about the people."""
    with tenancy.unscoped():
        called = (Ticket.objects.filter(commune=commune, day=day, status__in=(S.CALLED, S.SERVING))
                  .select_related("area", "counter").order_by("-called_at")[:8])
        waiting = {a.pk: 0 for a in ServiceArea.objects.filter(commune=commune, active=True)}
        for area_id in Ticket.objects.filter(commune=commune, day=day, status=S.WAITING).values_list("area_id",
                                                                                                        flat=True):
            waiting[area_id] = waiting.get(area_id, 0) + 1
        names = dict(ServiceArea.objects.filter(commune=commune).values_list("pk", "name"))
    return {"called": [{"ticket": t.label, "counter": t.counter.number, "calls": t.call_count} for t in called],
            "waiting": [{"area": names[pk], "count": n} for pk, n in waiting.items()]}


def ticket_by_token(commune, token: str) -> tuple[Ticket, int]:
    """The ticket and how many are ahead of it (public: the token is the permission)."""
    with tenancy.unscoped():
        ticket = Ticket.objects.select_related("area").filter(commune=commune, token=token).first()
        if ticket is None:
            raise Http404
        ahead = Ticket.objects.filter(area=ticket.area, day=ticket.day, status=S.WAITING,
                                      issued_at__lt=ticket.issued_at).count() if ticket.status == S.WAITING else 0
    return ticket, ahead


def counter_for(*, user, commune, counter_id) -> Counter:
    if not can(user, "queue.counter.operate", commune):
        raise Http404
    counter = Counter.objects.filter(commune=commune, pk=counter_id).first()
    if counter is None:
        raise Http404
    return counter


def ticket_for_counter(*, user, counter) -> Ticket | None:
    """The ticket a counter is calling or serving now."""
    return (Ticket.objects.filter(counter=counter, status__in=(S.CALLED, S.SERVING))
            .select_related("area").order_by("-called_at").first())


def _minutes(pairs) -> dict:
    values = [(b - a).total_seconds() / 60 for a, b in pairs if a and b]
    return {"average": round(statistics.fmean(values), 1) if values else None,
            "median": round(statistics.median(values), 1) if values else None}


def figures(*, user, commune, day: dt.date) -> dict:
    """The day's figures: tickets, waiting time (issued → called), service time (started → finished)."""
    if not can(user, "queue.figures.view", commune):
        raise Http404
    tickets = list(Ticket.objects.filter(commune=commune, day=day).select_related("area", "counter"))
    rows = []
    for counter in Counter.objects.filter(commune=commune):
        mine = [t for t in tickets if t.counter_id == counter.pk]
        rows.append({"counter": str(counter), "served": sum(t.status == S.DONE for t in mine),
                     "no_show": sum(t.status == S.NO_SHOW for t in mine),
                     "wait": _minutes((t.issued_at, t.called_at) for t in mine)["average"],
                     "service": _minutes((t.started_at, t.finished_at) for t in mine)["average"],
                     "service_median": _minutes((t.started_at, t.finished_at) for t in mine)["median"]})
    return {"issued": len(tickets), "served": sum(t.status == S.DONE for t in tickets),
            "no_show": sum(t.status == S.NO_SHOW for t in tickets),
            "waiting": sum(t.status == S.WAITING for t in tickets),
            "wait": _minutes((t.issued_at, t.called_at) for t in tickets),
            "service": _minutes((t.started_at, t.finished_at) for t in tickets), "counters": rows}
